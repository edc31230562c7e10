/**
 * A PostgreSQL database alsx builds from a project's SQL (a "managed" database: Northwind's
 * db/postgres/schema.sql and seed.sql), as .alsx/db.sqlite is built from db/schema.sql on SQLite.
 *
 * alsx marks what it built with a comment on the schema (`alsx: <fingerprint of the SQL>`), and only
 * ever drops tables in a schema that carries that mark or has no tables at all: pointing a project at
 * someone's real database can never make `alsx reset` erase it.
 */
import type { PgStore } from './postgres.js';

const MARK = 'alsx:';
/** a session lock while building, so two processes opening the project at once build it once */
const BUILD_LOCK = 0x616c7362; // 'alsb'

export type PgState =
  /** no tables: nothing to lose */
  | { kind: 'empty' }
  /** built by alsx from SQL whose fingerprint is `fingerprint` */
  | { kind: 'built'; fingerprint: string }
  /** tables alsx did not make: the user's own database */
  | { kind: 'foreign' };

export function pgState(store: PgStore): PgState {
  const tables = store.all(
    `SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relname NOT LIKE '\\_alsx\\_%'`,
  )[0]!.n;
  if (Number(tables) === 0) return { kind: 'empty' };
  const comment = store.all(`SELECT obj_description(oid, 'pg_namespace') AS c FROM pg_namespace WHERE nspname = current_schema()`)[0]?.c;
  return typeof comment === 'string' && comment.startsWith(MARK)
    ? { kind: 'built', fingerprint: comment.slice(MARK.length) }
    : { kind: 'foreign' };
}

/**
 * Builds the schema's tables from `schemaSql` and `seedSql` when it is empty — or, with `reset`, when
 * alsx built it — under a lock, so it happens once however many processes open the project.
 * Returns what it did.
 */
export function buildPg(
  store: PgStore,
  sql: { schema: string; seed?: string; fingerprint: string; prepare?: () => void },
  options: { reset?: boolean } = {},
): 'built' | 'kept' {
  store.exec(`SELECT pg_advisory_lock(${BUILD_LOCK})`);
  try {
    const state = pgState(store);
    if (state.kind === 'foreign' && options.reset)
      throw new Error(
        `the database's schema holds tables alsx did not build; alsx rebuilds only a database it made (or an empty one) — drop its tables yourself if you mean to`,
      );
    if (state.kind === 'foreign' || (state.kind === 'built' && !options.reset)) return 'kept';
    store.exec(`BEGIN; ${dropEverything(store)}`);
    try {
      store.exec(sql.schema);
      sql.prepare?.(); // alsx's own tables, before the seed that may fill them
      if (sql.seed) store.exec(stripTransaction(sql.seed));
      store.exec(
        `COMMENT ON SCHEMA ${store.dialect.q(String(store.all('SELECT current_schema() AS s')[0]!.s))} IS '${MARK}${sql.fingerprint}'`,
      );
      store.exec('COMMIT');
    } catch (e) {
      store.exec('ROLLBACK');
      throw e;
    }
    return 'built';
  } finally {
    store.exec(`SELECT pg_advisory_unlock(${BUILD_LOCK})`);
  }
}

/** DROP statements for every table and view in the current schema (alsx's own too) */
function dropEverything(store: PgStore): string {
  const rows = store.all(
    `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm')`,
  );
  return rows
    .map((r) => {
      const what = r.kind === 'v' ? 'VIEW' : r.kind === 'm' ? 'MATERIALIZED VIEW' : 'TABLE';
      return `DROP ${what} IF EXISTS ${store.dialect.q(String(r.name))} CASCADE;`;
    })
    .join(' ');
}

/** a seed script's own BEGIN/COMMIT would end the build's transaction early: the build holds one already */
function stripTransaction(seed: string): string {
  return seed.replace(/^\s*(BEGIN|COMMIT)\s*;\s*$/gim, '');
}
