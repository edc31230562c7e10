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
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
    // written whole, then renamed: a waiting file never reads half of it
    const publish = (file: string, text: string) => {
      writeFileSync(`${file}.tmp`, text);
      renameSync(`${file}.tmp`, file);
    };
    if (run.status === 0 && /^ALSX_TEST_PG_URL=/m.test(run.stdout)) {
      publish(env, run.stdout);
      process.stderr.write(run.stderr);
    } else publish(error, (run.stderr || run.error?.message || `exit ${run.status}`).trim());
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

export interface PgDatabaseOptions {
  /**
   * SQL files to load, in order (a schema, a seed): built once per server into a template database
   * named by a hash of their contents, then copied (`CREATE DATABASE … TEMPLATE`, tens of ms for
   * Northwind) for each test file that asks for the same files
   */
  files?: string[];
}

/** a new database on the test server: empty, or a copy of `files` loaded */
export async function createPgDatabase(options: PgDatabaseOptions = {}): Promise<PgTestDatabase> {
  const server = await pgServerUrl();
  const name = `alsx_test_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
  const from = options.files?.length ? await template(server, options.files) : undefined;
  await admin(server, async (c) => {
    await c.query(`CREATE DATABASE "${name}"${from ? ` TEMPLATE "${from.name}"${from.fileCopy ? ' STRATEGY FILE_COPY' : ''}` : ''}`);
  });
  const url = withDatabase(server, name);
  const pool = new pg.Pool({ connectionString: url, types: pgTypes, max: 4 });
  pool.on('error', () => {}); // a dropped database ends idle clients; the test has its answer by then
  return {
    name,
    url,
    pool,
    exec: async (sql) => {
      await pool.query(sql);
    },
    drop: async () => {
      await pool.end();
      await admin(server, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

const withDatabase = (server: string, name: string): string => {
  const url = new URL(server);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.href;
};

/**
 * The template database of these SQL files on this server, built when missing. Test files in other
 * workers may ask at the same moment: an advisory lock lets one build it (under a temporary name,
 * renamed when complete) while the others wait. Templates of older contents are dropped.
 */
async function template(server: string, files: string[]): Promise<{ name: string; fileCopy: boolean }> {
  const hash = createHash('sha256');
  for (const f of files) hash.update(readFileSync(f)).update('\0');
  const digest = hash.digest('hex').slice(0, 12);
  // one template per set of files (named by their paths), replaced when their contents change
  const stem = `alsx_tpl_${createHash('sha256')
    .update(files.map((f) => resolve(f)).join('\0'))
    .digest('hex')
    .slice(0, 8)}`;
  const name = `${stem}_${digest}`;
  return admin(server, async (c) => {
    // wal_log (15's default) writes the whole copy to the WAL; file_copy checkpoints, cheap with fsync off
    const version = Number((await c.query<{ v: string }>('SHOW server_version_num')).rows[0]!.v);
    await c.query('SELECT pg_advisory_lock(hashtext($1))', [stem]);
    try {
      if (!(await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount) {
        const building = `${name}_building`;
        await c.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
        await c.query(`CREATE DATABASE "${building}"`);
        const loader = new pg.Client({ connectionString: withDatabase(server, building) });
        await loader.connect();
        try {
          for (const f of files) await loader.query(readFileSync(f, 'utf8'));
        } finally {
          await loader.end();
        }
        await c.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
        await c.query(`ALTER DATABASE "${name}" IS_TEMPLATE true`);
        const stale = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname ~ $1 AND datname <> $2`, [
          `^${stem}_[0-9a-f]{12}$`,
          name,
        ]);
        for (const { datname } of stale.rows) {
          await c.query(`ALTER DATABASE "${datname}" IS_TEMPLATE false`);
          await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
        }
      }
    } finally {
      await c.query('SELECT pg_advisory_unlock(hashtext($1))', [stem]);
    }
    return { name, fileCopy: version >= 150000 };
  });
}

async function admin<T>(server: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The test file's database: created before its tests (a failure to get a server fails them all),
 * dropped after; with `files`, a copy of them loaded (see {@link PgDatabaseOptions}); then `setup`.
 * Use its fields inside tests and hooks, not at the file's top level.
 */
export function pgTestDatabase(
  setupOrOptions?: ((db: PgTestDatabase) => Promise<void>) | (PgDatabaseOptions & { setup?: (db: PgTestDatabase) => Promise<void> }),
): PgTestDatabase {
  const { setup, ...options } = typeof setupOrOptions === 'function' ? { setup: setupOrOptions } : (setupOrOptions ?? {});
  let db: PgTestDatabase | undefined;
  const ready = (): PgTestDatabase => {
    if (!db) throw new Error('the PostgreSQL test database is made in beforeAll: use it inside a test or hook');
    return db;
  };
  beforeAll(async () => {
    db = await createPgDatabase(options);
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
