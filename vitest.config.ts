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
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
