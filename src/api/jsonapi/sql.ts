/**
 * SQL for JSON:API reads: one SELECT per request (plus one per include level), every name checked
 * against the schema and quoted, every value a parameter — so no query parameter can carry SQL.
 * Filters across to-one relationships become LEFT JOINs; row security is more filters, on every
 * table a client's path joins as well.
 */
import type { Dialect } from '../../store/dialect.js';
import type { Value } from '../../store/types.js';
import type { ApiModel, Relationship, ResourceType } from './model.js';
import type { ColumnPath, Condition, Filter } from './query.js';

export interface Select {
  sql: string;
  params: Value[];
}

/** a query's parameters as it is built: each value's placeholder in the dialect's form */
class Params {
  readonly values: Value[] = [];
  constructor(readonly dialect: Dialect) {}
  add(value: Value): string {
    this.values.push(value);
    return this.dialect.param(this.values.length);
  }
}

interface From {
  text: string;
  aliasOf(path: ColumnPath & { trusted?: boolean }): string;
}

/**
 * Row security on joined tables: the read filters of each table a client's filter path passes
 * through, as PostgreSQL's row-level security applies them (a parent the user may not see is a
 * parent that is not there).
 */
export interface JoinSecurity {
  model: ApiModel;
  filters(type: ResourceType): Condition[];
}

/** every test of a condition tree */
function leaves(c: Condition, into: Filter[]): Filter[] {
  if (c === false) return into;
  if ('and' in c) for (const x of c.and) leaves(x, into);
  else if ('or' in c) for (const x of c.or) leaves(x, into);
  else if ('not' in c) leaves(c.not, into);
  else into.push(c);
  return into;
}

/**
 * "\"Order\" t0 LEFT JOIN \"Customer\" t1 ON …" for the paths the filters follow. A grant's own
 * paths join tables whole; a client's join each table through its row filter (a subquery).
 */
function from(type: ResourceType, filters: Condition[], params: Params, secure?: JoinSecurity, names = { n: 1 }, base = 't0'): From {
  const q = params.dialect.q;
  const aliases = new Map<string, string>([['', base]]);
  const joins: string[] = [];
  for (const p of filters.flatMap((c) => leaves(c, []))) {
    let key = p.trusted ? '!' : '';
    let parentAlias = base;
    for (const rel of p.via) {
      key = `${key}.${rel.name}`;
      let alias = aliases.get(key);
      if (!alias) {
        alias = `t${names.n++}`;
        aliases.set(key, alias);
        const on = rel.fk.childColumns.map((c, i) => `${alias}.${q(rel.fk.parentColumns[i]!)} = ${parentAlias}.${q(c)}`).join(' AND ');
        joins.push(`LEFT JOIN ${p.trusted ? q(rel.fk.parentTable) : visibleRows(rel, params, secure, names)} ${alias} ON ${on}`);
      }
      parentAlias = alias;
    }
  }
  return {
    text: `${q(type.table.name)} ${base}${joins.length ? ` ${joins.join(' ')}` : ''}`,
    aliasOf: (p) => aliases.get(p.via.length ? `${p.trusted ? '!' : ''}.${p.via.map((r) => r.name).join('.')}` : '')!,
  };
}

/** the table a client's path joins: whole, or as a subquery of the rows the user may read */
function visibleRows(rel: Relationship, params: Params, secure: JoinSecurity | undefined, names: { n: number }): string {
  const q = params.dialect.q;
  const target = secure?.model.types.get(rel.target);
  const filters = target ? secure!.filters(target) : [];
  if (!target || filters.length === 0) return q(rel.fk.parentTable);
  const alias = `t${names.n++}`;
  const inner = from(target, filters, params, undefined, names, alias);
  return `(SELECT ${alias}.* FROM ${inner.text} WHERE ${render({ and: filters }, inner, params)})`;
}

function condition(f: Filter, alias: string, params: Params): string {
  const d = params.dialect;
  const col = `${alias}.${d.q(f.column.name)}`;
  switch (f.op) {
    case 'isnull':
      return `${col} IS NULL`;
    case 'notnull':
      return `${col} IS NOT NULL`;
    case 'in': {
      const values = f.value as Value[];
      if (values.length === 0) return d.false;
      return `${col} IN (${values.map((v) => params.add(v)).join(', ')})`;
    }
    case 'ne':
      return d.distinct(col, params.add(f.value as Value));
    case 'like':
      return d.like(col, params.add(f.value as Value));
    default:
      return `${col} ${SQL_OPS[f.op]} ${params.add(f.value as Value)}`;
  }
}

const SQL_OPS = { eq: '=', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;

function render(c: Condition, f: From, params: Params): string {
  const d = params.dialect;
  if (c === false) return d.false;
  if ('and' in c) return c.and.length ? `(${c.and.map((x) => render(x, f, params)).join(' AND ')})` : d.true;
  if ('or' in c) return c.or.length ? `(${c.or.map((x) => render(x, f, params)).join(' OR ')})` : d.false;
  if ('not' in c) return `NOT ${render(c.not, f, params)}`;
  return condition(c, f.aliasOf(c), params);
}

function where(filters: Condition[], f: From, params: Params, extra: string[] = []): string {
  const parts = [...extra, ...filters.map((x) => render(x, f, params))];
  return parts.length ? ` WHERE ${parts.join(' AND ')}` : '';
}

export interface ListOptions {
  /** the database's SQL */
  dialect: Dialect;
  filters: Condition[];
  /** row security for the tables client filters join */
  secure?: JoinSecurity;
  sort?: { column: { name: string }; desc: boolean }[];
  page?: { offset: number; limit: number };
  /** restrict to rows whose `columns` equal one of these tuples (includes, related collections) */
  keys?: { columns: string[]; tuples: Value[][] };
}

export function selectRows(type: ResourceType, o: ListOptions): Select {
  const params = new Params(o.dialect);
  const q = o.dialect.q;
  const f = from(type, o.filters, params, o.secure);
  const extra = o.keys ? [keysCondition(o.keys, params)] : [];
  const w = where(o.filters, f, params, extra);
  // paged lists end with the key, so pages never overlap; include lookups need no order at all
  const order = [
    ...(o.sort ?? []).map((s) => `t0.${q(s.column.name)}${s.desc ? ' DESC' : ''}`),
    ...(o.page || o.sort ? type.table.primaryKey.map((c) => `t0.${q(c)}`) : []),
  ];
  let sql = `SELECT t0.* FROM ${f.text}${w}${order.length ? ` ORDER BY ${order.join(', ')}` : ''}`;
  if (o.page) sql += ` LIMIT ${params.add(o.page.limit)} OFFSET ${params.add(o.page.offset)}`;
  return { sql, params: params.values };
}

export function countRows(type: ResourceType, o: ListOptions): Select {
  const params = new Params(o.dialect);
  const f = from(type, o.filters, params, o.secure);
  const extra = o.keys ? [keysCondition(o.keys, params)] : [];
  return { sql: `SELECT count(*) AS n FROM ${f.text}${where(o.filters, f, params, extra)}`, params: params.values };
}

function keysCondition(keys: NonNullable<ListOptions['keys']>, params: Params): string {
  const q = params.dialect.q;
  if (keys.tuples.length === 0) return params.dialect.false;
  if (keys.columns.length === 1) return `t0.${q(keys.columns[0]!)} IN (${keys.tuples.map((t) => params.add(t[0]!)).join(', ')})`;
  const rows = keys.tuples.map((t) => `(${t.map((v) => params.add(v)).join(', ')})`);
  // PostgreSQL types a VALUES list's parameters as text (integer = text fails); a list of rows takes
  // the key columns' types. SQLite knows only the VALUES form.
  const list = params.dialect.name === 'postgres' ? rows.join(', ') : `VALUES ${rows.join(', ')}`;
  return `(${keys.columns.map((c) => `t0.${q(c)}`).join(', ')}) IN (${list})`;
}
