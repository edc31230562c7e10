/** Reads a SQLite database's tables, columns, keys and foreign keys into a Schema. */
import type Database from 'better-sqlite3';
import type { ColumnInfo, ColumnKind, OnDelete, Schema, TableInfo, Value } from './types.js';

interface PragmaColumn {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  hidden?: number;
}
interface PragmaFk {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
  on_delete: string;
}

export function introspect(db: Database.Database): Schema {
  const objects = db
    // alsx's own tables (_alsx_outbox, _alsx_inbox …) are plumbing, not part of the application
    .prepare(
      `SELECT name, type FROM sqlite_schema WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_alsx\\_%' ESCAPE '\\' ORDER BY name`,
    )
    .all() as { name: string; type: string }[];
  // a virtual table's shadow tables (FTS indexes …) are its storage, not data to serve or write
  const shadows = new Set(shadowTables(db));
  const tables = new Map<string, TableInfo>();
  for (const { name, type } of objects) {
    if (shadows.has(name)) continue;
    const cols = db.prepare(`SELECT * FROM pragma_table_xinfo(?)`).all(name) as PragmaColumn[];
    // hidden 1: a virtual table's hidden column; 2 and 3: generated columns, which are data
    const columns = cols.filter((c) => !c.hidden || c.hidden >= 2).map(columnInfo);
    const primaryKey = columns
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    const only = primaryKey.length === 1 ? columns.find((c) => c.name === primaryKey[0]) : undefined;
    tables.set(name, {
      name,
      columns,
      columnsByName: new Map(columns.map((c) => [c.name, c])),
      primaryKey,
      generatedKey: only !== undefined && /^INTEGER$/i.test(only.declaredType.trim()),
      isView: type === 'view',
      parents: [],
      children: [],
    });
  }
  for (const table of tables.values()) {
    if (table.isView) continue;
    const rows = db.prepare(`SELECT * FROM pragma_foreign_key_list(?)`).all(table.name) as PragmaFk[];
    const byId = new Map<number, PragmaFk[]>();
    for (const r of rows) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
    for (const parts of byId.values()) {
      parts.sort((a, b) => a.seq - b.seq);
      const first = parts[0]!;
      const parent = tables.get(first.table);
      if (!parent) continue; // a dangling FK to a missing table: nothing to relate
      table.parents.push({
        childTable: table.name,
        childColumns: parts.map((p) => p.from),
        parentTable: parent.name,
        parentColumns: parts.map((p, i) => p.to ?? parent.primaryKey[i] ?? 'rowid'),
        onDelete: (first.on_delete.toUpperCase() as OnDelete) ?? 'NO ACTION',
        role: parent.name,
      });
    }
    // Two FKs to one parent (Employee.WorksFor/OnLoan Department): name each by its column instead.
    const counts = new Map<string, number>();
    for (const fk of table.parents) counts.set(fk.parentTable, (counts.get(fk.parentTable) ?? 0) + 1);
    for (const fk of table.parents) {
      if (counts.get(fk.parentTable)! > 1 || fk.parentTable === table.name) fk.role = fk.childColumns.join('_');
      tables.get(fk.parentTable)!.children.push(fk);
    }
  }
  return { tables };
}

function shadowTables(db: Database.Database): string[] {
  try {
    return (db.prepare(`SELECT name FROM pragma_table_list WHERE type = 'shadow'`).all() as { name: string }[]).map((r) => r.name);
  } catch {
    return []; // SQLite before 3.37 has no table_list
  }
}

function columnInfo(c: PragmaColumn): ColumnInfo {
  const { kind, scale, precision } = classify(c.type);
  const dflt = parseDefault(c.dflt_value);
  return {
    name: c.name,
    declaredType: c.type,
    kind,
    scale,
    precision,
    notNull: c.notnull === 1,
    defaultValue: dflt.value,
    defaultIsExpression: dflt.expression,
    pk: c.pk,
    ...(c.hidden === 2 || c.hidden === 3 ? { generated: true } : {}),
  };
}

/** SQLite's affinity rules (https://sqlite.org/datatype3.html §3.1), refined by common type names. */
export function classify(declared: string): { kind: ColumnKind; scale: number | null; precision: number | null } {
  const t = declared.toUpperCase();
  const digits = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(t);
  const precision = digits ? Number(digits[1]) : null;
  const scale = digits?.[2] !== undefined ? Number(digits[2]) : null;
  const plain = (kind: ColumnKind) => ({ kind, scale: null, precision: null });
  if (/BOOL/.test(t)) return plain('boolean');
  if (/INT/.test(t)) return plain('integer');
  if (/CHAR|CLOB|TEXT/.test(t)) return plain('text');
  if (/DATETIME|TIMESTAMP/.test(t)) return plain('datetime');
  if (/DATE/.test(t)) return plain('date');
  if (/DEC|MONEY|CURRENCY/.test(t)) return { kind: 'decimal', scale, precision };
  if (t === '' || /BLOB/.test(t)) return plain(t === '' ? 'numeric' : 'blob');
  if (/REAL|FLOA|DOUB/.test(t)) return plain('real');
  return { kind: 'numeric', scale, precision: scale === null ? null : precision };
}

function parseDefault(text: string | null): { value: Value | undefined; expression: boolean } {
  if (text === null) return { value: undefined, expression: false };
  let t = text.trim();
  while (t.startsWith('(') && t.endsWith(')')) t = t.slice(1, -1).trim();
  if (/^null$/i.test(t)) return { value: null, expression: false };
  if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return { value: Number(t), expression: false };
  if (/^true$/i.test(t)) return { value: 1, expression: false };
  if (/^false$/i.test(t)) return { value: 0, expression: false };
  const quoted = /^'((?:[^']|'')*)'$/.exec(t);
  if (quoted) return { value: quoted[1]!.replace(/''/g, "'"), expression: false };
  return { value: undefined, expression: true };
}
