/**
 * models.ts for a created project: a drizzle-orm definition per table (sqliteTable, or pgTable for
 * PostgreSQL: pg-models.ts) and view (… .existing()), with keys, foreign keys and the declared types
 * kept in comments.
 * Rules are typed against these; alsx itself reads the database's schema at run time.
 */
import type { ColumnInfo, ForeignKey, OnDelete, Schema, TableInfo, Value } from '../../store/types.js';
import type { LooseColumn, SourceDatabase } from './source.js';
import { identifierFor, member, propertyKey, quote } from './names.js';
import { PG_HELPERS, pgFlavour } from './pg-models.js';

/** the export name of each table and view, in declaration order (parents before children) */
export type ExportNames = Map<string, string>;

/** names the rules file imports or declares (a table called "sum" would be shadowed by the rule of that name) */
const RULES_NAMES = [
  'models',
  'rules',
  'money',
  'dec',
  'constraint',
  'sum',
  'count',
  'formula',
  'copy',
  'defaults',
  'early',
  'event',
  'afterFlush',
  'commit',
];

/** names no export may take: what models.ts imports or declares, and what logic/rules.ts does */
const SQLITE_HELPERS = [
  'blob',
  'customType',
  'foreignKey',
  'integer',
  'numeric',
  'primaryKey',
  'real',
  'sql',
  'sqliteTable',
  'sqliteView',
  'text',
  'untyped',
  'AnySQLiteColumn',
  ...RULES_NAMES,
];

/** Tables ordered parents first (so most references point back), then views; ties by name. */
export function declarationOrder(schema: Schema): TableInfo[] {
  const tables = [...schema.tables.values()].filter((t) => !t.isView);
  const done = new Set<string>();
  const ordered: TableInfo[] = [];
  const visit = (t: TableInfo, path: Set<string>): void => {
    if (done.has(t.name) || path.has(t.name)) return; // a cycle: broken where it was entered
    path.add(t.name);
    for (const fk of [...t.parents].sort((a, b) => a.parentTable.localeCompare(b.parentTable))) {
      if (fk.parentTable !== t.name) visit(schema.tables.get(fk.parentTable)!, path);
    }
    path.delete(t.name);
    done.add(t.name);
    ordered.push(t);
  };
  for (const t of tables.sort((a, b) => a.name.localeCompare(b.name))) visit(t, new Set());
  const views = [...schema.tables.values()].filter((t) => t.isView).sort((a, b) => a.name.localeCompare(b.name));
  return [...ordered, ...views];
}

export function exportNames(order: TableInfo[], dialect: 'sqlite' | 'postgres' = 'sqlite'): ExportNames {
  const taken = new Set(dialect === 'postgres' ? [...PG_HELPERS, ...RULES_NAMES] : SQLITE_HELPERS);
  return new Map(order.map((t) => [t.name, identifierFor(t.name, taken)]));
}

interface ColumnCode {
  line: string;
  uses: string[];
}

/** a column's drizzle builder, and the TypeScript type of its values */
export interface ColumnType {
  builder: string;
  /** what the declared type adds that the builder does not say */
  comment: string;
  tsType: string;
}

/** what differs between the models of one database and another's: the drizzle dialect module and its column builders */
export interface ModelFlavour {
  /** 'drizzle-orm/sqlite-core' */
  module: string;
  /** the table and view functions, and the column type a forward reference names */
  table: string;
  view: string;
  anyColumn: string;
  typeOf(table: TableInfo, c: ColumnInfo, uses: string[]): ColumnType;
  /** what follows the builder for a key, an identity or NOT NULL */
  keyOf(table: TableInfo, c: ColumnInfo, onlyKey: boolean): string;
  /** local declarations the code uses (`uses`), after the imports */
  helpers(uses: Set<string>): string[];
  /** names of `uses` that are declared locally, not imported */
  local: string[];
  /** the header's last lines: how values look in rules */
  valuesNote: string[];
}

export function generateModels(source: SourceDatabase, order: TableInfo[], names: ExportNames, origin: string): string {
  const flavour = source.pg ? pgFlavour(source.pg) : sqliteFlavour(source);
  const uses = new Set<string>([flavour.table]);
  const declared = new Set<string>();
  const looseByColumn = new Map(source.loose.map((l) => [`${l.table}\u0000${l.column}`, l]));
  const blocks: string[] = [];
  for (const table of order) {
    const name = names.get(table.name)!;
    const rows = source.rowCounts.get(table.name);
    const counted =
      rows === undefined ? 'rows not counted' : `${source.approximate.has(table.name) ? 'about ' : ''}${rows} row${rows === 1 ? '' : 's'}`;
    const doc = [`${table.isView ? 'view' : 'table'} ${table.name}: ${counted}`];
    if (table.isView) doc.push('a view: served read-only (GET), never a rule target');
    else if (!table.primaryKey.length)
      doc.push('no primary key: served read-only — listed and filtered, but rows have no address to update or delete');
    else if (table.primaryKey.length > 1) doc.push(`key: ${table.primaryKey.join(' + ')} (ids in the API: ${table.primaryKey.join(',')})`);
    for (const fk of byColumnOrder(table)) {
      const self = fk.parentTable === table.name;
      doc.push(
        `${fk.childColumns.join(', ')} → ${self ? 'itself' : fk.parentTable}${fk.role !== fk.parentTable ? ` (as ${fk.role})` : ''}`,
      );
    }
    const composite = table.parents.filter((fk) => fk.childColumns.length > 1);
    const columns = table.columns.map((c) =>
      column(table, c, { names, declared, source, flavour, loose: looseByColumn.get(`${table.name}\u0000${c.name}`) }),
    );
    for (const c of columns) for (const u of c.uses) uses.add(u);
    const extras: string[] = [];
    if (!table.isView && table.primaryKey.length > 1) {
      uses.add('primaryKey');
      extras.push(`primaryKey({ columns: [${table.primaryKey.map((k) => member('t', k)).join(', ')}] })`);
    }
    for (const fk of composite) {
      uses.add('foreignKey');
      const parent = fk.parentTable === table.name ? 't' : names.get(fk.parentTable)!;
      extras.push(
        `foreignKey({ columns: [${fk.childColumns.map((c) => member('t', c)).join(', ')}], foreignColumns: [${fk.parentColumns.map((c) => member(parent, c)).join(', ')}] })${onDeleteAction(fk.onDelete) ? `.onDelete(${onDeleteAction(fk.onDelete)})` : ''}`,
      );
    }
    const body = columns.map((c) => `  ${c.line}`).join('\n');
    let code: string;
    if (table.isView) {
      uses.add(flavour.view);
      code = `export const ${name} = ${flavour.view}(${quote(table.name)}, {\n${body}\n}).existing();`;
    } else if (extras.length) {
      code = `export const ${name} = ${flavour.table}(${quote(table.name)}, {\n${body}\n}, (t) => [\n${extras.map((e) => `  ${e},`).join('\n')}\n]);`;
    } else {
      code = `export const ${name} = ${flavour.table}(${quote(table.name)}, {\n${body}\n});`;
    }
    blocks.push(`${docComment(doc)}\n${code}`);
    declared.add(table.name);
  }
  // `uses` names what the code refers to: drizzle-orm's sql, local helpers, or the dialect module's exports
  const helpers = flavour.helpers(uses);
  const core = [...uses].filter((u) => u !== 'sql' && u !== flavour.anyColumn && !flavour.local.includes(u)).sort();
  const imports = [
    ...(uses.has('sql') ? [`import { sql } from 'drizzle-orm';`] : []),
    `import { ${[...core, ...(uses.has(flavour.anyColumn) ? [`type ${flavour.anyColumn}`] : [])].join(', ')} } from '${flavour.module}';`,
  ];
  const header = [
    '/**',
    ` * The tables and views of ${origin}, as drizzle-orm definitions — generated by \`alsx create\`.`,
    ' * logic/rules.ts is typed against these: a rule names a table by its export (OrderDetails) and',
    " * a column by its key (d.Quantity, or d['Unit Price'] for a name with a space).",
    ' *',
    " * alsx reads the database's own schema when it runs; these definitions give rules their names and",
    ' * types. When the schema changes, add the column here too (or re-run alsx create --force into a',
    ` * new folder and compare). ${flavour.valuesNote[0]}`,
    ...flavour.valuesNote.slice(1).map((l) => ` * ${l}`),
    ' */',
  ];
  return `${[...header, ...imports, ...(helpers.length ? ['', ...helpers] : [])].join('\n')}\n\n${blocks.join('\n\n')}\n`;
}

function column(
  table: TableInfo,
  c: ColumnInfo,
  ctx: { names: ExportNames; declared: Set<string>; source: SourceDatabase; flavour: ModelFlavour; loose?: LooseColumn },
): ColumnCode {
  const uses: string[] = [];
  const { builder, comment, tsType } = ctx.flavour.typeOf(table, c, uses);
  let code = builder;
  const onlyKey = table.primaryKey.length === 1 && c.pk === 1;
  code += ctx.flavour.keyOf(table, c, onlyKey);
  const dflt = defaultOf(c, tsType, uses);
  if (dflt) code += dflt;
  const fk = table.parents.find((f) => f.childColumns.length === 1 && f.childColumns[0] === c.name);
  // (a reference to something that is not a column, such as another table's rowid, is left out)
  if (fk && ctx.source.schema.tables.get(fk.parentTable)?.columnsByName.has(fk.parentColumns[0]!)) {
    const parentName = ctx.names.get(fk.parentTable)!;
    // a reference to the table itself or to one declared later needs the type spelled out
    const ahead = fk.parentTable === table.name || !ctx.declared.has(fk.parentTable);
    if (ahead) uses.push(ctx.flavour.anyColumn);
    code += `.references(${ahead ? `(): ${ctx.flavour.anyColumn}` : '()'} => ${member(parentName, fk.parentColumns[0]!)}${onDeleteAction(fk.onDelete) ? `, { onDelete: ${onDeleteAction(fk.onDelete)} }` : ''})`;
  }
  const notes = [c.generated ? `${comment ? `${comment}, ` : ''}GENERATED ALWAYS: computed by the database, never written` : comment];
  if (ctx.loose) {
    const l = ctx.loose;
    code += `.$type<${tsType} | ${l.storedAs === 'text' ? 'string' : l.storedAs === 'blob' ? 'Buffer' : 'number'}>()`;
    notes.push(
      `${l.count} of ${l.rows} rows hold ${l.storedAs} (e.g. ${typeof l.example === 'string' ? JSON.stringify(l.example) : l.example})`,
    );
  }
  const note = notes.filter(Boolean).join('; ');
  return { line: `${propertyKey(c.name)}: ${code},${note ? ` // ${note}` : ''}`, uses };
}

/** SQLite: sqlite-core's few storage types; a column declared without a type takes numbers and text alike */
function sqliteFlavour(source: SourceDatabase): ModelFlavour {
  return {
    module: 'drizzle-orm/sqlite-core',
    table: 'sqliteTable',
    view: 'sqliteView',
    anyColumn: 'AnySQLiteColumn',
    typeOf: (_table, c, uses) => sqliteTypeOf(c, uses),
    keyOf: (table, c, onlyKey) =>
      onlyKey
        ? source.autoIncrement.has(table.name)
          ? '.primaryKey({ autoIncrement: true })'
          : '.primaryKey()'
        : c.notNull
          ? '.notNull()'
          : '',
    local: ['untyped'],
    helpers: (uses) => {
      if (!uses.has('untyped')) return [];
      uses.add('customType');
      return [
        "/** a column declared without a type (or a view's computed column): SQLite keeps numbers and text alike */",
        "const untyped = customType<{ data: number | string }>({ dataType: () => '' });",
      ];
    },
    valuesNote: ['DECIMAL columns are numbers in rules, computed exactly by the engine;', 'BOOLEAN columns hold 0 and 1.'],
  };
}

/** the drizzle builder for a column's declared type, and the TypeScript type of its values */
function sqliteTypeOf(c: ColumnInfo, uses: string[]): ColumnType {
  const name = quote(c.name);
  const declared = c.declaredType.trim();
  const length = /^(?:VAR|N?VAR)?CHAR(?:ACTER)?\s*\(\s*(\d+)\s*\)|^N?VARCHAR\s*\(\s*(\d+)\s*\)/i.exec(declared);
  switch (c.kind) {
    case 'integer':
      uses.push('integer');
      return { builder: `integer(${name})`, comment: /^INT(EGER)?$/i.test(declared) ? '' : declared, tsType: 'number' };
    case 'boolean':
      uses.push('integer');
      return { builder: `integer(${name})`, comment: `${declared}: 0 or 1`, tsType: 'number' };
    case 'decimal':
    case 'numeric':
      if (!declared) {
        uses.push('untyped');
        return { builder: `untyped(${name})`, comment: 'no declared type', tsType: 'number | string' };
      }
      uses.push('numeric');
      return { builder: `numeric(${name}, { mode: 'number' })`, comment: declared, tsType: 'number' };
    case 'real':
      uses.push('real');
      return { builder: `real(${name})`, comment: /^REAL$/i.test(declared) ? '' : declared, tsType: 'number' };
    case 'blob':
      uses.push('blob');
      return { builder: `blob(${name}, { mode: 'buffer' })`, comment: /^BLOB$/i.test(declared) ? '' : declared, tsType: 'Buffer' };
    case 'date':
    case 'datetime':
      uses.push('text');
      return { builder: `text(${name})`, comment: `${declared}: ISO text`, tsType: 'string' };
    default: {
      uses.push('text');
      const n = length ? Number(length[1] ?? length[2]) : undefined;
      return {
        builder: n ? `text(${name}, { length: ${n} })` : `text(${name})`,
        comment: /^TEXT$/i.test(declared) ? '' : declared,
        tsType: 'string',
      };
    }
  }
}

function defaultOf(c: ColumnInfo, tsType: string, uses: string[]): string {
  if (c.defaultIsExpression) return ''; // CURRENT_TIMESTAMP, now(), nextval(…): the database computes it on insert
  const v: Value | undefined = c.defaultValue;
  if (v === undefined || v === null || v instanceof Uint8Array) return '';
  if (typeof v === 'number' && tsType.includes('number')) return `.default(${v})`;
  if (tsType.includes('string')) return `.default(${quote(String(v))})`; // TEXT affinity stores 5 as '5'
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return `.default(${Number(v)})`;
  // a default SQLite keeps as given ('n/a' for an INTEGER column)
  uses.push('sql');
  return `.default(sql\`${String(v).replace(/[`\\$]/g, '\\$&')}\`)`;
}

/** drizzle's name for an ON DELETE action, none for the default */
function onDeleteAction(action: OnDelete): string | undefined {
  return action === 'NO ACTION' ? undefined : quote(action.toLowerCase());
}

function docComment(lines: string[]): string {
  return lines.length === 1 ? `/** ${lines[0]} */` : ['/**', ...lines.map((l) => ` * ${l}`), ' */'].join('\n');
}

/** a table's foreign keys in the order of their columns (SQLite lists them last-declared first) */
export function byColumnOrder(table: TableInfo): ForeignKey[] {
  const position = (fk: ForeignKey) => table.columns.findIndex((c) => c.name === fk.childColumns[0]);
  return [...table.parents].sort((a, b) => position(a) - position(b));
}
