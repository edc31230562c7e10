/**
 * Reads a PostgreSQL schema's tables, views, columns, keys and foreign keys from pg_catalog into the
 * same Schema the SQLite introspection (introspect.ts) produces, so everything above the store sees
 * one shape whatever the database. Two catalog queries, whatever the number of tables.
 *
 * Where the two databases differ (documented, and pinned by test/store/pg-introspect.test.ts):
 * - `declaredType` is PostgreSQL's own spelling (`character varying(8000)`, `numeric(10,2)`);
 * - primary-key columns are NOT NULL (SQLite allows NULL in a non-INTEGER key unless declared);
 * - `generatedKey` means an identity column or a `nextval()` default (SQLite: INTEGER PRIMARY KEY);
 * - a serial column's `nextval(…)` default is an expression the database computes.
 */
import type { ColumnInfo, ColumnKind, ForeignKey, OnDelete, Schema, TableInfo, Value } from './types.js';

/** what introspection needs of a pg Pool or Client */
export interface PgQueryable {
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

interface CatalogColumn {
  table: string;
  relkind: string;
  name: string;
  type: string;
  /** the type a domain stands for (its base type); the column's type otherwise */
  base_type: string;
  /** pg_type.typtype of the base type: b base, e enum, r range, c composite, p pseudo, m multirange */
  base_typtype: string;
  /** true/false with pg's own parsers, 1/0 with alsx's (pg-values.ts): either works */
  notnull: boolean | number;
  dflt: string | null;
  identity: string;
  generated: string;
  pk: number;
}

interface CatalogFk {
  child: string;
  parent: string;
  del: string;
  /** JSON text: the pool's type parsers may turn arrays (and json) into anything, text stays text */
  child_cols: string;
  parent_cols: string;
}

const ON_DELETE: Record<string, OnDelete> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/**
 * The application's tables and views in one schema (by default the connection's current schema,
 * usually `public`). alsx's own `_alsx_*` tables and the partitions of a partitioned table are left
 * out, as SQLite's introspection leaves out `_alsx_*` and a virtual table's shadow tables.
 */
export async function introspectPg(db: PgQueryable, schemaName?: string): Promise<Schema> {
  const { rows: cols } = await db.query<CatalogColumn>(
    `SELECT c.relname::text AS table, c.relkind::text AS relkind, a.attname::text AS name,
            format_type(a.atttypid, a.atttypmod) AS type,
            CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) ELSE format_type(a.atttypid, a.atttypmod) END AS base_type,
            coalesce(bt.typtype, t.typtype)::text AS base_typtype,
            a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS dflt,
            a.attidentity::text AS identity, a.attgenerated::text AS generated,
            coalesce(array_position(i.indkey::int2[], a.attnum) - array_lower(i.indkey::int2[], 1) + 1, 0) AS pk
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
       LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
       LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
      WHERE n.nspname = coalesce($1, current_schema())
        AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
        AND c.relname NOT LIKE '\\_alsx\\_%'
      ORDER BY c.relname, a.attnum`,
    [schemaName ?? null],
  );
  // indkey is an int2vector, indexed from 0: pk is the 1-based position in the key
  const tables = new Map<string, TableInfo>();
  const sequenced = new Set<ColumnInfo>();
  for (const r of cols) {
    let table = tables.get(r.table);
    if (!table) {
      table = {
        name: r.table,
        columns: [],
        columnsByName: new Map(),
        primaryKey: [],
        generatedKey: false,
        isView: r.relkind === 'v' || r.relkind === 'm',
        parents: [],
        children: [],
      };
      tables.set(r.table, table);
    }
    const col = columnInfo(r);
    table.columns.push(col);
    table.columnsByName.set(col.name, col);
    if (r.identity === 'a' || r.identity === 'd' || /^nextval\(/i.test(r.dflt ?? '')) sequenced.add(col);
  }
  for (const table of tables.values()) {
    table.primaryKey = table.columns
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    const only = table.primaryKey.length === 1 ? table.columnsByName.get(table.primaryKey[0]!) : undefined;
    table.generatedKey = only !== undefined && sequenced.has(only);
  }

  const { rows: fks } = await db.query<CatalogFk>(
    `SELECT cl.relname::text AS child, pl.relname::text AS parent, con.confdeltype::text AS del,
            (SELECT json_agg(a.attname::text ORDER BY k.ord)::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS child_cols,
            (SELECT json_agg(a.attname::text ORDER BY k.ord)::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS parent_cols
       FROM pg_constraint con
       JOIN pg_class cl ON cl.oid = con.conrelid
       JOIN pg_class pl ON pl.oid = con.confrelid
       JOIN pg_namespace n ON n.oid = cl.relnamespace
       JOIN pg_namespace pn ON pn.oid = pl.relnamespace
      WHERE con.contype = 'f' AND n.nspname = coalesce($1, current_schema()) AND pn.nspname = n.nspname
        AND con.conparentid = 0
      ORDER BY cl.relname, con.conkey, con.conname`,
    [schemaName ?? null],
  );
  // ordered by the child's columns (as models.ts orders them), not by constraint name
  for (const f of fks) {
    const child = tables.get(f.child);
    const parent = tables.get(f.parent);
    if (!child || !parent) continue; // to or from a table left out (_alsx_*, another schema)
    child.parents.push({
      childTable: child.name,
      childColumns: JSON.parse(f.child_cols) as string[],
      parentTable: parent.name,
      parentColumns: JSON.parse(f.parent_cols) as string[],
      onDelete: ON_DELETE[f.del] ?? 'NO ACTION',
      role: parent.name,
    });
  }
  for (const table of tables.values()) nameRoles(table, tables);
  return { tables };
}

/** as introspect.ts: two FKs to one parent, or one to the table itself, are named by their columns */
function nameRoles(table: TableInfo, tables: Map<string, TableInfo>): void {
  const counts = new Map<string, number>();
  for (const fk of table.parents) counts.set(fk.parentTable, (counts.get(fk.parentTable) ?? 0) + 1);
  for (const fk of table.parents) {
    if (counts.get(fk.parentTable)! > 1 || fk.parentTable === table.name) fk.role = fk.childColumns.join('_');
    tables.get(fk.parentTable)!.children.push(fk as ForeignKey);
  }
}

function columnInfo(r: CatalogColumn): ColumnInfo {
  const { kind, scale, precision } = classifyPg(r.base_type, r.base_typtype);
  const generated = r.generated === 's';
  // a generated column's pg_attrdef holds its expression, not a default
  const dflt = generated ? { value: undefined, expression: false } : parseDefaultPg(r.dflt, kind);
  return {
    name: r.name,
    declaredType: r.type,
    kind,
    scale,
    precision,
    notNull: Boolean(r.notnull),
    defaultValue: dflt.value,
    defaultIsExpression: dflt.expression,
    pk: Number(r.pk),
    ...(generated ? { generated: true } : {}),
  };
}

/**
 * A PostgreSQL type, as `format_type` spells it, to the engine's kind. Exact names, not SQLite's
 * affinity substrings (which would read `point` as an integer and `interval` as an integer too).
 */
export function classifyPg(type: string, typtype = 'b'): { kind: ColumnKind; scale: number | null; precision: number | null } {
  const t = type.toLowerCase().trim();
  const plain = (kind: ColumnKind) => ({ kind, scale: null, precision: null });
  if (t.endsWith('[]') || typtype !== 'b') return plain('text'); // arrays, enums, ranges, composites
  if (t === 'boolean') return plain('boolean');
  if (t === 'smallint' || t === 'integer' || t === 'bigint') return plain('integer');
  if (t === 'real' || t === 'double precision') return plain('real');
  const numeric = /^numeric(?:\((\d+)(?:,(\d+))?\))?$/.exec(t);
  if (numeric) {
    const precision = numeric[1] !== undefined ? Number(numeric[1]) : null;
    return { kind: 'decimal', precision, scale: precision === null ? null : Number(numeric[2] ?? 0) };
  }
  if (t === 'date') return plain('date');
  if (t.startsWith('timestamp')) return plain('datetime');
  if (t === 'bytea') return plain('blob');
  // text, character varying(n), character(n), uuid, json(b), time, interval, inet, money (locale text) …
  return plain('text');
}

/** `now()`, `CURRENT_DATE`, `'now'::text::date` …: evaluated at each insert */
const SPECIAL_TIME = /^'(now|today|tomorrow|yesterday)'$/i;
const NUMERIC_KINDS = new Set<ColumnKind>(['integer', 'decimal', 'real', 'numeric', 'boolean']);

/**
 * A default as pg_get_expr shows it, without its casts, coerced by kind: `'0'::numeric` → 0,
 * `'n/a'::character varying` → 'n/a', `true` → 1, `NULL::text` → null; anything the server computes
 * (`now()`, `nextval(…)`, `CURRENT_TIMESTAMP`, `'now'::date`) is an expression.
 */
export function parseDefaultPg(text: string | null, kind: ColumnKind): { value: Value | undefined; expression: boolean } {
  if (text === null) return { value: undefined, expression: false };
  const expression = { value: undefined, expression: true };
  let t = text.trim();
  for (let changed = true; changed; ) {
    const cast = /^(.*?)::(?:"[^"]+"|[a-z_][\w.]*)(?:\(\d+(?:,\s*\d+)?\)| [a-z_]+)*(?:\[\])*$/is.exec(t);
    const stripped = unparen(cast ? cast[1]! : t);
    changed = stripped !== t;
    t = stripped;
  }
  if (/^null$/i.test(t)) return { value: null, expression: false };
  if (/^(true|false)$/i.test(t)) return { value: /^true$/i.test(t) ? 1 : 0, expression: false };
  const quoted = /^'((?:[^']|'')*)'$/s.exec(t);
  const literal = quoted ? quoted[1]!.replace(/''/g, "'") : t;
  // 'now'::text::date is evaluated at each insert (a plain DEFAULT 'now' was frozen at CREATE TABLE)
  if (quoted && (kind === 'date' || kind === 'datetime') && SPECIAL_TIME.test(t)) return expression;
  const isNumber = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(literal);
  if (NUMERIC_KINDS.has(kind)) {
    if (isNumber) {
      const n = Number(literal);
      // a bigint default beyond 2^53 stays exact, as int8 values do (pg-values.ts)
      if (kind === 'integer' && !Number.isSafeInteger(n) && /^[-+]?\d+$/.test(literal))
        return { value: BigInt(literal), expression: false };
      return { value: n, expression: false };
    }
    if (kind === 'boolean' && quoted && /^(t|f|true|false|1|0|y|n|yes|no|on|off)$/i.test(literal))
      return { value: /^(t|true|1|y|yes|on)$/i.test(literal) ? 1 : 0, expression: false };
    return expression;
  }
  if (quoted) {
    if (kind === 'blob')
      return /^\\x([0-9a-f]{2})*$/i.test(literal) ? { value: Buffer.from(literal.slice(2), 'hex'), expression: false } : expression;
    return { value: literal, expression: false };
  }
  // an unquoted number for a text column (rare: pg quotes them) is still a literal
  if (isNumber) return { value: kind === 'text' || kind === 'date' || kind === 'datetime' ? literal : Number(literal), expression: false };
  return expression;
}

/** `(x)` → `x`, only when the parentheses enclose the whole text */
function unparen(t: string): string {
  let s = t.trim();
  while (s.startsWith('(') && s.endsWith(')') && encloses(s)) s = s.slice(1, -1).trim();
  return s;
}

function encloses(s: string): boolean {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')' && --depth === 0 && i < s.length - 1) return false;
  }
  return depth === 0;
}
