/** The Store on better-sqlite3: prepared statements cached per shape, WAL by default. */
import Database from 'better-sqlite3';
import { introspect } from './introspect.js';
import type { ForeignKey, Row, Schema, Store, TableInfo, Value } from './types.js';

export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export interface SqliteOptions {
  /** 'NORMAL' (default: a process crash loses nothing, a power loss may lose the last commits) or 'FULL' */
  synchronous?: 'NORMAL' | 'FULL';
  readonly?: boolean;
}

export class SqliteStore implements Store {
  readonly db: Database.Database;
  readonly schema: Schema;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(file: string, options: SqliteOptions = {}) {
    this.db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: true });
    if (!options.readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    }
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.defaultSafeIntegers(false);
    this.schema = introspect(this.db);
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private static where(cols: string[]): string {
    return cols.map((c) => `${q(c)} = ?`).join(' AND ');
  }

  get(table: TableInfo, key: Row): Row | undefined {
    const pk = table.primaryKey;
    return this.stmt(`SELECT * FROM ${q(table.name)} WHERE ${SqliteStore.where(pk)}`).get(...pk.map((c) => key[c])) as Row | undefined;
  }

  childKeys(fk: ForeignKey, parentKey: Value[]): Row[] {
    const child = this.schema.tables.get(fk.childTable)!;
    const cols = child.primaryKey.map(q).join(', ');
    return this.stmt(`SELECT ${cols} FROM ${q(child.name)} WHERE ${SqliteStore.where(fk.childColumns)}`).all(...parentKey) as Row[];
  }

  *scan(table: TableInfo): Iterable<Row> {
    yield* this.stmt(`SELECT * FROM ${q(table.name)}`).iterate() as Iterable<Row>;
  }

  insert(table: TableInfo, row: Row): Row {
    const cols = Object.keys(row).filter((c) => row[c] !== undefined);
    const sql = cols.length
      ? `INSERT INTO ${q(table.name)} (${cols.map(q).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`
      : `INSERT INTO ${q(table.name)} DEFAULT VALUES`;
    const info = this.stmt(sql).run(...cols.map((c) => row[c]));
    const key: Row = {};
    for (const c of table.primaryKey) key[c] = row[c] ?? null;
    if (table.generatedKey && (key[table.primaryKey[0]!] === null)) key[table.primaryKey[0]!] = Number(info.lastInsertRowid);
    return key;
  }

  update(table: TableInfo, key: Row, values: Row): void {
    const cols = Object.keys(values);
    if (cols.length === 0) return;
    const pk = table.primaryKey;
    this.stmt(`UPDATE ${q(table.name)} SET ${cols.map((c) => `${q(c)} = ?`).join(', ')} WHERE ${SqliteStore.where(pk)}`).run(
      ...cols.map((c) => values[c]),
      ...pk.map((c) => key[c]),
    );
  }

  delete(table: TableInfo, key: Row): void {
    const pk = table.primaryKey;
    this.stmt(`DELETE FROM ${q(table.name)} WHERE ${SqliteStore.where(pk)}`).run(...pk.map((c) => key[c]));
  }

  transaction<T>(fn: () => T, options: { rollback?: boolean } = {}): T {
    // On its own: a real transaction (IMMEDIATE takes the write lock up front, so two processes never
    // deadlock upgrading a read) whose rollback leaves the file byte-for-byte as it was. Inside an
    // outer transaction (a test's, a scenario's): a savepoint.
    const outer = !this.db.inTransaction;
    const [begin, commit, rollback] = outer
      ? ['BEGIN IMMEDIATE', 'COMMIT', 'ROLLBACK']
      : ['SAVEPOINT alsx_tx', 'RELEASE alsx_tx', 'ROLLBACK TO alsx_tx'];
    this.stmt(begin).run();
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.stmt(rollback).run();
      if (!outer) this.stmt(commit).run();
      throw e;
    }
    if (options.rollback) {
      this.stmt(rollback).run();
      if (!outer) this.stmt(commit).run();
    } else {
      this.stmt(commit).run();
    }
    return result;
  }

  close(): void {
    this.db.close();
  }
}
