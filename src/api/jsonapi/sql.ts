/**
 * SQL for JSON:API reads: one SELECT per request (plus one per include level), every name checked
 * against the schema and quoted, every value a parameter — so no query parameter can carry SQL.
 * Filters across to-one relationships become LEFT JOINs; row security is just more filters.
 */
import { q } from '../../store/sqlite.js';
import type { Value } from '../../store/types.js';
import type { ResourceType } from './model.js';
import type { ColumnPath, Filter } from './query.js';

export interface Select {
  sql: string;
  params: Value[];
}

interface From {
  text: string;
  aliasOf(path: ColumnPath): string;
}

/** "FROM "Order" t0 LEFT JOIN "Customer" t1 ON …" for the paths the filters follow */
function from(type: ResourceType, paths: ColumnPath[]): From {
  const aliases = new Map<string, string>([['', 't0']]);
  const joins: string[] = [];
  for (const p of paths) {
    let key = '';
    let parentAlias = 't0';
    for (const rel of p.via) {
      key = key ? `${key}.${rel.name}` : rel.name;
      let alias = aliases.get(key);
      if (!alias) {
        alias = `t${aliases.size}`;
        aliases.set(key, alias);
        const on = rel.fk.childColumns.map((c, i) => `${alias}.${q(rel.fk.parentColumns[i]!)} = ${parentAlias}.${q(c)}`).join(' AND ');
        joins.push(`LEFT JOIN ${q(rel.fk.parentTable)} ${alias} ON ${on}`);
      }
      parentAlias = alias;
    }
  }
  return {
    text: `FROM ${q(type.table.name)} t0${joins.length ? ` ${joins.join(' ')}` : ''}`,
    aliasOf: (p) => aliases.get(p.via.map((r) => r.name).join('.'))!,
  };
}

function condition(f: Filter, alias: string, params: Value[]): string {
  const col = `${alias}.${q(f.column.name)}`;
  switch (f.op) {
    case 'isnull':
      return `${col} IS NULL`;
    case 'notnull':
      return `${col} IS NOT NULL`;
    case 'in': {
      const values = f.value as Value[];
      params.push(...values);
      return `${col} IN (${values.map(() => '?').join(', ')})`;
    }
    default:
      params.push(f.value as Value);
      return `${col} ${SQL_OPS[f.op]} ?`;
  }
}

const SQL_OPS = { eq: '=', ne: 'IS NOT', lt: '<', le: '<=', gt: '>', ge: '>=', like: 'LIKE' } as const;

function where(filters: Filter[], f: From, params: Value[], extra: string[] = []): string {
  const parts = [...extra, ...filters.map((x) => condition(x, f.aliasOf(x), params))];
  return parts.length ? ` WHERE ${parts.join(' AND ')}` : '';
}

export interface ListOptions {
  filters: Filter[];
  sort?: { column: { name: string }; desc: boolean }[];
  page?: { offset: number; limit: number };
  /** restrict to rows whose `columns` equal one of these tuples (includes, related collections) */
  keys?: { columns: string[]; tuples: Value[][] };
}

export function selectRows(type: ResourceType, o: ListOptions): Select {
  const params: Value[] = [];
  const f = from(type, o.filters);
  const extra = o.keys ? [keysCondition(o.keys, params)] : [];
  const w = where(o.filters, f, params, extra);
  // paged lists end with the key, so pages never overlap; include lookups need no order at all
  const order = [
    ...(o.sort ?? []).map((s) => `t0.${q(s.column.name)}${s.desc ? ' DESC' : ''}`),
    ...(o.page || o.sort ? type.table.primaryKey.map((c) => `t0.${q(c)}`) : []),
  ];
  let sql = `SELECT t0.* ${f.text}${w}${order.length ? ` ORDER BY ${order.join(', ')}` : ''}`;
  if (o.page) {
    sql += ' LIMIT ? OFFSET ?';
    params.push(o.page.limit, o.page.offset);
  }
  return { sql, params };
}

export function countRows(type: ResourceType, o: ListOptions): Select {
  const params: Value[] = [];
  const f = from(type, o.filters);
  const extra = o.keys ? [keysCondition(o.keys, params)] : [];
  return { sql: `SELECT count(*) AS n ${f.text}${where(o.filters, f, params, extra)}`, params };
}

function keysCondition(keys: NonNullable<ListOptions['keys']>, params: Value[]): string {
  if (keys.tuples.length === 0) return '0';
  if (keys.columns.length === 1) {
    for (const t of keys.tuples) params.push(t[0]!);
    return `t0.${q(keys.columns[0]!)} IN (${keys.tuples.map(() => '?').join(', ')})`;
  }
  for (const t of keys.tuples) params.push(...t);
  const row = `(${keys.columns.map(() => '?').join(', ')})`;
  return `(${keys.columns.map((c) => `t0.${q(c)}`).join(', ')}) IN (VALUES ${keys.tuples.map(() => row).join(', ')})`;
}
