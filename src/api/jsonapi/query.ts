/**
 * The fetch parameters of a JSON:API request — include, fields, sort, page, filter — parsed and
 * checked against the resource model, so everything later can trust names and values. Anything
 * unknown or malformed is a 400 naming the parameter.
 *
 *   include=OrderDetailList.Product,Customer
 *   fields[Order]=AmountTotal,Customer
 *   sort=-AmountTotal,Id
 *   page[offset]=20&page[limit]=10
 *   filter[CustomerId]=ALFKI                      equality, as API Logic Server accepts
 *   filter[AmountTotal][gt]=1000                  eq ne lt le gt ge in like isnull notnull
 *   filter[Customer.Country]=Germany              across to-one relationships
 */
import { DEFAULT_LIMITS, limitHint, type ApiLimits } from '../limits.js';
import type { ColumnInfo, Value } from '../../store/types.js';
import { badParameter } from './errors.js';
import { typedValue, type ApiModel, type Relationship, type ResourceType } from './model.js';

export const DEFAULT_PAGE_LIMIT = 10;
export const MAX_PAGE_LIMIT = 1000;

export type FilterOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'in' | 'like' | 'isnull' | 'notnull';
const OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in', 'like', 'isnull', 'notnull']);

/** a column reached from the resource through zero or more to-one relationships */
export interface ColumnPath {
  via: Relationship[];
  column: ColumnInfo;
  /** the resource type that holds the column */
  owner: ResourceType;
}

export interface Filter extends ColumnPath {
  op: FilterOp;
  value: Value | Value[] | null;
  /** a grant's own test: the tables its path joins are read whole (a client's filter sees only rows the user may) */
  trusted?: boolean;
}

/** filters combined: row security's filters are trees; `false` matches nothing */
export type Condition = Filter | { and: Condition[] } | { or: Condition[] } | { not: Condition } | false;

/** the columns of a type the user may read (null: all) — what a request may name is what it may see */
export type Readable = (type: ResourceType) => ReadonlySet<string> | null;

export interface QueryOptions {
  collection: boolean;
  readable?: Readable;
  limits?: ApiLimits;
}

export interface Query {
  include: Relationship[][];
  fields: Map<string, Set<string>>;
  sort: { column: ColumnInfo; desc: boolean }[];
  page: { offset: number; limit: number };
  filters: Filter[];
}

export function parseQuery(params: URLSearchParams, type: ResourceType, model: ApiModel, options: QueryOptions): Query {
  const q: Query = { include: [], fields: new Map(), sort: [], page: { offset: 0, limit: DEFAULT_PAGE_LIMIT }, filters: [] };
  const seen = new Set<string>();
  for (const [name, value] of params) {
    if (seen.has(name) && !name.startsWith('filter[')) throw badParameter(name, `${name} is given more than once`);
    seen.add(name);
    if (name === 'include') q.include = parseInclude(value, type, model, options.readable, options.limits ?? DEFAULT_LIMITS);
    else if (name.startsWith('fields[')) parseFields(name, value, model, q.fields, options.readable);
    else if (name === 'sort') q.sort = collectionOnly(name, options, () => parseSort(value, type, options.readable));
    else if (name === 'page[offset]' || name === 'page[limit]') collectionOnly(name, options, () => parsePage(name, value, q.page));
    else if (name.startsWith('filter['))
      collectionOnly(name, options, () => q.filters.push(parseFilter(name, value, type, model, options.readable, options.limits)));
    else
      throw badParameter(
        name,
        `unknown query parameter ${name}; use include, fields[TYPE], sort, page[offset], page[limit] or filter[COLUMN]`,
        'unknown-parameter',
      );
  }
  return q;
}

function collectionOnly<T>(name: string, options: { collection: boolean }, fn: () => T): T {
  if (!options.collection) throw badParameter(name, `${name} applies to collections, not to a single resource`);
  return fn();
}

function parseInclude(
  value: string,
  type: ResourceType,
  model: ApiModel,
  readable: Readable | undefined,
  limits: ApiLimits,
): Relationship[][] {
  const paths: Relationship[][] = [];
  const texts = value.split(',').map((t) => t.trim());
  if (texts.length > limits.includePaths)
    throw badParameter('include', `include names ${texts.length} paths; ${limitHint('includePaths', limits.includePaths)}`, 'limit');
  for (const text of texts) {
    if (!text) continue;
    let at = type;
    const path: Relationship[] = [];
    const names = text.split('.');
    if (names.length > limits.includeDepth)
      throw badParameter(
        'include',
        `include=${text.length > 80 ? `${text.slice(0, 80)}…` : text} is ${names.length} relationships deep; ${limitHint('includeDepth', limits.includeDepth)}`,
        'limit',
      );
    for (const name of names) {
      const rel = at.relationships.get(name);
      if (!rel || !linkVisible(rel, at, readable))
        throw badParameter(
          'include',
          `${at.type} has no relationship ${name} (include=${text}); it has ${[...at.relationships.keys()].join(', ') || 'none'}`,
          'unknown-relationship',
        );
      path.push(rel);
      at = model.types.get(rel.target)!;
    }
    paths.push(path);
  }
  return paths;
}

function parseFields(name: string, value: string, model: ApiModel, into: Map<string, Set<string>>, readable?: Readable): void {
  const m = /^fields\[([^\]]+)\]$/.exec(name);
  const type = m && model.types.get(m[1]!);
  if (!type) throw badParameter(name, `${name}: ${m ? `there is no resource type ${m[1]}` : 'write fields[TYPE]=a,b'}`, 'unknown-type');
  const names = new Set(
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  for (const f of names) {
    const col = type.attributesByName.get(f);
    const rel = type.relationships.get(f);
    if (!(col && columnVisible(col, type, readable)) && !(rel && linkVisible(rel, type, readable)))
      throw badParameter(name, `${type.type} has no attribute or relationship ${f}`, 'unknown-field');
  }
  into.set(type.type, names);
}

function parseSort(value: string, type: ResourceType, readable?: Readable): Query['sort'] {
  return value.split(',').map((raw) => {
    const text = raw.trim();
    const desc = text.startsWith('-');
    const name = desc ? text.slice(1) : text;
    const column =
      name === 'id' && type.table.primaryKey.length === 1
        ? type.table.columnsByName.get(type.table.primaryKey[0]!)
        : type.attributesByName.get(name);
    if (!column || !columnVisible(column, type, readable))
      throw badParameter('sort', `${type.type} has no attribute ${name || '(empty)'} to sort by`, 'unknown-field');
    return { column, desc };
  });
}

function parsePage(name: string, value: string, page: Query['page']): void {
  if (!/^\d{1,9}$/.test(value))
    throw badParameter(name, `${name} must be a whole number ≥ ${name === 'page[limit]' ? 1 : 0}, got "${value}"`);
  const n = Number(value);
  if (name === 'page[limit]') {
    if (n < 1 || n > MAX_PAGE_LIMIT) throw badParameter(name, `page[limit] must be between 1 and ${MAX_PAGE_LIMIT}, got ${n}`);
    page.limit = n;
  } else page.offset = n;
}

function parseFilter(
  name: string,
  value: string,
  type: ResourceType,
  model: ApiModel,
  readable?: Readable,
  limits: ApiLimits = DEFAULT_LIMITS,
): Filter {
  const m = /^filter\[([^\]]+)\](?:\[([^\]]+)\])?$/.exec(name);
  if (!m) throw badParameter(name, `${name}: write filter[COLUMN]=value or filter[COLUMN][op]=value`);
  const op = (m[2] ?? 'eq') as FilterOp;
  if (!OPS.has(op)) throw badParameter(name, `${name}: unknown operator ${op}; use one of ${[...OPS].join(', ')}`, 'unknown-operator');
  const path = resolvePath(m[1]!, type, model, name, readable);
  const col = path.column;
  const convert = (text: string): Value => {
    if (op === 'like') return text;
    const v = typedValue(col, text);
    if (v === undefined)
      throw badParameter(
        name,
        `${name}: "${text}" is not a valid value for ${path.owner.type}.${path.owner.memberOf.get(col.name) ?? col.name} (${col.declaredType || col.kind})`,
        'invalid-value',
      );
    return v;
  };
  let v: Filter['value'];
  if (op === 'isnull' || op === 'notnull') v = null;
  else if (op === 'in') {
    const values = value.split(',');
    const max = limits.filterValues;
    if (values.length > max) throw badParameter(name, `${name} lists ${values.length} values; ${limitHint('filterValues', max)}`, 'limit');
    v = values.map(convert);
  } else v = convert(value);
  return { ...path, op, value: v };
}

/** "Customer.Country" from Order → the to-one Customer, then its Country column */
export function resolvePath(text: string, type: ResourceType, model: ApiModel, parameter: string, readable?: Readable): ColumnPath {
  const parts = text.split('.');
  const via: Relationship[] = [];
  let at = type;
  for (const name of parts.slice(0, -1)) {
    const found = at.relationships.get(name);
    const rel = found && linkVisible(found, at, readable) ? found : undefined;
    if (rel?.kind !== 'toOne')
      throw badParameter(
        parameter,
        `${at.type} has no to-one relationship ${name}${rel ? ' (filters follow to-one relationships only)' : ''}`,
        'unknown-relationship',
      );
    via.push(rel);
    at = model.types.get(rel.target)!;
  }
  const colName = parts[parts.length - 1]!;
  // an attribute's name, or its column's (security rules name columns)
  const column =
    colName === 'id' && at.table.primaryKey.length === 1
      ? at.table.columnsByName.get(at.table.primaryKey[0]!)
      : (at.attributesByName.get(colName) ?? at.table.columnsByName.get(colName));
  if (!column || !columnVisible(column, at, readable))
    throw badParameter(parameter, `${at.type} has no attribute ${colName}`, 'unknown-field');
  return { via, column, owner: at };
}

/** a column the user may not read is, to them, a column that does not exist */
function columnVisible(column: ColumnInfo, type: ResourceType, readable?: Readable): boolean {
  const cols = readable?.(type);
  return !cols || cols.has(column.name);
}

/** a to-one relationship reveals its foreign key's columns, so it is hidden with them */
export function linkVisible(rel: Relationship, type: ResourceType, readable?: Readable): boolean {
  const cols = readable?.(type);
  return !cols || rel.kind === 'toMany' || rel.fk.childColumns.every((c) => cols.has(c));
}
