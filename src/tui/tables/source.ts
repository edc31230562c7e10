/**
 * What the Tables pane reads, over its own READ-ONLY connection to the project's database
 * (a SyncReader: better-sqlite3 on SQLite, a read-only PgSyncConnection on PostgreSQL). The API and
 * the workers write from other processes, so every read sees their last commit; cached counts and
 * sort orders are dropped whenever the reader's change mark says someone committed (SQLite's
 * data_version at every read; PostgreSQL's WAL position, a round trip, at most every half second —
 * and the pane polls it every second, so writes by other applications show within one).
 *
 * Paging stays fast at any depth: in primary-key order a page is LIMIT/OFFSET on the key's b-tree;
 * sorted by any other column, the sorted row names — SQLite's rowids, PostgreSQL's primary keys —
 * are computed once per (table, sort, filter) and a page is then a lookup of its names: no re-sort
 * per page (≈80 ms at offset 50 000 of 100 000). A table without a key (and a view) pages with
 * LIMIT/OFFSET.
 */
import type { Project } from '../../project/load.js';
import { sqliteDialect } from '../../store/dialect.js';
import { buildModel, type ApiModel, type ResourceType } from '../../api/jsonapi/model.js';
import { PgSyncReader } from '../../store/pg-sync-reader.js';
import { SqliteSyncReader } from '../../store/sqlite-sync-reader.js';
import type { ReaderParam, SyncReader } from '../../store/sync-reader.js';
import type { ForeignKey, Row, Schema, TableInfo, Value } from '../../store/types.js';
import { loadAdminConfig, resolveAdmin, type AdminConfig, type TableView } from './admin-config.js';
import { andConditions, equalityCondition, FilterError, parseFilter, type Condition } from './filter.js';
import { formatValue } from './format.js';

export { FilterError } from './filter.js';

export type SortDir = 'asc' | 'desc';
export interface Sort {
  column: string;
  dir: SortDir;
}

export interface PageQuery {
  table: string;
  sort?: Sort;
  /** the person's filter text (see filter.ts) */
  filter?: string;
  /** fixed equalities: a child list's foreign key ({CustomerId: 'ALFKI'}) */
  where?: Row;
  offset: number;
  limit: number;
}

export interface Page {
  rows: Row[];
  /** rows matching the filter, all pages together */
  total: number;
  offset: number;
}

export interface TableSummary {
  name: string;
  rows: number;
  isView: boolean;
}

export interface ParentRef {
  table: string;
  /** the relationship's name in the API (Order.Customer, Employee.ReportsToRef …) */
  role: string;
  key: Row;
  /** the parent's display value, null when the display is the key itself or the parent is missing */
  display: string | null;
  missing: boolean;
}

export interface FieldDetail {
  column: string;
  value: Value;
  text: string;
  /** on the first column of a foreign key */
  parent?: ParentRef;
}

export interface ChildList {
  /** the API's name: OrderList, OrderList_CloneFromOrderRef */
  name: string;
  table: string;
  /** the child rows' condition: {CustomerId: 'ALFKI'} */
  where: Row;
  count: number;
}

export interface RowDetail {
  table: string;
  key: Row;
  row: Row;
  /** "Customer ALFKI · Alfreds Futterkiste" */
  title: string;
  fields: FieldDetail[];
  children: ChildList[];
}

export interface SourceOptions {
  admin?: AdminConfig;
}

/**
 * What one user may see and set, as the API decides it (see row-security.ts, which renders the
 * API's grants): the Tables pane applies it to every read, so a row they may not read is a row
 * that is not there, and a column they may not read is not shown.
 */
export interface RowSecurity {
  /** who (for messages) */
  user: string;
  /** the table's rows the user may read, as a condition on the table's own columns; null: every row */
  rows(table: TableInfo): Condition | null;
  /** the columns the user may read, insert or update; null: every column */
  columns(table: string, action: 'read' | 'insert' | 'update'): ReadonlySet<string> | null;
}

/** a table as one user sees it: its readable columns and its rows' condition */
interface Lens {
  table: TableInfo;
  view: TableView;
  rows: Condition;
}

const q = sqliteDialect.q; // the same quoting on every database

const EVERY_ROW: Condition = { sql: '', params: [] };

/** how a table's rows are named in a sorted snapshot: SQLite's rowid, a primary key (PostgreSQL), or not at all (LIMIT/OFFSET) */
type Naming = { kind: 'rowid' } | { kind: 'key'; columns: string[] } | { kind: 'none' };

/** the rows of one (table, sort, filter) in order, by name: `width` values a row, one after the other */
interface SortedNames {
  version: number;
  names: Value[];
  width: number;
}

const ROWID = '_alsx_rowid';

/** a row's name as a Map key (a composite key's values together; a bigint as itself) */
const nameKey = (values: readonly Value[]): string =>
  JSON.stringify(values, (_k, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
  );

export class TableSource {
  readonly schema: Schema;
  readonly views: Map<string, TableView>;
  readonly warnings: string[];
  private readonly db: SyncReader;
  private readonly model: ApiModel;
  private readonly hasRowid = new Map<string, boolean>();
  private readonly counts = new Map<string, number>();
  /** a few sorted snapshots, most recent last */
  private readonly sorted = new Map<string, SortedNames>();
  private cacheVersion = 0;
  private mark: number | string;
  private lastLook = 0;
  private security: RowSecurity | null = null;
  private readonly lenses = new Map<string, Lens>();

  private readonly ownsConnection: boolean;

  /** on a SQLite file (opened read-only here, closed by close()) or on a reader — closed by close() with `ownsReader`, else the caller's to close */
  constructor(db: string | SyncReader, options: SourceOptions & { ownsReader?: boolean } = {}) {
    this.ownsConnection = typeof db === 'string' || options.ownsReader === true;
    this.db = typeof db === 'string' ? new SqliteSyncReader(db) : db;
    this.schema = this.db.schema;
    this.model = buildModel(this.schema);
    const admin = resolveAdmin(this.schema, options.admin);
    this.views = admin.views;
    this.warnings = admin.warnings;
    this.mark = this.db.changeMark();
  }

  /**
   * The project's database, read-only, with its admin.ts applied (the caller has built the database).
   * On PostgreSQL `schema` spares introspecting again what the open project has read already.
   */
  static async forProject(project: Project, known: { schema?: Schema } = {}): Promise<TableSource> {
    const admin = await loadAdminConfig(project);
    const reader = project.dbUrl
      ? await PgSyncReader.open(project.dbUrl, { pgSchema: project.config.db?.pgSchema, schema: known.schema })
      : new SqliteSyncReader(project.dbFile);
    try {
      return new TableSource(reader, { ...(admin ? { admin } : {}), ownsReader: true });
    } catch (e) {
      reader.close();
      throw e;
    }
  }

  close(): void {
    if (this.ownsConnection) this.db.close();
  }

  /** the SQL of the database read */
  get dialect(): SyncReader['dialect'] {
    return this.db.dialect;
  }

  /** every table and view, by name (for completion: no counting) */
  tableNames(): string[] {
    return [...this.schema.tables.keys()];
  }

  /** grows whenever cached counts and orders are dropped: what is on screen may be out of date */
  get version(): number {
    return this.cacheVersion;
  }

  /** true (once) when another connection committed since the last look; caches are dropped */
  changed(): boolean {
    this.lastLook = Date.now();
    const now = this.db.changeMark();
    if (now === this.mark) return false;
    this.mark = now;
    this.invalidate();
    return true;
  }

  /**
   * From now on, shows only what this user may read (the API's grants, see row-security.ts), or
   * everything (null: the developer's own view).
   */
  viewAs(security: RowSecurity | null): void {
    this.security = security;
    this.lenses.clear();
    this.invalidate();
  }

  /** who the rows are shown to; undefined: everything is shown */
  get viewer(): string | undefined {
    return this.security?.user;
  }

  /** the columns of a form the user may set (null: all) */
  writable(table: string, action: 'insert' | 'update'): ReadonlySet<string> | null {
    return this.security?.columns(table, action) ?? null;
  }

  /** drops every cached count and sort order (the `r` key) */
  refresh(): void {
    this.lastLook = Date.now();
    this.mark = this.db.changeMark();
    this.invalidate();
  }

  /** how the JSON:API names a table and its columns (the Tables pane writes through it) */
  resource(table: string): ResourceType {
    const r = this.model.byTable.get(table);
    if (!r) throw new FilterError(`there is no table ${table}`);
    return r;
  }

  /** the table as the viewer sees it: only the columns they may read */
  table(name: string): TableInfo {
    return this.lens(name).table;
  }

  view(name: string): TableView {
    return this.lens(name).view;
  }

  tables(): TableSummary[] {
    this.look();
    return [...this.schema.tables.values()].map((t) => ({ name: t.name, rows: this.count(t.name), isView: t.isView }));
  }

  /** rows matching filter and where; throws FilterError for a filter that names no column or cannot be read */
  count(table: string, filter = '', where?: Row): number {
    this.look();
    const t = this.table(table);
    const cond = this.condition(t, filter, where);
    const id = `${t.name}\u0000${cond.sql}\u0000${JSON.stringify(cond.params)}`;
    let n = this.counts.get(id);
    if (n === undefined) {
      // count(*) is a bigint on PostgreSQL
      n = Number(this.column(`SELECT count(*) FROM ${q(t.name)}${whereSql(cond)}`, cond.params)[0]);
      this.counts.set(id, n);
    }
    return n;
  }

  page(query: PageQuery): Page {
    this.look();
    const t = this.table(query.table);
    const cond = this.condition(t, query.filter ?? '', query.where);
    const offset = Math.max(0, Math.floor(query.offset));
    const limit = Math.max(0, Math.floor(query.limit));
    if (query.sort) this.checkSortColumn(t, query.sort.column);
    const byKey = !query.sort || (t.primaryKey.length === 1 && t.primaryKey[0] === query.sort.column);
    const naming = this.naming(t);
    if (!byKey && naming.kind !== 'none') {
      const { names, width } = this.sortedNames(t, naming, query.sort!, cond);
      const slice = names.slice(offset * width, (offset + limit) * width);
      return { rows: this.rowsNamed(t, naming, slice), total: names.length / width, offset };
    }
    const order = this.orderBy(t, query.sort);
    const rows = this.all(`SELECT * FROM ${q(t.name)}${whereSql(cond)}${order} LIMIT ? OFFSET ?`, [...cond.params, limit, offset]);
    return { rows, total: this.count(t.name, query.filter ?? '', query.where), offset };
  }

  /**
   * Where the row with this primary key stands among the rows `query` lists (its filter, fixed
   * equalities and sort): the cursor position that selects it. Undefined when it is not among them.
   */
  positionOf(query: Omit<PageQuery, 'offset' | 'limit'>, key: Row): number | undefined {
    this.look();
    const t = this.table(query.table);
    if (!t.primaryKey.length) return undefined;
    const listed = this.condition(t, query.filter ?? '', query.where);
    const cond = andConditions(listed, equalityCondition(t, key));
    const naming = this.naming(t);
    const row = this.all(
      `SELECT ${naming.kind === 'rowid' ? `rowid AS ${ROWID}, ` : ''}* FROM ${q(t.name)}${whereSql(cond)}`,
      cond.params,
    )[0];
    if (!row) return undefined;
    if (query.sort) this.checkSortColumn(t, query.sort.column);
    const byKey = !query.sort || (t.primaryKey.length === 1 && t.primaryKey[0] === query.sort.column);
    if (!byKey && naming.kind !== 'none') {
      const { names, width } = this.sortedNames(t, naming, query.sort!, listed);
      const name = naming.kind === 'rowid' ? [row[ROWID]!] : naming.columns.map((c) => row[c] ?? null);
      const wanted = nameKey(name);
      for (let i = 0; i < names.length; i += width) if (nameKey(names.slice(i, i + width)) === wanted) return i / width;
      return -1;
    }
    // the rows before it in the ORDER BY of page(): the sort column (if any), then the key
    const cols = [...(query.sort ? [query.sort.column] : []), ...t.primaryKey.filter((k) => k !== query.sort?.column)];
    const before = query.sort?.dir === 'desc' ? '>' : '<';
    const tuple = (list: string[]) => `(${list.join(', ')})`;
    const sql = `SELECT count(*) FROM ${q(t.name)} WHERE ${listed.sql ? `(${listed.sql}) AND ` : ''}${tuple(cols.map(q))} ${before} ${tuple(cols.map(() => '?'))}`;
    return Number(this.column(sql, [...listed.params, ...cols.map((c) => row[c] ?? null)])[0]);
  }

  /** a row by its primary key (fresh from the database) */
  get(table: string, key: Row): Row | undefined {
    const t = this.table(table);
    if (!t.primaryKey.length) return undefined;
    const cond = this.condition(t, '', Object.fromEntries(t.primaryKey.map((c) => [c, key[c] ?? null])));
    return this.all(`SELECT * FROM ${q(t.name)}${whereSql(cond)}`, cond.params)[0];
  }

  /** the row's key: its primary key columns (every column for a view or a keyless table) */
  keyOf(table: string, row: Row): Row {
    const t = this.table(table);
    const cols = t.primaryKey.length ? t.primaryKey : t.columns.map((c) => c.name);
    return Object.fromEntries(cols.map((c) => [c, row[c] ?? null]));
  }

  /** what names the row: "Chang", "Nancy Davolio"; the key text when nothing name-like exists */
  displayOf(table: string, row: Row): string {
    const view = this.view(table);
    const t = this.table(table);
    return view.display
      .map((c) => formatValue(t.columnsByName.get(c), row[c] ?? null))
      .filter((s) => s !== '')
      .join(' ');
  }

  /** "Customer ALFKI · Alfreds Futterkiste", "Order 10643" */
  titleOf(table: string, row: Row): string {
    const t = this.table(table);
    const key = t.primaryKey.length ? t.primaryKey.map((c) => formatValue(t.columnsByName.get(c), row[c] ?? null)).join(',') : '';
    const display = this.view(table).displayIsKey ? '' : this.displayOf(table, row);
    return [`${table}${key ? ` ${key}` : ''}`, display].filter(Boolean).join(' · ');
  }

  /** the display value of the parent an FK points at, from the child's values; null when it points nowhere */
  parentOf(fk: ForeignKey, childValues: Row): ParentRef | null {
    const values = fk.childColumns.map((c) => childValues[c]);
    if (values.some((v) => v === null || v === undefined || v === '')) return null;
    const parent = this.table(fk.parentTable);
    const view = this.view(parent.name);
    const key = Object.fromEntries(fk.parentColumns.map((c, i) => [c, values[i]!]));
    // a parent the viewer may not read is, to them, not there
    const cond = andConditions(this.lens(parent.name).rows, equalityCondition(this.schema.tables.get(parent.name)!, key));
    const row = this.all(`SELECT * FROM ${q(parent.name)}${whereSql(cond)}`, cond.params)[0];
    const role =
      [...this.model.byTable.get(fk.childTable)!.relationships.values()].find((r) => r.kind === 'toOne' && r.fk === fk)?.name ?? fk.role;
    return {
      table: parent.name,
      role,
      key: row ? this.keyOf(parent.name, row) : key,
      display: row && !view.displayIsKey ? this.displayOf(parent.name, row) : null,
      missing: !row,
    };
  }

  /** the row's values with each parent named, and the lists of its children */
  detail(table: string, rowOrKey: Row): RowDetail | undefined {
    this.look();
    const t = this.table(table);
    const row = t.primaryKey.length ? this.get(table, rowOrKey) : rowOrKey;
    if (!row) return undefined;
    const parentsByColumn = new Map(t.parents.map((fk) => [fk.childColumns[0]!, fk]));
    const order = [...this.view(table).columns, ...t.columns.map((c) => c.name).filter((c) => !this.view(table).columns.includes(c))];
    const fields: FieldDetail[] = order.map((column) => {
      const fk = parentsByColumn.get(column);
      const parent = fk ? this.parentOf(fk, row) : null;
      return {
        column,
        value: row[column] ?? null,
        text: formatValue(t.columnsByName.get(column), row[column] ?? null),
        ...(parent ? { parent } : {}),
      };
    });
    const children: ChildList[] = [];
    // a table's references to itself (Order.CloneFromOrder) are the lesser lists: they go last
    const rels = [...this.model.byTable.get(table)!.relationships.values()].sort(
      (a, b) => Number(a.fk.childTable === table) - Number(b.fk.childTable === table),
    );
    for (const rel of rels) {
      if (rel.kind !== 'toMany') continue;
      const where = Object.fromEntries(rel.fk.childColumns.map((c, i) => [c, row[rel.fk.parentColumns[i]!] ?? null]));
      children.push({ name: rel.name, table: rel.fk.childTable, where, count: this.count(rel.fk.childTable, '', where) });
    }
    return { table, key: this.keyOf(table, row), row, title: this.titleOf(table, row), fields, children };
  }

  /** the rows the viewer may read that match `where` and the person's filter */
  private condition(t: TableInfo, filter: string, where?: Row): Condition {
    return andConditions(this.lens(t.name).rows, where ? equalityCondition(t, where) : EVERY_ROW, parseFilter(t, filter, this.db.dialect));
  }

  private lens(name: string): Lens {
    let lens = this.lenses.get(name);
    if (lens) return lens;
    const t = this.schema.tables.get(name);
    if (!t) throw new FilterError(`there is no table ${name}`);
    const view = this.views.get(name)!;
    const readable = this.security?.columns(name, 'read') ?? null;
    if (!this.security) lens = { table: t, view, rows: EVERY_ROW };
    else {
      // the key stays: the API names every row by it
      const shown = (c: string) => readable === null || readable.has(c) || t.primaryKey.includes(c);
      const columns = t.columns.filter((c) => shown(c.name));
      const display = view.display.filter(shown);
      lens = {
        table: {
          ...t,
          columns,
          columnsByName: new Map(columns.map((c) => [c.name, c])),
          parents: t.parents.filter((fk) => fk.childColumns.every(shown)),
        },
        view: {
          ...view,
          columns: view.columns.filter(shown),
          display: display.length ? display : t.primaryKey,
          displayIsKey: display.length ? view.displayIsKey : true,
        },
        rows: this.security.rows(t) ?? EVERY_ROW,
      };
    }
    this.lenses.set(name, lens);
    return lens;
  }

  private checkSortColumn(t: TableInfo, column: string): void {
    if (!t.columnsByName.has(column)) throw new FilterError(`${t.name} has no column "${column}" to sort by`);
  }

  /** ORDER BY the sort column, then the key (so pages never overlap); the key alone by default */
  private orderBy(t: TableInfo, sort?: Sort): string {
    const key = t.primaryKey.length ? t.primaryKey : this.tiebreak(t);
    const cols = [...(sort ? [sort.column] : []), ...key.filter((k) => k !== sort?.column)];
    if (!cols.length) return '';
    const dir = sort?.dir ?? 'asc';
    return ` ORDER BY ${cols.map((c) => this.orderTerm(c === 'rowid' || c === 'ctid' ? c : q(c), dir, c === sort?.column && !key.includes(c))).join(', ')}`;
  }

  /** what orders a keyless table's equal rows: SQLite's rowid, PostgreSQL's ctid (their place on disk); nothing for a view */
  private tiebreak(t: TableInfo): string[] {
    if (this.db.dialect.name === 'postgres') return t.isView ? [] : ['ctid'];
    return this.rowidOf(t) ? ['rowid'] : [];
  }

  /** `col DESC`; a column that may be null puts nulls first going up, on PostgreSQL too (SQLite's order) */
  private orderTerm(col: string, dir: SortDir, nullable: boolean): string {
    const term = `${col}${dir === 'desc' ? ' DESC' : ''}`;
    if (!nullable || this.db.dialect.name !== 'postgres') return term;
    return `${term} ${dir === 'desc' ? 'NULLS LAST' : 'NULLS FIRST'}`;
  }

  private naming(t: TableInfo): Naming {
    if (this.db.dialect.name === 'sqlite') return this.rowidOf(t) ? { kind: 'rowid' } : { kind: 'none' };
    return t.primaryKey.length && !t.isView ? { kind: 'key', columns: t.primaryKey } : { kind: 'none' };
  }

  /** the names of the rows matching `cond` in the sort's order (the key breaking ties), computed once per version */
  private sortedNames(t: TableInfo, naming: Exclude<Naming, { kind: 'none' }>, sort: Sort, cond: Condition): SortedNames {
    const id = `${t.name}\u0000${sort.column}\u0000${sort.dir}\u0000${cond.sql}\u0000${JSON.stringify(cond.params)}`;
    const hit = this.sorted.get(id);
    if (hit && hit.version === this.cacheVersion) {
      this.sorted.delete(id); // most recent last
      this.sorted.set(id, hit);
      return hit;
    }
    const cols = naming.kind === 'rowid' ? ['rowid'] : naming.columns.map(q);
    const order = [this.orderTerm(q(sort.column), sort.dir, true), ...cols.map((c) => this.orderTerm(c, sort.dir, false))].join(', ');
    const sql = `SELECT ${cols.join(', ')} FROM ${q(t.name)}${whereSql(cond)} ORDER BY ${order}`;
    let names: Value[];
    if (cols.length === 1) names = this.column(sql, cond.params);
    else {
      const keyCols = (naming as { columns: string[] }).columns;
      names = this.all(sql, cond.params).flatMap((r) => keyCols.map((c) => r[c] ?? null));
    }
    const snapshot = { version: this.cacheVersion, names, width: cols.length };
    this.sorted.set(id, snapshot);
    while (this.sorted.size > 4) this.sorted.delete(this.sorted.keys().next().value!);
    return snapshot;
  }

  /** the rows with these names, in their order; a row deleted since the snapshot is skipped (the next change rebuilds it) */
  private rowsNamed(t: TableInfo, naming: Exclude<Naming, { kind: 'none' }>, names: Value[]): Row[] {
    if (names.length === 0) return [];
    if (naming.kind === 'rowid') {
      const rows = this.all(`SELECT rowid AS ${ROWID}, * FROM ${q(t.name)} WHERE rowid IN (SELECT value FROM json_each(?))`, [
        JSON.stringify(names),
      ]);
      const byId = new Map(rows.map((r) => [r[ROWID] as number, r]));
      const ordered = names.map((id) => byId.get(id as number)).filter((r): r is Row => r !== undefined);
      for (const r of ordered) delete r[ROWID];
      return ordered;
    }
    const cols = naming.columns;
    const width = cols.length;
    let rows: Row[];
    if (width === 1) rows = this.all(`SELECT * FROM ${q(t.name)} WHERE ${q(cols[0]!)} = ANY(?)`, [names]);
    else {
      const tuple = `(${cols.map(() => '?').join(', ')})`;
      const tuples = Array.from({ length: names.length / width }, () => tuple).join(', ');
      rows = this.all(`SELECT * FROM ${q(t.name)} WHERE (${cols.map(q).join(', ')}) IN (${tuples})`, names);
    }
    const byName = new Map(rows.map((r) => [nameKey(cols.map((c) => r[c] ?? null)), r]));
    const ordered: Row[] = [];
    for (let i = 0; i < names.length; i += width) {
      const row = byName.get(nameKey(names.slice(i, i + width)));
      if (row) ordered.push(row);
    }
    return ordered;
  }

  /** a real SQLite table with rowids (not a view, not WITHOUT ROWID, no column shadowing the name) */
  private rowidOf(t: TableInfo): boolean {
    let has = this.hasRowid.get(t.name);
    if (has === undefined) {
      has = this.db.dialect.name === 'sqlite' && !t.isView && !this.schema.tables.get(t.name)!.columnsByName.has('rowid');
      if (has) {
        try {
          this.db.all(`SELECT rowid FROM ${q(t.name)} LIMIT 0`);
        } catch {
          has = false;
        }
      }
      this.hasRowid.set(t.name, has);
    }
    return has;
  }

  /** looks for others' commits at every read on SQLite (microseconds); at most every watchMs where a look is a round trip */
  private look(): void {
    if (this.db.watchMs && Date.now() - this.lastLook < this.db.watchMs) return;
    this.changed();
  }

  private invalidate(): void {
    this.cacheVersion++;
    this.counts.clear();
    this.sorted.clear();
  }

  private all(sql: string, params: readonly ReaderParam[]): Row[] {
    return this.valuesOf(() => this.db.all(sql, params));
  }

  private column(sql: string, params: readonly ReaderParam[]): Value[] {
    return this.valuesOf(() => this.db.column(sql, params));
  }

  /** a value the database cannot read as its column's type (PostgreSQL: a date "tomorrow") is the filter's fault */
  private valuesOf<T>(read: () => T): T {
    try {
      return read();
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('22')) throw new FilterError((e as Error).message);
      throw e;
    }
  }
}

function whereSql(cond: Condition): string {
  return cond.sql ? ` WHERE ${cond.sql}` : '';
}
