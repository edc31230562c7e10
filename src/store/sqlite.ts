/** The Store on better-sqlite3: prepared statements cached per shape, WAL by default. */
import Database from 'better-sqlite3';
import { introspect } from './introspect.js';
import { ReadConnections } from './sqlite-reads.js';
import { sqliteDialect } from './dialect.js';
import { NotReadOnly, type ForeignKey, type ProjectStore, type Row, type Schema, type TableInfo, type Value } from './types.js';

export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export interface SqliteOptions {
  /** 'NORMAL' (default: a process crash loses nothing, a power loss may lose the last commits) or 'FULL' */
  synchronous?: 'NORMAL' | 'FULL';
  readonly?: boolean;
}

/** prepares each SQL text once on `db`, then hands out the same statement */
export function statementCache(db: Database.Database): (sql: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (sql) => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare(sql)));
    return s;
  };
}

export class SqliteStore implements ProjectStore {
  readonly db: Database.Database;
  readonly schema: Schema;
  readonly dialect = sqliteDialect;
  /** connections for reads that must not see a write transaction in progress (the API's) */
  readonly reads: ReadConnections;
  private readonly stmt: (sql: string) => Database.Statement;

  constructor(file: string, options: SqliteOptions = {}) {
    this.db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: true });
    this.reads = new ReadConnections(file);
    this.stmt = statementCache(this.db);
    if (!options.readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    }
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.defaultSafeIntegers(false);
    this.schema = introspect(this.db);
  }

  private static where(cols: string[]): string {
    return cols.map((c) => `${q(c)} = ?`).join(' AND ');
  }

  /** statements whose SQL depends only on the table (the engine's hot path): built once per table */
  private readonly byTable = new Map<string, Database.Statement>();
  private tableStmt(kind: 'get' | 'delete', table: TableInfo): Database.Statement {
    const id = `${kind}\u0000${table.name}`;
    let s = this.byTable.get(id);
    if (!s) {
      const where = SqliteStore.where(table.primaryKey);
      s = this.stmt(kind === 'get' ? `SELECT * FROM ${q(table.name)} WHERE ${where}` : `DELETE FROM ${q(table.name)} WHERE ${where}`);
      this.byTable.set(id, s);
    }
    return s;
  }

  get(table: TableInfo, key: Row): Row | undefined {
    const pk = table.primaryKey;
    const s = this.tableStmt('get', table);
    return (pk.length === 1 ? s.get(key[pk[0]!]) : s.get(...pk.map((c) => key[c]))) as Row | undefined;
  }

  childKeys(fk: ForeignKey, parentKey: Value[]): Row[] {
    const child = this.schema.tables.get(fk.childTable)!;
    const cols = child.primaryKey.map(q).join(', ');
    return this.stmt(`SELECT ${cols} FROM ${q(child.name)} WHERE ${SqliteStore.where(fk.childColumns)}`).all(...parentKey) as Row[];
  }

  *scan(table: TableInfo): Iterable<Row> {
    yield* this.stmt(`SELECT * FROM ${q(table.name)}`).iterate() as Iterable<Row>;
  }

  /** insert statements per table, by which columns the row sends (a bit per column) */
  private readonly inserts = new Map<string, Map<number | string, { stmt: Database.Statement; cols: string[] }>>();

  insert(table: TableInfo, row: Row): Row {
    // a NULL whose column defaults to NULL anyway need not be sent (fewer bindings, fewer statement shapes)
    let shape: number | string = 0;
    const wide = table.columns.length > 30;
    for (let i = 0; i < table.columns.length; i++) {
      const c = table.columns[i]!;
      const v = row[c.name];
      if (v === undefined || c.generated || (v === null && (c.defaultValue ?? null) === null && !c.defaultIsExpression)) continue;
      shape = wide ? `${shape},${i}` : (shape as number) | (1 << i);
    }
    let byShape = this.inserts.get(table.name);
    if (!byShape) this.inserts.set(table.name, (byShape = new Map()));
    let entry = byShape.get(shape);
    if (!entry) {
      const cols = table.columns
        .filter((c, i) => (wide ? String(shape).split(',').includes(String(i)) : ((shape as number) & (1 << i)) !== 0))
        .map((c) => c.name);
      const sql = cols.length
        ? `INSERT INTO ${q(table.name)} (${cols.map(q).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`
        : `INSERT INTO ${q(table.name)} DEFAULT VALUES`;
      byShape.set(shape, (entry = { stmt: this.stmt(sql), cols }));
    }
    const args: Value[] = new Array(entry.cols.length);
    for (let i = 0; i < entry.cols.length; i++) args[i] = row[entry.cols[i]!]!;
    const info = entry.stmt.run(...args);
    const key: Row = {};
    for (const c of table.primaryKey) key[c] = row[c] ?? null;
    if (table.generatedKey && key[table.primaryKey[0]!] === null) key[table.primaryKey[0]!] = Number(info.lastInsertRowid);
    return key;
  }

  update(table: TableInfo, key: Row, values: Row): void {
    const cols = Object.keys(values).filter((c) => !table.columnsByName.get(c)?.generated);
    if (cols.length === 0) return;
    const pk = table.primaryKey;
    const id = `update\u0000${table.name}\u0000${cols.join('\u0000')}`;
    let s = this.byTable.get(id);
    if (!s)
      this.byTable.set(
        id,
        (s = this.stmt(`UPDATE ${q(table.name)} SET ${cols.map((c) => `${q(c)} = ?`).join(', ')} WHERE ${SqliteStore.where(pk)}`)),
      );
    s.run(...cols.map((c) => values[c]), ...pk.map((c) => key[c]));
  }

  delete(table: TableInfo, key: Row): void {
    this.tableStmt('delete', table).run(...table.primaryKey.map((c) => key[c]));
  }

  transaction<T>(fn: () => T, options: { rollback?: boolean } = {}): T {
    const { rollback, commit } = this.begin();
    let result: T;
    try {
      result = fn();
    } catch (e) {
      rollback();
      throw e;
    }
    if (options.rollback) rollback();
    else commit();
    return result;
  }

  async transactionAsync<T>(fn: () => Promise<T>, options: { rollback?: boolean } = {}): Promise<T> {
    const { rollback, commit } = this.begin();
    let result: T;
    try {
      result = await fn();
    } catch (e) {
      rollback();
      throw e;
    }
    if (options.rollback) rollback();
    else commit();
    return result;
  }

  private begin(): { rollback: () => void; commit: () => void } {
    // On its own: a real transaction (IMMEDIATE takes the write lock up front, so two processes never
    // deadlock upgrading a read) whose rollback leaves the file byte-for-byte as it was. Inside an
    // outer transaction (a test's, a scenario's): a savepoint.
    const outer = !this.db.inTransaction;
    const [begin, commit, rollback] = outer
      ? ['BEGIN IMMEDIATE', 'COMMIT', 'ROLLBACK']
      : ['SAVEPOINT alsx_tx', 'RELEASE alsx_tx', 'ROLLBACK TO alsx_tx'];
    this.stmt(begin).run();
    return {
      commit: () => this.stmt(commit).run(),
      rollback: () => {
        this.stmt(rollback).run();
        if (!outer) this.stmt(commit).run();
      },
    };
  }

  /** rows of `table` whose columns equal `where` (at most `limit`): lookups for mappings */
  rowsWhere(table: string, where: Row, limit: number): Row[] {
    const cols = Object.keys(where);
    const condition = cols.length ? ` WHERE ${cols.map((c) => `${q(c)} = ?`).join(' AND ')}` : '';
    return this.stmt(`SELECT * FROM ${q(table)}${condition} LIMIT ?`).all(
      ...cols.map((c) => where[c]),
      Math.max(1, Math.floor(limit)),
    ) as Row[];
  }

  /** rows of a read-only query, its statement prepared once (the JSON:API's reads) */
  all(sql: string, params: readonly Value[] = []): Row[] {
    return this.stmt(sql).all(...params) as Row[];
  }

  /** a statement that changes rows; how many it changed */
  run(sql: string, params: readonly Value[] = []): { changes: number } {
    return { changes: this.stmt(sql).run(...params).changes };
  }

  /** a script of statements without parameters (DDL) */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  changeMark(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /** data_version costs a few microseconds */
  readonly watchMs = 5;

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  /** rows of a statement that may only read (a service's db.sql, a scenario's sql step): NotReadOnly for any other */
  readOnly(sql: string, params: readonly Value[] = []): Row[] {
    const statement = this.db.prepare(sql);
    if (!statement.readonly) throw new NotReadOnly(sql);
    return statement.all(...params) as Row[];
  }

  /** all(), awaited (a reader's interface: the write connection read inside its own transaction) */
  read(sql: string, params: readonly Value[] = []): Promise<Row[]> {
    return Promise.resolve(this.all(sql, params));
  }

  close(): void {
    this.reads.close();
    this.db.close();
  }
}
