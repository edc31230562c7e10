/**
 * The workbench's read-only PostgreSQL connection (sync-reader.ts): a PgSyncConnection of its own
 * whose session refuses writes (default_transaction_read_only), so nothing the Tables pane sends
 * can change the database. Each statement reads the newest commit.
 *
 * Whether anyone committed is PostgreSQL's WAL insert position: any write on the server moves it —
 * alsx's own and other applications' alike — so a look at it is one round trip (≈0.2 ms), taken at
 * most every `watchMs`. A write that is not alsx's (psql, another application) shows as soon as it
 * moves the position; the pane's `r` re-reads at once.
 */
import { postgresDialect } from './dialect.js';
import { introspectPg } from './pg-introspect.js';
import { PgSyncConnection } from './pg-sync.js';
import { numberPlaceholders, type ReaderParam, type SyncReader } from './sync-reader.js';
import type { Row, Schema, Value } from './types.js';

/** the session: reads only; a statement gives up before the connection's own deadline */
const READ_ONLY = `SET default_transaction_read_only = on; SET statement_timeout = '20s'`;

export interface PgReaderOptions {
  /** the PostgreSQL schema of the application's tables (db.pgSchema; default: the search_path) */
  pgSchema?: string;
  /** the tables, when the project has read them already (an open project's store.schema); else introspected here */
  schema?: Schema;
}

export class PgSyncReader implements SyncReader {
  readonly dialect = postgresDialect;
  readonly watchMs = 500;
  private readonly numbered = new Map<string, string>();

  private constructor(
    private readonly conn: PgSyncConnection,
    readonly schema: Schema,
  ) {}

  /** connects to `url` read-only and reads its schema (unless given) */
  static async open(url: string, options: PgReaderOptions = {}): Promise<PgSyncReader> {
    const searchPath = options.pgSchema ? `; SET search_path TO ${postgresDialect.q(options.pgSchema)}` : '';
    const conn = new PgSyncConnection(url, { settings: `${READ_ONLY}${searchPath}`, deadlineMs: 30_000 });
    try {
      const schema =
        options.schema ??
        (await introspectPg(
          {
            query: async <R extends object>(text: string, values?: unknown[]) => ({
              rows: conn.query(text, values as Value[]).rows as R[],
            }),
          },
          options.pgSchema,
        ));
      return new PgSyncReader(conn, schema);
    } catch (e) {
      conn.close();
      throw e;
    }
  }

  all(sql: string, params: readonly ReaderParam[] = []): Row[] {
    let text = this.numbered.get(sql);
    if (text === undefined) this.numbered.set(sql, (text = numberPlaceholders(sql)));
    return this.conn.query(text, params.map(toParam) as Value[]).rows;
  }

  column(sql: string, params: readonly ReaderParam[] = []): Value[] {
    const rows = this.all(sql, params);
    if (rows.length === 0) return [];
    const name = Object.keys(rows[0]!)[0]!;
    return rows.map((r) => r[name]!);
  }

  changeMark(): string {
    return this.conn.query('SELECT pg_current_wal_insert_lsn()::text AS lsn').rows[0]!.lsn as string;
  }

  close(): void {
    this.conn.close();
  }
}

/** a list goes as a PostgreSQL array (its big integers as exact text) */
function toParam(p: ReaderParam): unknown {
  return Array.isArray(p) ? p.map((v) => (typeof v === 'bigint' ? v.toString() : v)) : p;
}
