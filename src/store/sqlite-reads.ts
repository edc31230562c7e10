/**
 * Reads on connections of their own. The write connection may hold a transaction open across
 * turns of the event loop (a long atomic request yields between its operations so it does not
 * stall everyone), and a read must never see such a transaction half-done — so the API reads
 * through these read-only connections, which in WAL mode see the last commit and never wait for a
 * writer.
 *
 *   instant   one connection, no transaction held: each statement reads the newest commit
 *   snapshot  a pooled connection inside BEGIN … COMMIT, for a read that yields between slices:
 *             every statement of it sees the same commit
 */
import Database from 'better-sqlite3';
import type { Row, Value } from './types.js';
import { statementCache } from './sqlite.js';
import type { Slicer } from '../slicer.js';

export class SqliteReader {
  private readonly stmt: (sql: string) => Database.Statement;

  constructor(readonly db: Database.Database) {
    this.stmt = statementCache(db);
  }

  all(sql: string, params: readonly Value[] = []): Row[] {
    return this.stmt(sql).all(...params) as Row[];
  }

  /**
   * Rows, awaited. With a slicer the rows are stepped through and the event loop gets its turns
   * between slices — on a snapshot's connection only, which no one else uses meanwhile.
   */
  async read(sql: string, params: readonly Value[] = [], slicer?: Slicer): Promise<Row[]> {
    if (!slicer) return this.all(sql, params);
    const rows: Row[] = [];
    for (const row of this.stmt(sql).iterate(...params) as IterableIterator<Row>) {
      rows.push(row);
      if ((rows.length & 63) === 0) await slicer.pause();
    }
    return rows;
  }
}

/** a reader shared by every request: a query is answered whole, never stepped across turns */
class InstantReader extends SqliteReader {
  override read(sql: string, params: readonly Value[] = []): Promise<Row[]> {
    return Promise.resolve(this.all(sql, params));
  }
}

/** connections kept open for the next snapshot; more are opened while more reads overlap */
const IDLE_KEPT = 4;

export class ReadConnections {
  private instantReader: SqliteReader | undefined;
  private readonly idle: SqliteReader[] = [];
  private readonly open = new Set<SqliteReader>();
  /** snapshots in progress now */
  reading = 0;

  constructor(private readonly file: string) {}

  private connect(Kind: typeof SqliteReader = SqliteReader): SqliteReader {
    const db = new Database(this.file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    db.defaultSafeIntegers(false);
    const reader = new Kind(db);
    this.open.add(reader);
    return reader;
  }

  /** reads the newest commit; never held across a turn of the event loop, so it takes no slicer */
  get instant(): SqliteReader {
    return (this.instantReader ??= this.connect(InstantReader));
  }

  /** runs `fn` on a connection of its own, inside one read transaction: one consistent commit however long it takes */
  async snapshot<T>(fn: (reader: SqliteReader) => Promise<T>): Promise<T> {
    const reader = this.idle.pop() ?? this.connect();
    reader.db.exec('BEGIN');
    this.reading++;
    try {
      return await fn(reader);
    } finally {
      this.reading--;
      if (reader.db.open) {
        reader.db.exec('COMMIT');
        if (this.idle.length < IDLE_KEPT) this.idle.push(reader);
        else this.closeOne(reader);
      }
    }
  }

  private closeOne(reader: SqliteReader): void {
    this.open.delete(reader);
    reader.db.close();
  }

  close(): void {
    for (const reader of this.open) reader.db.close();
    this.open.clear();
    this.idle.length = 0;
    this.instantReader = undefined;
  }
}
