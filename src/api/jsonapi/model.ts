/**
 * The JSON:API resource model, derived from the database schema with no per-table code: a resource
 * type per table, attributes from columns, relationships from foreign keys in both directions.
 *
 *   to-one   named after the parent table (Order.Customer), or — when a table has several foreign
 *            keys to one parent, or points to itself — after the column without its "Id"
 *            (Employee.WorksForDepartment), or the column + "Ref" (Order.CloneFromOrderRef)
 *   to-many  <Child>List (Customer.OrderList), or <Child>List_<to-one name> when ambiguous
 *
 * Names are the database's where JSON:API allows them. A name the spec does not allow as a member
 * name (letters or digits at both ends; -, _ inside) is made one: the table "Order Details" is the
 * type OrderDetails, the column "Unit Price" the attribute UnitPrice.
 */
import { createHash } from 'node:crypto';
import type { ColumnInfo, ForeignKey, Row, Schema, TableInfo, Value } from '../../store/types.js';

export interface Relationship {
  name: string;
  kind: 'toOne' | 'toMany';
  fk: ForeignKey;
  /** the resource type at the other end */
  target: string;
  /** the foreign key names the target's primary key, so the linkage id comes straight from it */
  toPrimaryKey: boolean;
}

export interface ResourceType {
  /** the JSON:API type: the table's name, or the nearest valid member name ("Order Details" → OrderDetails) */
  type: string;
  /** the type as it appears in URLs (URI-encoded) */
  path: string;
  table: TableInfo;
  /** columns shown as attributes (all but a one-column key named "id", which is the resource's id) */
  attributes: ColumnInfo[];
  /** attribute (member) name → column */
  attributesByName: Map<string, ColumnInfo>;
  /** column name → its attribute (member) name */
  memberOf: Map<string, string>;
  relationships: Map<string, Relationship>;
  /** views and tables without a primary key are read-only */
  readOnly: boolean;
}

export interface ApiModel {
  /** by JSON:API type */
  types: Map<string, ResourceType>;
  /** by table name */
  byTable: Map<string, ResourceType>;
}

/** /api/<name> routes of alsx's own: a table called so is served as <name>Table (an FTS table "docs" → /api/docsTable) */
const RESERVED_PATHS = new Set(['docs', 'operations', 'auth', 'rpc']);

const MEMBER = /^[a-zA-Z0-9](?:[-\w]*[a-zA-Z0-9])?$/;

/** a database name as a valid JSON:API member name, not yet `taken` (which it joins) */
export function memberName(name: string, taken: Set<string>): string {
  let m = name;
  if (!MEMBER.test(m)) {
    m = name
      .split(/[^A-Za-z0-9_-]+/)
      .filter(Boolean)
      .map((part, i) => (i === 0 ? part : part[0]!.toUpperCase() + part.slice(1)))
      .join('')
      .replace(/^[-_]+|[-_]+$/g, '');
    if (!m) m = 'x';
  }
  let unique = m;
  for (let n = 2; taken.has(unique); n++) unique = `${m}${n}`;
  taken.add(unique);
  return unique;
}

export function buildModel(schema: Schema): ApiModel {
  const types = new Map<string, ResourceType>();
  const byTable = new Map<string, ResourceType>();
  const typeNames = new Set<string>();
  for (const table of schema.tables.values()) {
    // a key column literally named "id" is the resource's id; other columns named "id" or "type"
    // (reserved by JSON:API) are attributes Id and Type
    const attributes = table.columns.filter((c) => !(c.name === 'id' && table.primaryKey.length === 1 && table.primaryKey[0] === 'id'));
    const members = new Set(['id', 'type']);
    const memberOf = new Map(
      attributes.map((c) => [
        c.name,
        memberName(c.name === 'id' || c.name === 'type' ? c.name[0]!.toUpperCase() + c.name.slice(1) : c.name, members),
      ]),
    );
    const type = memberName(RESERVED_PATHS.has(table.name) ? `${table.name}Table` : table.name, typeNames);
    const resource: ResourceType = {
      type,
      path: encodeURIComponent(type),
      table,
      attributes,
      attributesByName: new Map(attributes.map((c) => [memberOf.get(c.name)!, c])),
      memberOf,
      relationships: new Map(),
      readOnly: table.isView || table.primaryKey.length === 0,
    };
    types.set(type, resource);
    byTable.set(table.name, resource);
  }
  for (const child of types.values()) {
    const byParent = new Map<string, ForeignKey[]>();
    for (const fk of child.table.parents) byParent.set(fk.parentTable, [...(byParent.get(fk.parentTable) ?? []), fk]);
    for (const [parentTable, fks] of byParent) {
      const parent = byTable.get(parentTable)!;
      for (const fk of fks) {
        const ambiguous = fks.length > 1 || parent === child;
        let toOne = ambiguous ? memberName(columnRole(fk), new Set()) : parent.type;
        if (child.attributesByName.has(toOne) || child.relationships.has(toOne))
          toOne = memberName(`${fk.childColumns.join('_')}Ref`, new Set());
        const toPrimaryKey = fk.parentColumns.join('\u0000') === parent.table.primaryKey.join('\u0000');
        child.relationships.set(toOne, { name: toOne, kind: 'toOne', fk, target: parent.type, toPrimaryKey });
        let toMany = fks.length > 1 ? `${child.type}List_${toOne}` : `${child.type}List`;
        if (parent.attributesByName.has(toMany) || parent.relationships.has(toMany)) toMany = `${child.type}List_${toOne}`;
        parent.relationships.set(toMany, { name: toMany, kind: 'toMany', fk, target: child.type, toPrimaryKey });
      }
    }
  }
  return { types, byTable };
}

/** WorksForDepartmentId → WorksForDepartment */
function columnRole(fk: ForeignKey): string {
  const name = fk.childColumns.join('_');
  const stripped = name.replace(/_?[Ii][Dd]$/, '');
  return stripped && stripped !== name ? stripped : name;
}

// ── ids ──────────────────────────────────────────────────────────────────────────────────────
// A resource id is the primary key as text; a composite key joins its parts, each URI-encoded (so a
// part's own commas are %2C), with commas: Location "Germany,Berlin".

export function idOf(table: TableInfo, row: Row): string {
  const pk = table.primaryKey;
  if (pk.length === 1) return String(row[pk[0]!]);
  // a view or a table without a key: an id from the row's content, stable but not an address
  if (pk.length === 0)
    return createHash('sha1')
      .update(JSON.stringify(table.columns.map((c) => String(row[c.name] ?? '\u0000'))))
      .digest('base64url')
      .slice(0, 16);
  return pk.map((c) => encodeURIComponent(String(row[c] ?? ''))).join(',');
}

/** the key an id names, typed per column; undefined when the id cannot be one (wrong arity, not a number) */
export function keyOf(table: TableInfo, id: string): Row | undefined {
  const pk = table.primaryKey;
  if (pk.length === 0) return undefined;
  const parts = pk.length === 1 ? [id] : id.split(',').map((p) => safeDecode(p));
  if (parts.length !== pk.length || parts.some((p) => p === undefined)) return undefined;
  const key: Row = {};
  for (let i = 0; i < pk.length; i++) {
    const value = typedValue(table.columnsByName.get(pk[i]!)!, parts[i]!);
    if (value === undefined) return undefined;
    key[pk[i]!] = value;
  }
  return key;
}

/** a value given as text (ids, filters), converted to the column's kind; undefined when it cannot be */
export function typedValue(col: ColumnInfo, text: string): Value | undefined {
  switch (col.kind) {
    case 'integer':
      return /^-?\d{1,15}$/.test(text) ? Number(text) : undefined;
    case 'boolean':
      return /^(true|1)$/i.test(text) ? 1 : /^(false|0)$/i.test(text) ? 0 : undefined;
    case 'decimal':
    case 'real':
    case 'numeric': {
      const number = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text) ? Number(text) : undefined;
      // a column declared without a type (a view's computed column, FTS text) holds text as well
      return number ?? (col.declaredType.trim() === '' ? text : undefined);
    }
    default:
      return text;
  }
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
