/**
 * The grid's filter, typed by a person: terms separated by spaces, all of which must hold.
 *
 *   Country=Germany        equals (text ignores case)      Region=null   is empty
 *   AmountTotal>500        > >= < <= != compare             Region!=null  is not empty
 *   CompanyName~fut        contains (ignores case)          Name!~ltd     does not contain
 *   City="New York"        quotes for spaces                fut           any text column contains
 *
 * Compiled to a parameterised WHERE clause: values are never part of the SQL, and column names must
 * be the table's own (matched ignoring case), so a filter can neither inject SQL nor name a column
 * that is not there. Text ignores case on both databases: SQLite's LIKE and NOCASE, PostgreSQL's
 * ILIKE and lower().
 */
import { sqliteDialect, type Dialect } from '../../store/dialect.js';
import type { ColumnInfo, Row, TableInfo, Value } from '../../store/types.js';

export class FilterError extends Error {
  override name = 'FilterError';
}

export interface Condition {
  /** SQL with ? placeholders, numbered by the reader (sync-reader.ts); '' when there is nothing to filter */
  sql: string;
  params: Value[];
}

const OPS = ['>=', '<=', '!=', '<>', '!~', '=', '>', '<', '~'] as const;
type Op = (typeof OPS)[number];

const q = sqliteDialect.q; // the same quoting on every database

/** comparisons of text that ignore case, as each database spells them (`?`: the value) */
interface TextSql {
  /** the column's text contains the pattern (a null column contains nothing) */
  contains(col: string): string;
  /** compares with `op`, ignoring case */
  compare(col: string, op: string): string;
}

const TEXT: Record<Dialect['name'], TextSql> = {
  // SQLite's LIKE ignores ASCII case already; NOCASE makes = and < do so
  sqlite: {
    contains: (col) => `coalesce(${col}, '') LIKE ? ESCAPE '\\'`,
    compare: (col, op) => `${col} ${op} ? COLLATE NOCASE`,
  },
  // ILIKE and lower() are defined on text: other types (numbers, uuid, json) are read as their text
  postgres: {
    contains: (col) => `coalesce(${col}::text, '') ILIKE ? ESCAPE '\\'`,
    compare: (col, op) => `lower(${col}::text) ${op} lower(?)`,
  },
};

const QUOTED = `"(?:[^"]|"")*"|'(?:[^']|'')*'`;
const TERM = new RegExp(`\\s*(?:([^\\s=<>!~"']+)\\s*(>=|<=|!=|<>|!~|=|>|<|~)\\s*(${QUOTED}|\\S*)|(${QUOTED}|\\S+))`, 'y');

export function parseFilter(table: TableInfo, text: string, dialect: Pick<Dialect, 'name'> = sqliteDialect): Condition {
  const sql = TEXT[dialect.name];
  const parts: string[] = [];
  const params: Value[] = [];
  TERM.lastIndex = 0;
  const input = text.trim();
  while (TERM.lastIndex < input.length) {
    const m = TERM.exec(input);
    if (!m) throw new FilterError(`cannot read the filter from "${input.slice(TERM.lastIndex)}"`);
    if (m[4] !== undefined) {
      anyTextContains(sql, table, unquote(m[4]), parts, params);
      continue;
    }
    const col = resolveColumn(table, m[1]!);
    compare(sql, col, m[2] as Op, unquote(m[3]!), parts, params);
  }
  return { sql: parts.join(' AND '), params };
}

/** equality on given columns (a child list's foreign key), checked against the schema */
export function equalityCondition(table: TableInfo, where: Row): Condition {
  const parts: string[] = [];
  const params: Value[] = [];
  for (const [name, value] of Object.entries(where)) {
    const col = resolveColumn(table, name);
    if (value === null) parts.push(`${q(col.name)} IS NULL`);
    else {
      parts.push(`${q(col.name)} = ?`);
      params.push(value);
    }
  }
  return { sql: parts.join(' AND '), params };
}

export function andConditions(...conditions: Condition[]): Condition {
  const used = conditions.filter((c) => c.sql);
  return { sql: used.map((c) => (used.length > 1 ? `(${c.sql})` : c.sql)).join(' AND '), params: used.flatMap((c) => c.params) };
}

/** the table's column with this name (any case), or a FilterError naming it and the nearest real one */
export function resolveColumn(table: TableInfo, name: string): ColumnInfo {
  const exact = table.columnsByName.get(name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  const found = table.columns.find((c) => c.name.toLowerCase() === lower);
  if (found) return found;
  const near = nearest(
    name,
    table.columns.map((c) => c.name),
  );
  throw new FilterError(`${table.name} has no column "${name}"${near ? ` — did you mean ${near}?` : ''}`);
}

function compare(sql: TextSql, col: ColumnInfo, op: Op, raw: string, parts: string[], params: Value[]): void {
  const name = q(col.name);
  if (op === '~' || op === '!~') {
    parts.push(`${op === '~' ? '' : 'NOT '}${sql.contains(name)}`);
    params.push(`%${raw.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    return;
  }
  if (raw === '' || /^null$/i.test(raw)) {
    if (op === '=') return void parts.push(`${name} IS NULL`);
    if (op === '!=' || op === '<>') return void parts.push(`${name} IS NOT NULL`);
    throw new FilterError(`${col.name}${op}${raw}: only = and != compare with null`);
  }
  const value = typed(col, raw);
  const sqlOp = op === '<>' ? '!=' : op;
  // people type "germany" for "Germany": text compares ignoring case (a date is compared as a date)
  const text = typeof value === 'string' && (col.kind === 'text' || col.kind === 'numeric');
  parts.push(text ? sql.compare(name, sqlOp) : `${name} ${sqlOp} ?`);
  params.push(value);
}

function anyTextContains(sql: TextSql, table: TableInfo, raw: string, parts: string[], params: Value[]): void {
  const text = table.columns.filter((c) => c.kind === 'text' || c.kind === 'numeric');
  const cols = text.length ? text : table.columns;
  const pattern = `%${raw.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  parts.push(`(${cols.map((c) => sql.contains(q(c.name))).join(' OR ')})`);
  for (let i = 0; i < cols.length; i++) params.push(pattern);
}

function typed(col: ColumnInfo, raw: string): Value {
  switch (col.kind) {
    case 'integer':
    case 'decimal':
    case 'real':
      if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) throw new FilterError(`${col.name} takes a number, not "${raw}"`);
      return Number(raw);
    case 'boolean':
      if (/^(true|yes|1)$/i.test(raw)) return 1;
      if (/^(false|no|0)$/i.test(raw)) return 0;
      throw new FilterError(`${col.name} takes true or false, not "${raw}"`);
    case 'numeric':
      // no declared type: compare as a number when it reads as one
      return /^[-+]?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    default:
      return raw;
  }
}

function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.endsWith(s[0])) return s.slice(1, -1).replaceAll(s[0] + s[0], s[0]);
  return s;
}

/** the candidate within edit distance 2 (or a prefix match), for "did you mean" */
function nearest(name: string, candidates: string[]): string | undefined {
  const a = name.toLowerCase();
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const b = c.toLowerCase();
    const d = b.startsWith(a) && a.length >= 3 ? 1 : distance(a, b);
    if (d <= 2 && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
