/**
 * The PostgreSQL server of a local test run. With ALSX_TEST_PG_URL set (CI, or a developer's own
 * server) there is nothing to do. Without it, the first test file that needs PostgreSQL starts a
 * throwaway server with scripts/postgres-test-server.sh (test/helpers/postgres.ts; a run of other
 * tests pays nothing) and the teardown here stops it. The files of one run share it through a state
 * directory made here: a lock, then the script's output or its error. A run killed before its teardown
 * leaves its server behind; the next run stops it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { alive } from '../../src/runtime/process-alive.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** the state directory of this run's lazily started PostgreSQL server ('' with ALSX_TEST_PG_URL set) */
    alsxPgState: string;
  }
}

export const SCRIPT = join(import.meta.dirname, '../../scripts/postgres-test-server.sh');
let state = '';

export function setup(project: TestProject): void {
  if (!process.env.ALSX_TEST_PG_URL) {
    sweep();
    state = mkdtempSync(join(tmpdir(), 'alsx-pg-run-'));
    writeFileSync(join(state, 'owner'), String(process.pid));
  }
  project.provide('alsxPgState', state);
}

export function teardown(): void {
  if (state) release(state);
}

/** stops the run's server, if one was started, and removes the state directory */
function release(dir: string): void {
  const env = join(dir, 'env');
  if (existsSync(env)) {
    const server = /^ALSX_TEST_PG_DIR=(.*)$/m.exec(readFileSync(env, 'utf8'))?.[1];
    if (server) execFileSync('bash', [SCRIPT, 'stop', server], { stdio: 'inherit' });
  }
  rmSync(dir, { recursive: true, force: true });
}

/** the servers of earlier runs that ended without their teardown (killed): their owner is gone */
function sweep(): void {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith('alsx-pg-run-'))) {
    const dir = join(tmpdir(), name);
    try {
      const owner = Number(readFileSync(join(dir, 'owner'), 'utf8'));
      if (owner && !alive(owner)) release(dir);
    } catch {
      // not ours to judge (no owner file yet, or another user's)
    }
  }
}
