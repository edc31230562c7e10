/**
 * The PostgreSQL server of a local test run. With ALSX_TEST_PG_URL set (CI, or a developer's own
 * server) there is nothing to do. Without it, the first test file that needs PostgreSQL starts a
 * throwaway server with scripts/postgres-test-server.sh (test/helpers/postgres.ts; a run of other
 * tests pays nothing) and the teardown here stops it. The files of one run share it through a state
 * directory made here: a lock, then the script's output or its error.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** the state directory of this run's lazily started PostgreSQL server ('' with ALSX_TEST_PG_URL set) */
    alsxPgState: string;
  }
}

export const SCRIPT = join(import.meta.dirname, '../../scripts/postgres-test-server.sh');
let state = '';

export function setup(project: TestProject): void {
  if (!process.env.ALSX_TEST_PG_URL) state = mkdtempSync(join(tmpdir(), 'alsx-pg-run-'));
  project.provide('alsxPgState', state);
}

export function teardown(): void {
  if (!state) return;
  const env = join(state, 'env');
  if (existsSync(env)) {
    const dir = /^ALSX_TEST_PG_DIR=(.*)$/m.exec(readFileSync(env, 'utf8'))?.[1];
    if (dir) execFileSync('bash', [SCRIPT, 'stop', dir], { stdio: 'inherit' });
  }
  rmSync(state, { recursive: true, force: true });
}
