/**
 * A PostgreSQL database of a test file's own: `CREATE DATABASE` on the server ALSX_TEST_PG_URL names
 * (dropped after the file), with a pool that parses values as alsx's pools do (src/store/pg-values.ts).
 *
 * No server is never a reason to skip: under CI=true a missing ALSX_TEST_PG_URL fails the file with
 * a message naming scripts/postgres-test-server.sh; locally the first file that needs a server starts
 * one with that script (test/setup/postgres.ts stops it), and fails with the script's own words when
 * it cannot (no PostgreSQL and no root to install it …).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { pgTypes } from '../../src/store/pg-values.js';

const SCRIPT = 'scripts/postgres-test-server.sh';
const ROOT = join(import.meta.dirname, '../..');
/** a first start on a fresh machine installs PostgreSQL with apt-get: minutes, not seconds */
const START_TIMEOUT_MS = 10 * 60_000;

let serverUrl: Promise<string> | undefined;

/** the URL of the test server (its `postgres` database), starting one for this run when needed */
export function pgServerUrl(): Promise<string> {
  serverUrl ??= findServer();
  return serverUrl;
}

/**
 * ALSX_TEST_PG_URL; else (not under CI) this run's shared server, started on first use. Its inputs are
 * parameters so test/store/pg-test-server.test.ts can check the messages.
 */
export async function findServer(
  env: NodeJS.ProcessEnv = process.env,
  runState: () => string = () => inject('alsxPgState'),
): Promise<string> {
  const url = env.ALSX_TEST_PG_URL;
  if (url) return url;
  if (env.CI === 'true' || env.CI === '1')
    throw new Error(
      `PostgreSQL tests need a server and ALSX_TEST_PG_URL is not set. Start one with \`eval "$(${SCRIPT} start)"\` ` +
        `and export ALSX_TEST_PG_URL (.ci/run does; stop it with \`${SCRIPT} stop "$ALSX_TEST_PG_DIR"\`).`,
    );
  const state = runState();
  if (!state)
    throw new Error(
      `PostgreSQL tests need a server: set ALSX_TEST_PG_URL, or run them through vitest's config, which starts one with ${SCRIPT}`,
    );
  return startShared(state);
}

/** the first file to get here starts the server; the others wait for its output (or its error) */
async function startShared(state: string): Promise<string> {
  const env = join(state, 'env');
  const error = join(state, 'error');
  let starter = false;
  try {
    mkdirSync(join(state, 'lock'));
    starter = true;
  } catch {
    // another test file is starting it
  }
  if (starter) {
    const run = spawnSync('bash', [SCRIPT, 'start'], { cwd: ROOT, encoding: 'utf8', timeout: START_TIMEOUT_MS });
    if (run.status === 0 && /^ALSX_TEST_PG_URL=/m.test(run.stdout)) {
      writeFileSync(env, run.stdout);
      process.stderr.write(run.stderr);
    } else {
      const why = (run.stderr || run.error?.message || `exit ${run.status}`).trim();
      writeFileSync(error, why);
    }
  }
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!existsSync(env) && !existsSync(error)) {
    if (Date.now() > deadline)
      throw new Error(`PostgreSQL tests: no server after ${START_TIMEOUT_MS / 1000} s waiting for ${SCRIPT} start`);
    await sleep(200);
  }
  if (existsSync(error))
    throw new Error(
      `PostgreSQL tests need a server, and \`${SCRIPT} start\` could not start one:\n${readFileSync(error, 'utf8')}\n` +
        'Install PostgreSQL, or set ALSX_TEST_PG_URL to a server where the user may CREATE DATABASE.',
    );
  const url = /^ALSX_TEST_PG_URL=(.*)$/m.exec(readFileSync(env, 'utf8'))![1]!;
  process.env.ALSX_TEST_PG_URL = url; // child processes of this test file (the CLI …) find it too
  return url;
}

export interface PgTestDatabase {
  name: string;
  /** the database's URL */
  url: string;
  /** a small pool on it, with alsx's type parsers */
  pool: pg.Pool;
  /** runs one or more statements (a whole SQL file) */
  exec(sql: string): Promise<void>;
  /** ends the pool and drops the database */
  drop(): Promise<void>;
}

let counter = 0;

/** a new, empty database on the test server */
export async function createPgDatabase(): Promise<PgTestDatabase> {
  const server = await pgServerUrl();
  const name = `alsx_test_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
  await admin(server, `CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.href, types: pgTypes, max: 4 });
  pool.on('error', () => {}); // a dropped database ends idle clients; the test has its answer by then
  return {
    name,
    url: url.href,
    pool,
    exec: async (sql) => {
      await pool.query(sql);
    },
    drop: async () => {
      await pool.end();
      await admin(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function admin(server: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * The test file's database: created before its tests (a failure to get a server fails them all),
 * dropped after. Use its fields inside tests and hooks, not at the file's top level.
 */
export function pgTestDatabase(setup?: (db: PgTestDatabase) => Promise<void>): PgTestDatabase {
  let db: PgTestDatabase | undefined;
  const ready = (): PgTestDatabase => {
    if (!db) throw new Error('the PostgreSQL test database is made in beforeAll: use it inside a test or hook');
    return db;
  };
  beforeAll(async () => {
    db = await createPgDatabase();
    await setup?.(db);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await db?.drop();
  });
  return {
    get name() {
      return ready().name;
    },
    get url() {
      return ready().url;
    },
    get pool() {
      return ready().pool;
    },
    exec: (sql) => ready().exec(sql),
    drop: () => ready().drop(),
  };
}
