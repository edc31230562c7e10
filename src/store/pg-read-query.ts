/**
 * A person's read-only query on PostgreSQL (read-query.ts), on a client of its own:
 *
 * - read-only twice over: the session's default_transaction_read_only, and the query inside
 *   BEGIN READ ONLY — PostgreSQL refuses any write (25006), which is NotReadOnly here. The text
 *   goes through the extended protocol, which takes one statement, so `select 1; commit; delete …`
 *   is refused whole rather than run in parts;
 * - the row cap without touching the query: it is declared as a cursor and FETCH reads max + 1 rows,
 *   so a query that never ends still answers its first rows. A statement a cursor cannot hold
 *   (SHOW, EXPLAIN) runs as it is, and its first max rows are kept;
 * - cancelled by pg_cancel_backend from a second connection (ending the socket alone would leave the
 *   server computing), then the client is ended.
 */
import pg from 'pg';
import { postgresDialect } from './dialect.js';
import { pgTypes } from './pg-values.js';
import { NotReadOnly, QueryCancelled } from './types.js';

type Rows = { rows: Record<string, unknown>[]; more: boolean; columns: { name: string; type: string | null }[] };

const CURSOR = 'alsx_sql';

export function readPgQuery(target: { url: string; pgSchema?: string }, query: string, max: number, signal?: AbortSignal): Promise<Rows> {
  if (signal?.aborted) return Promise.reject(new QueryCancelled('cancelled'));
  const searchPath = target.pgSchema ? ` -c search_path=${postgresDialect.q(target.pgSchema)}` : '';
  const client = new pg.Client({
    connectionString: target.url,
    types: pgTypes,
    application_name: 'alsx-sql',
    options: `-c default_transaction_read_only=on${searchPath}`,
  });
  client.on('error', () => {}); // a cancelled or dropped connection: the query's own promise says why
  return new Promise<Rows>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', cancel);
      fn();
    };
    const cancel = () => {
      settle(() => reject(new QueryCancelled('cancelled: the query was stopped')));
      void stop(target.url, client);
    };
    signal?.addEventListener('abort', cancel);
    run(client, query, max)
      .then(
        (rows) => settle(() => resolve(rows)),
        (e: { code?: string }) => settle(() => reject(e?.code === '25006' ? new NotReadOnly(query) : e)),
      )
      .finally(() => client.end().catch(() => {}));
  });
}

async function run(client: pg.Client, query: string, max: number): Promise<Rows> {
  await client.connect();
  const text = query.trim().replace(/;+\s*$/, '');
  await client.query('BEGIN READ ONLY');
  try {
    await client.query('SAVEPOINT alsx_declare');
    let result: pg.QueryResult;
    let cursor = true;
    try {
      await client.query({ text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${text}`, queryMode: 'extended' } as pg.QueryConfig);
    } catch (e) {
      // not a query a cursor can hold (SHOW, EXPLAIN …) — or a syntax error, which running it says in its own words
      if ((e as { code?: string }).code !== '42601') throw e;
      cursor = false;
      await client.query('ROLLBACK TO SAVEPOINT alsx_declare');
    }
    if (cursor) result = await client.query(`FETCH ${max + 1} FROM ${CURSOR}`);
    else result = await client.query({ text, queryMode: 'extended' } as pg.QueryConfig);
    const more = result.rows.length > max;
    return { rows: result.rows.slice(0, max), more, columns: await columnTypes(client, result.fields) };
  } finally {
    await client.query('ROLLBACK').catch(() => {});
  }
}

/** each result column's type as the table declares it (`numeric(10,2)`), null for an expression */
async function columnTypes(client: pg.Client, fields: pg.FieldDef[]): Promise<Rows['columns']> {
  const fromTables = fields.filter((f) => f.tableID !== 0);
  const types = new Map<pg.FieldDef, string>();
  if (fromTables.length) {
    const { rows } = await client.query<{ type: string }>(
      'SELECT format_type(f.t, f.m) AS type FROM unnest($1::oid[], $2::int4[]) WITH ORDINALITY AS f(t, m, i) ORDER BY f.i',
      [fromTables.map((f) => f.dataTypeID), fromTables.map((f) => f.dataTypeModifier)],
    );
    for (const [i, f] of fromTables.entries()) types.set(f, rows[i]!.type);
  }
  return fields.map((f) => ({ name: f.name, type: types.get(f) ?? null }));
}

/** asks the server to stop the client's query, from a second connection; ends the client */
async function stop(url: string, client: pg.Client): Promise<void> {
  const pid = (client as unknown as { processID?: number }).processID;
  if (pid) {
    const canceller = new pg.Client({ connectionString: url, application_name: 'alsx-sql-cancel' });
    canceller.on('error', () => {});
    try {
      await canceller.connect();
      await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch {
      // the server is gone or the query ended: nothing left to stop
    } finally {
      await canceller.end().catch(() => {});
    }
  }
  await client.end().catch(() => {});
}
