/**
 * An existing PostgreSQL database as `alsx create --db postgres://…` reads it: its schema
 * (introspectPg), the row count of each table, and what models.ts needs beyond the Schema (how each
 * key is generated). Read only, in one READ ONLY transaction; nothing is copied — the project uses
 * the database in place. No loose-value scan: PostgreSQL enforces its column types.
 *
 * A failure to connect is told in the user's terms (server not reachable, authentication failed, no
 * such database), naming the fix, and never with the password.
 */
import pg from 'pg';
import { introspectPg } from '../../store/pg-introspect.js';
import { pgTypes } from '../../store/pg-values.js';
import type { TableInfo } from '../../store/types.js';
import { ProjectError } from '../errors.js';
import { CONNECT_TIMEOUT_MS, explainConnectError, parsePgUrl, type PgUrl, PgUrlError } from '../../store/pg-url.js';
import type { SourceDatabase } from './source.js';

/** how a key column gets its values: an identity column (ALWAYS or BY DEFAULT), or a serial's sequence */
export type PgKeyGeneration = 'always' | 'byDefault' | 'serial';

export interface PgFacts {
  url: PgUrl;
  /** "table\u0000column" → how the database generates it */
  generated: Map<string, PgKeyGeneration>;
}

/** tables larger than this on disk get pg_class.reltuples' estimate instead of a count(*) */
const COUNT_LIMIT_BYTES = 256 * 1024 * 1024;
/** a view's count(*) may run its whole query: past this, its count is left out */
const VIEW_COUNT_TIMEOUT_MS = 10_000;

export async function readPgDatabase(text: string, progress: (message: string) => void = () => {}): Promise<SourceDatabase> {
  let url: ReturnType<typeof parsePgUrl>;
  try {
    url = parsePgUrl(text);
  } catch (e) {
    throw e instanceof PgUrlError ? new ProjectError(`--db: ${e.message}`) : e;
  }
  const client = new pg.Client({
    connectionString: url.connect,
    types: pgTypes,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'alsx create',
  });
  client.on('error', () => {}); // a server going away mid-read fails the query that was running
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw new ProjectError(explainConnectError(e, url));
  }
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const schema = await introspectPg(client);
    const where = await client.query<{ s: string }>('SELECT current_schema() AS s');
    const schemaName = where.rows[0]?.s ?? 'public';
    if (schema.tables.size === 0)
      throw new ProjectError(
        `--db ${url.shown} has no tables or views in schema ${schemaName}; alsx create needs at least one table ` +
          `(create them first, or name the database that has them)`,
      );
    const { rowCounts, approximate } = await countRows(client, [...schema.tables.values()], progress);
    const generated = await keyGeneration(client);
    await client.query('COMMIT');
    return {
      file: url.shown,
      schema,
      rowCounts,
      approximate,
      autoIncrement: new Set(),
      loose: [],
      pg: { url, generated },
    };
  } catch (e) {
    if (e instanceof ProjectError) throw e;
    throw new ProjectError(`--db ${url.shown} could not be read: ${(e as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * count(*) of each table and view; a table too large to scan gets the planner's estimate (and is
 * marked approximate), a view whose query takes too long gets none.
 */
async function countRows(
  client: pg.Client,
  tables: TableInfo[],
  progress: (message: string) => void,
): Promise<{ rowCounts: Map<string, number>; approximate: Set<string> }> {
  const sizes = await client.query<{ name: string; bytes: number; estimate: number }>(
    `SELECT c.relname::text AS name, pg_table_size(c.oid) AS bytes, c.reltuples::float8 AS estimate
       FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND c.relkind IN ('r', 'p', 'm', 'f')`,
  );
  const size = new Map(sizes.rows.map((r) => [r.name, r]));
  const rowCounts = new Map<string, number>();
  const approximate = new Set<string>();
  for (const t of tables) {
    const s = size.get(t.name);
    // reltuples is -1 until the table was first analysed: then only a count knows
    if (s && Number(s.bytes) > COUNT_LIMIT_BYTES && Number(s.estimate) >= 0) {
      rowCounts.set(t.name, Math.round(Number(s.estimate)));
      approximate.add(t.name);
      continue;
    }
    if (s && Number(s.bytes) > COUNT_LIMIT_BYTES) progress(`counting ${t.name} (${Math.round(Number(s.bytes) / 2 ** 20)} MB)`);
    const count = `SELECT count(*) AS n FROM ${quoteIdent(t.name)}`;
    if (!t.isView) {
      rowCounts.set(t.name, Number((await client.query<{ n: number }>(count)).rows[0]!.n));
      continue;
    }
    // a savepoint, so a view that times out (or fails) leaves the transaction usable
    await client.query(`SAVEPOINT view_count; SET LOCAL statement_timeout = ${VIEW_COUNT_TIMEOUT_MS}`);
    try {
      rowCounts.set(t.name, Number((await client.query<{ n: number }>(count)).rows[0]!.n));
      await client.query('RELEASE SAVEPOINT view_count; SET LOCAL statement_timeout = 0');
    } catch (e) {
      await client.query('ROLLBACK TO SAVEPOINT view_count; SET LOCAL statement_timeout = 0');
      if ((e as { code?: string }).code !== '57014') throw new ProjectError(`view ${t.name} cannot be read: ${(e as Error).message}`);
      approximate.add(t.name); // not counted: listing it pages, so the API still answers
      progress(`${t.name}: not counted (its query took over ${VIEW_COUNT_TIMEOUT_MS / 1000} s)`);
    }
  }
  return { rowCounts, approximate };
}

/** identity columns and serial-style `nextval()` defaults of the current schema */
async function keyGeneration(client: pg.Client): Promise<Map<string, PgKeyGeneration>> {
  const { rows } = await client.query<{ table: string; column: string; identity: string; serial: boolean | number }>(
    `SELECT c.relname::text AS table, a.attname::text AS column, a.attidentity::text AS identity,
            coalesce(pg_get_expr(d.adbin, d.adrelid) ~ '^nextval\\(', false) AS serial
       FROM pg_class c
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
      WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
        AND (a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) ~ '^nextval\\(')`,
  );
  const generated = new Map<string, PgKeyGeneration>();
  for (const r of rows)
    generated.set(`${r.table}\u0000${r.column}`, r.identity === 'a' ? 'always' : r.identity === 'd' ? 'byDefault' : 'serial');
  return generated;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** a failure to connect, in the user's terms, with the fix */
