import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // projects import the package by name (`import { rules } from 'alsx'`), as a user's project would
    alias: [
      { find: /^alsx\/config$/, replacement: fileURLToPath(new URL('./src/project/config.ts', import.meta.url)) },
      { find: /^alsx$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    setupFiles: ['test/setup/state-dir.ts'],
    globalSetup: ['test/setup/build.ts', 'test/setup/postgres.ts'],
    // bounds for a test that hangs, generous enough for a machine busy with other work: a passing
    // test never comes near them (tests wait on conditions, each with its own bound)
    testTimeout: 120_000,
    // two test files at a time, whatever vitest would pick for the cores (one, on two): most of the
    // suite waits on child processes, brokers and sockets rather than computing
    maxWorkers: 2,
    hookTimeout: 120_000,
  },
});
