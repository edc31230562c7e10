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

const on = (q: pg.Pool | pg.PoolClient): AsyncReader => ({
  read: async (sql, params = []) => (await q.query(sql, params as unknown[])).rows as Row[],
});

export class PgReads {
  /** reads the newest commit, a query at a time */
  readonly instant: AsyncReader;

  constructor(
    private readonly pool: pg.Pool,
    all?: (sql: string, params?: readonly Value[]) => Row[],
  ) {
    this.instant = { ...on(pool), ...(all ? { all } : {}) };
  }

  async snapshot<T>(fn: (reader: AsyncReader) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let ok = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const result = await fn(on(client));
      ok = true;
      return result;
    } finally {
      // a failed query has aborted the transaction: ROLLBACK ends it either way
      await client.query(ok ? 'COMMIT' : 'ROLLBACK').catch(() => {});
      client.release();
    }
  }
}
