/**
 * The workbench's read-only SQLite connection (sync-reader.ts). In WAL mode it sees the last commit
 * of the API and the workers, which write the same file from other processes, and never waits for
 * them; data_version, a few microseconds a look, says when they committed.
 */
import Database from 'better-sqlite3';
import { sqliteDialect } from './dialect.js';
import { introspect } from './introspect.js';
import { statementCache } from './sqlite.js';
import type { ReaderParam, SyncReader } from './sync-reader.js';
import type { Row, Schema, Value } from './types.js';

export class SqliteSyncReader implements SyncReader {
  readonly dialect = sqliteDialect;
  readonly schema: Schema;
  readonly watchMs = 0;
  private readonly db: Database.Database;
  private readonly stmt: (sql: string) => Database.Statement;

  /** opens `file` read-only; it must exist */
  constructor(file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    this.db.pragma('busy_timeout = 2000');
    this.stmt = statementCache(this.db);
    this.schema = introspect(this.db);
  }

  all(sql: string, params: readonly ReaderParam[] = []): Row[] {
    // pluck is a setting of the (cached) statement: say it each time
    return this.stmt(sql)
      .pluck(false)
      .all(...params) as Row[];
  }

  column(sql: string, params: readonly ReaderParam[] = []): Value[] {
    return this.stmt(sql)
      .pluck(true)
      .all(...params) as Value[];
  }

  changeMark(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  close(): void {
    this.db.close();
  }
}
