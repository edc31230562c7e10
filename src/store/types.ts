import type { Dialect } from './dialect.js';
/**
 * The narrow data-access interface the rules engine uses. It knows tables, keys and rows — no
 * rules — so another database (PostgreSQL) can be added behind it later.
 */

/** A value as SQLite holds it (dates are ISO text, booleans 0/1, money a number rounded to scale). */
export type Value = string | number | bigint | null | Uint8Array;
export type Row = Record<string, Value>;
/** A primary key: the value for a one-column key, an object for a composite key. */
export type Key = Value | Record<string, Value>;

/** How the engine treats a column's values, from its declared type (SQLite affinity + a few names). */
export type ColumnKind = 'integer' | 'decimal' | 'real' | 'text' | 'boolean' | 'date' | 'datetime' | 'blob' | 'numeric';

export interface ColumnInfo {
  name: string;
  declaredType: string;
  kind: ColumnKind;
  /** digits after the point for DECIMAL(p, s); null when not declared */
  scale: number | null;
  /** total digits of DECIMAL(p, s) or DECIMAL(p); null when not declared */
  precision?: number | null;
  notNull: boolean;
  /** the DEFAULT as a literal value, or undefined when there is none (or it is an expression SQLite computes) */
  defaultValue: Value | undefined;
  /** DEFAULT is an expression (CURRENT_TIMESTAMP …) SQLite must compute itself */
  defaultIsExpression: boolean;
  /** position in the primary key (1-based), 0 when not part of it */
  pk: number;
  /** computed by the database (GENERATED ALWAYS AS …): read, never written */
  generated?: boolean;
}

export type OnDelete = 'CASCADE' | 'SET NULL' | 'SET DEFAULT' | 'RESTRICT' | 'NO ACTION';

export interface ForeignKey {
  /** the referencing (child) table and its columns */
  childTable: string;
  childColumns: string[];
  /** the referenced (parent) table and its columns (usually its primary key) */
  parentTable: string;
  parentColumns: string[];
  onDelete: OnDelete;
  /** the relationship's name seen from the child: the parent table's name, or the FK column when a table has several FKs to one parent */
  role: string;
}

export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  columnsByName: Map<string, ColumnInfo>;
  primaryKey: string[];
  /** the key is an INTEGER PRIMARY KEY (rowid alias): SQLite assigns it on insert when it is missing */
  generatedKey: boolean;
  isView: boolean;
  /** FKs from this table to its parents */
  parents: ForeignKey[];
  /** FKs from other tables to this one */
  children: ForeignKey[];
}

export interface Schema {
  tables: Map<string, TableInfo>;
}

/** a statement given to a read-only query would change the database */
export class NotReadOnly extends Error {
  constructor(readonly sql: string) {
    super('the statement would change the database; only reads are allowed here');
  }
}

/** a query stopped at the caller's request (a person's esc) before it answered */
export class QueryCancelled extends Error {
  override name = 'QueryCancelled';
}

export interface Store {
  readonly schema: Schema;
  /** the database's SQL */
  readonly dialect: Dialect;
  /** the row with this key, or undefined */
  get(table: TableInfo, key: Row): Row | undefined;
  /** primary keys of the rows whose `fk` columns equal `parentKey` (in the parent's column order) */
  childKeys(fk: ForeignKey, parentKey: Value[]): Row[];
  /** every row of a table (used by audits, never by the engine's per-change path) */
  scan(table: TableInfo): Iterable<Row>;
  /** inserts the row; returns its primary key, with a generated key filled in */
  insert(table: TableInfo, row: Row): Row;
  update(table: TableInfo, key: Row, values: Row): void;
  delete(table: TableInfo, key: Row): void;
  /** runs fn in a transaction; commits when it returns, rolls back when it throws or `rollback` is set */
  transaction<T>(fn: () => T, options?: { rollback?: boolean }): T;
  /** as transaction, for an `fn` that awaits between its steps: nothing else may write until it settles (Engine.turn) */
  transactionAsync<T>(fn: () => Promise<T>, options?: { rollback?: boolean }): Promise<T>;
  close(): void;
}

/** a reader of committed rows outside the engine's transaction (the API's, the workbench's) */
export interface Reader {
  /** with a slicer, a long read may hand the event loop its turns between rows (SQLite) */
  read(sql: string, params?: readonly Value[], slicer?: import('../slicer.js').Slicer): Promise<Row[]>;
}

export interface Reads {
  /** reads the newest commit, a query at a time */
  readonly instant: Reader;
  /** runs `fn` with a reader that sees one commit however long it takes */
  snapshot<T>(fn: (reader: Reader) => Promise<T>): Promise<T>;
}

/**
 * A project's database: the engine's Store, plus SQL on the same connection for what is not the
 * engine's (alsx's own tables, audits, mapping lookups) and readers for the API. SqliteStore and
 * PgStore; nothing above the store holds a driver's handle.
 */
export interface ProjectStore extends Store {
  readonly reads: Reads;
  /** a transaction is open on the engine's connection */
  readonly inTransaction: boolean;
  /** rows of a statement (placeholders in the dialect's form) */
  all(sql: string, params?: readonly Value[]): Row[];
  /** a statement that changes rows; how many it changed */
  run(sql: string, params?: readonly Value[]): { changes: number };
  /** a script of statements without parameters (DDL) */
  exec(sql: string): void;
  /** rows of a statement that may only read: NotReadOnly for any other */
  readOnly(sql: string, params?: readonly Value[]): Row[];
  /** all(), awaited */
  read(sql: string, params?: readonly Value[]): Promise<Row[]>;
  /**
   * a value that changes when another connection commits (SQLite's data_version; PostgreSQL's WAL
   * position, which any write on the server moves): asked every `watchMs` by what waits for changes
   */
  changeMark(): number | string;
  readonly watchMs: number;
  /** NOTIFY/LISTEN (PostgreSQL): what one process changes, the others hear of at its commit */
  listen?(channel: string, fn: (payload: string) => void, lost: () => void): Promise<() => void>;
  notify?(channel: string, payload: string): void;
  /** close() was called */
  readonly closed?: boolean;
  /** rows of `table` whose columns equal `where` (at most `limit`): lookups for mappings */
  rowsWhere(table: string, where: Row, limit: number): Row[];
}
