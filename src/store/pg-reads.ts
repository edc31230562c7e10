/**
 * Reads on PostgreSQL, for what reads outside the engine (the JSON:API's read routes, the workbench):
 * a pool; a snapshot is one client inside a REPEATABLE READ, READ ONLY transaction, so every query of
 * a long read sees the same commit — as SqliteReads' snapshot connection does on SQLite.
 */
import type pg from 'pg';
import type { Row, Value } from './types.js';

export interface AsyncReader {
  read(sql: string, params?: readonly Value[]): Promise<Row[]>;
  /** rows at once, for a read inside a write (which cannot wait): on the engine's own connection */
  all?(sql: string, params?: readonly Value[]): Row[];
}

/**
 * Statements are named (prepared once per connection, as a hand-written server would) up to a bound:
 * the API's SQL has a few shapes per resource, but filters and IN-lists can make many, and each name
 * holds server memory for the connection's life.
 */
const MAX_NAMED = 500;
const names = new Map<string, string>();
function nameOf(sql: string): string | undefined {
  let name = names.get(sql);
  if (!name && names.size < MAX_NAMED) names.set(sql, (name = `alsx_r${names.size}`));
  return name;
}

const on = (q: pg.Pool | pg.PoolClient): AsyncReader => ({
  read: async (sql, params = []) => (await q.query({ name: nameOf(sql), text: sql, values: params as unknown[] })).rows as Row[],
});

/**
 * pg writes each protocol message of a query (parse, bind, execute, sync …) to the socket on its own:
 * several syscalls a query. Corked until the end of the tick, everything asked in one tick — a
 * pipelined BEGIN, count and page — leaves in one write. (pg keeps its socket at client.connection.stream.)
 */
export function corkWrites(client: pg.ClientBase): void {
  const stream = (client as unknown as { connection?: { stream?: { cork?(): void; uncork(): void; writableCorked?: number } } }).connection
    ?.stream;
  if (!stream?.cork) return;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    if (!stream.writableCorked) {
      stream.cork!();
      process.nextTick(() => stream.uncork());
    }
    return query(...args);
  };
}

export class PgReads {
  /** reads the newest commit, a query at a time */
  readonly instant: AsyncReader;

  constructor(
    private readonly pool: pg.Pool,
    all?: (sql: string, params?: readonly Value[]) => Row[],
  ) {
    this.instant = { ...on(pool), ...(all ? { all } : {}) };
    pool.on('connect', corkWrites);
  }

  /**
   * The pool's clients pipeline (pg's `pipeline: true`): BEGIN goes out with the first queries, and
   * the transaction is ended after the answer is in hand — the client returns to the pool once it is.
   */
  async snapshot<T>(fn: (reader: AsyncReader) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const begun = client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    let ok = false;
    try {
      const result = await fn(on(client));
      await begun;
      ok = true;
      return result;
    } finally {
      // a failed query has aborted the transaction: ROLLBACK ends it either way
      begun.catch(() => {});
      client.query(ok ? 'COMMIT' : 'ROLLBACK').then(
        () => client.release(),
        (e: Error) => client.release(e),
      );
    }
  }
}
