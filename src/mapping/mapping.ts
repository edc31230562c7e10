/**
 * Declarative row ⇄ dict mappings: how a partner's JSON becomes rows (renamed fields, nested child
 * lists, lookups of parents by one or more columns) and how rows become a partner's JSON. Used by
 * custom endpoints (OrderB2B) and, later, topic consumers and producers (order_b2b, order_shipping).
 *
 *   export const OrderB2B = mapping(Order, {
 *     lookups: [lookup(Customer, { AccountId: Customer.Id }),
 *               lookup(Employee, { Given: Employee.FirstName, Surname: Employee.LastName })],
 *     children: { Items: child(OrderDetail, {
 *       fields: { QuantityOrdered: OrderDetail.Quantity },
 *       lookups: [lookup(Product, { ProductName: Product.ProductName })],
 *     }) },
 *   });
 *
 * Reading (toRows) checks every key and value and names the offending one in the partner's terms:
 * `Items[1].ProductName: no Product named "Chaang"`.
 */
import { describe } from '../bounded-json.js';
import { type Column, getTableName, is, Table } from 'drizzle-orm';
import type { ColumnInfo, ForeignKey, Row, Schema, TableInfo, Value } from '../store/types.js';
import { normalize } from '../rules/values.js';
import { BadInput } from '../rules/errors.js';

/** A dict the mapping cannot turn into rows; `path` is where in the partner's JSON. */
export class MappingError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'MappingError';
  }
}

export interface LookupSpec {
  parent: Table;
  /** dict key → the parent's column it is matched against */
  match: Record<string, Column>;
  /** this table's foreign key column, when it has several to the parent */
  via?: Column;
}

export interface MappingSpec {
  /** dict key → column, both ways */
  fields?: Record<string, Column>;
  lookups?: LookupSpec[];
  /** dict key → a list of child rows */
  children?: Record<string, ChildSpec>;
  /** reverse only: dict key → a parent's column, through a to-one (customer_name: [Customer, Customer.CompanyName]) */
  parentFields?: Record<string, [Table, Column]>;
}

export interface ChildSpec {
  table: Table;
  spec: MappingSpec;
  via?: Column;
}

export function lookup(parent: Table, match: Record<string, Column>, options: { via?: Column } = {}): LookupSpec {
  return { parent, match, via: options.via };
}

export function child(table: Table, spec: MappingSpec, options: { via?: Column } = {}): ChildSpec {
  return { table, spec, via: options.via };
}

export function mapping(table: Table, spec: MappingSpec): Mapping {
  return new Mapping(table, spec);
}

/** rows a dict becomes: the row's values, and its children's, each child list through a foreign key */
export interface RowTree {
  table: string;
  values: Row;
  children: { fk: ForeignKey; rows: RowTree[] }[];
}

/** finds rows of `table` whose columns equal `where` (the caller decides whose view and which transaction) */
export type Finder = (table: string, where: Row, limit: number) => Row[];
/** reads rows for the reverse direction: a parent by key, children by foreign key */
export interface Reader {
  find: Finder;
}

export class Mapping {
  constructor(
    readonly table: Table,
    readonly spec: MappingSpec,
  ) {}

  get tableName(): string {
    return getTableName(this.table);
  }

  /** the partner's JSON → rows (lookups resolved through `find`) */
  toRows(dict: unknown, schema: Schema, find: Finder, options: { maxItems?: number } = {}): RowTree {
    return readDict(this.table, this.spec, dict, schema, find, '', options.maxItems ?? MAX_ITEMS);
  }

  /** a row → the partner's JSON */
  toDict(row: Row, schema: Schema, reader: Reader): Record<string, unknown> {
    return writeDict(this.table, this.spec, row, schema, reader);
  }
}

// ── dict → rows ──────────────────────────────────────────────────────────────────────────────

/** items in one list of a document, by default (an order of 10,000 items held the API for 1.6 s) */
const MAX_ITEMS = 1000;

function readDict(table: Table, spec: MappingSpec, dict: unknown, schema: Schema, find: Finder, path: string, maxItems: number): RowTree {
  const info = tableInfo(schema, table);
  if (dict === null || typeof dict !== 'object' || Array.isArray(dict))
    throw new MappingError(path, `expected an object (the ${info.name})`);
  const d = dict as Record<string, unknown>;
  const known = new Set([
    ...Object.keys(spec.fields ?? {}),
    ...(spec.lookups ?? []).flatMap((l) => Object.keys(l.match)),
    ...Object.keys(spec.children ?? {}),
  ]);
  for (const key of Object.keys(d)) {
    if (!known.has(key)) throw new MappingError(join(path, key), `is not a field of ${info.name} here; expected ${[...known].join(', ')}`);
  }
  const values: Row = {};
  for (const [key, col] of Object.entries(spec.fields ?? {})) {
    if (!(key in d)) continue;
    values[col.name] = checked(columnInfo(info, col), d[key], join(path, key));
  }
  for (const l of spec.lookups ?? []) {
    const parent = tableInfo(schema, l.parent);
    const where: Row = {};
    const shown: string[] = [];
    for (const [key, col] of Object.entries(l.match)) {
      if (d[key] === undefined || d[key] === null || d[key] === '')
        throw new MappingError(join(path, key), `is required (to find the ${parent.name})`);
      where[col.name] = checked(columnInfo(parent, col), d[key], join(path, key));
      shown.push(`${col.name} ${describe(where[col.name])}`);
    }
    const found = find(parent.name, where, 2);
    const keys = Object.keys(l.match);
    const at = keys.length === 1 ? join(path, keys[0]!) : `${path ? `${path}.` : ''}{${keys.join(', ')}}`;
    const what =
      keys.length === 1 && /name$/i.test(Object.values(l.match)[0]!.name)
        ? `named ${describe(where[Object.values(l.match)[0]!.name])}`
        : `with ${shown.join(' and ')}`;
    if (found.length === 0) throw new MappingError(at, `no ${parent.name} ${what}`);
    if (found.length > 1) throw new MappingError(at, `more than one ${parent.name} ${what}; add a field that tells them apart`);
    const fk = foreignKey(info, parent, l.via);
    fk.childColumns.forEach((c, i) => {
      values[c] = found[0]![fk.parentColumns[i]!] ?? null;
    });
  }
  const children: RowTree['children'] = [];
  for (const [key, c] of Object.entries(spec.children ?? {})) {
    if (d[key] === undefined) continue;
    const list = d[key];
    if (!Array.isArray(list)) throw new MappingError(join(path, key), 'expected a list');
    if (list.length > maxItems)
      throw new MappingError(
        join(path, key),
        `has ${list.length} items; at most ${maxItems} in one document (api.limits.mappedItems in alsx.config.ts)`,
      );
    const childInfo = tableInfo(schema, c.table);
    const fk = foreignKey(childInfo, info, c.via);
    children.push({ fk, rows: list.map((item, i) => readDict(c.table, c.spec, item, schema, find, `${join(path, key)}[${i}]`, maxItems)) });
  }
  return { table: info.name, values, children };
}

function checked(col: ColumnInfo, value: unknown, path: string): Value {
  try {
    return normalize(col, value, path, '');
  } catch (e) {
    if (e instanceof BadInput) throw new MappingError(path, e.message.replace(/^\.?\S+ expects/, 'expects'));
    throw e;
  }
}

/** inserts a row tree parents first, each child's foreign key taken from the parent just inserted */
export function insertTree(tree: RowTree, insert: (table: string, values: Row) => Row): Row {
  const steps = insertingTree(tree, insert);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/** insertTree a row at a time: yields after each insert (where a sliced transaction may pause); returns the root row */
export function* insertingTree(tree: RowTree, insert: (table: string, values: Row) => Row): Generator<void, Row> {
  const row = insert(tree.table, tree.values);
  yield;
  for (const c of tree.children) {
    for (const childTree of c.rows) {
      c.fk.childColumns.forEach((col, i) => {
        childTree.values[col] = row[c.fk.parentColumns[i]!] ?? null;
      });
      yield* insertingTree(childTree, insert);
    }
  }
  return row;
}

// ── row → dict ───────────────────────────────────────────────────────────────────────────────

function writeDict(table: Table, spec: MappingSpec, row: Row, schema: Schema, reader: Reader): Record<string, unknown> {
  const info = tableInfo(schema, table);
  const out: Record<string, unknown> = {};
  for (const [key, col] of Object.entries(spec.fields ?? {})) out[key] = row[col.name] ?? null;
  const parentRow = (parentTable: Table, via?: Column): Row | undefined => {
    const parent = tableInfo(schema, parentTable);
    const fk = foreignKey(info, parent, via);
    const values = fk.childColumns.map((c) => row[c]);
    if (values.some((v) => v === null || v === undefined)) return undefined;
    return reader.find(parent.name, Object.fromEntries(fk.parentColumns.map((c, i) => [c, values[i]!])), 1)[0];
  };
  for (const l of spec.lookups ?? []) {
    const p = parentRow(l.parent, l.via);
    for (const [key, col] of Object.entries(l.match)) out[key] = p?.[col.name] ?? null;
  }
  for (const [key, [parentTable, col]] of Object.entries(spec.parentFields ?? {})) out[key] = parentRow(parentTable)?.[col.name] ?? null;
  for (const [key, c] of Object.entries(spec.children ?? {})) {
    const childInfo = tableInfo(schema, c.table);
    const fk = foreignKey(childInfo, info, c.via);
    const rows = reader.find(
      childInfo.name,
      Object.fromEntries(fk.childColumns.map((col, i) => [col, row[fk.parentColumns[i]!] ?? null])),
      100_000,
    );
    out[key] = rows.map((r) => writeDict(c.table, c.spec, r, schema, reader));
  }
  return out;
}

// ── schema ───────────────────────────────────────────────────────────────────────────────────

function tableInfo(schema: Schema, table: Table): TableInfo {
  if (!is(table, Table)) throw new Error('mapping: expected a table from models.ts');
  const info = schema.tables.get(getTableName(table));
  if (!info) throw new Error(`mapping: table ${getTableName(table)} is not in the database`);
  return info;
}

function columnInfo(table: TableInfo, col: Column): ColumnInfo {
  const info = table.columnsByName.get(col.name);
  if (!info) throw new Error(`mapping: ${table.name}.${col.name} is not in the database`);
  return info;
}

function foreignKey(child: TableInfo, parent: TableInfo, via?: Column): ForeignKey {
  const fks = child.parents.filter((f) => f.parentTable === parent.name && (!via || f.childColumns.includes(via.name)));
  if (fks.length !== 1)
    throw new Error(
      `mapping: ${child.name} has ${fks.length} foreign keys to ${parent.name}${fks.length > 1 ? '; name one with via' : ''}`,
    );
  return fks[0]!;
}

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);
