/**
 * How the Tables pane shows each table: which columns come first and which name a row (its display
 * value, shown wherever a child points at it: "ProductId 2 → Chang"). Generated from the schema,
 * optionally overridden per project by `admin.ts` in the project folder:
 *
 *   export default {
 *     tables: {
 *       Order: { columns: ['Id', 'CustomerId', 'OrderDate', 'AmountTotal'], display: 'ShipName' },
 *       Employee: { display: ['FirstName', 'LastName'], hidden: ['Notes'] },
 *     },
 *   };
 */
import type { Project } from '../../project/load.js';
import { projectModule } from '../../project/load.js';
import type { ColumnInfo, Schema, TableInfo } from '../../store/types.js';

export interface TableAdmin {
  /** shown first, in this order; the table's other columns follow in the generated order */
  columns?: string[];
  /** the column(s) that name a row, joined by a space */
  display?: string | string[];
  /** never shown in the grid (still in a row's detail) */
  hidden?: string[];
}

export interface AdminConfig {
  tables?: Record<string, TableAdmin>;
}

/** One table's resolved presentation. */
export interface TableView {
  table: string;
  /** grid column order */
  columns: string[];
  /** the columns naming a row; the primary key when nothing name-like exists */
  display: string[];
  /** the display is the key itself ("Order 10643"), so "→ display" would only repeat it */
  displayIsKey: boolean;
}

export interface AdminViews {
  views: Map<string, TableView>;
  /** what the override names that the schema lacks (the override still applies where it can) */
  warnings: string[];
}

/**
 * Name-like columns, best first, compared without case or underscores (so `customerName`,
 * `CustomerName` and `customer_name` are one name); `{T}` is the table's name, also in the
 * singular (`customers` → customerName, `categories` → category_name).
 */
const DISPLAY_CANDIDATES: string[][] = [
  ['Name'],
  ['{T}Name'],
  ['CompanyName'],
  ['FullName'],
  ['FirstName', 'LastName'],
  ['LastName'],
  ['UserName'],
  ['Title'],
  ['Label'],
  ['Description'],
];

/** Text that rarely fits a grid cell: shown after the other columns. */
const LONG_TEXT = /^(notes?|description|comments?|remarks?|memo|body|text|content|homepage|photo(path)?|picture)$/i;

/** how names are compared: `customer_name`, `customerName` and `CustomerName` are alike */
const folded = (name: string): string => name.replace(/[_\s-]/g, '').toLowerCase();

/**
 * The ways a table's rows may be called in a column name: the table's name as it is, and the
 * singulars it may be the plural of (a guess is harmless: only a column that exists is taken).
 * Of a snake_case name (`budget_categories`) the last word counts too.
 */
export function rowNouns(table: string): string[] {
  const words = [
    table,
    table
      .split(/[_\s-]+/)
      .filter(Boolean)
      .at(-1) ?? table,
  ];
  const nouns = new Set<string>();
  for (const word of words.map(folded)) {
    nouns.add(word);
    if (word.endsWith('ies')) nouns.add(`${word.slice(0, -3)}y`); // categories → category
    if (word.endsWith('es')) nouns.add(word.slice(0, -2)); // addresses → address, boxes → box
    if (word.endsWith('s') && !word.endsWith('ss')) nouns.add(word.slice(0, -1)); // customers → customer
  }
  return [...nouns];
}

export function defaultDisplay(table: TableInfo): string[] {
  const byFolded = new Map<string, ColumnInfo>();
  for (const c of table.columns) if (!byFolded.has(folded(c.name))) byFolded.set(folded(c.name), c);
  const nouns = rowNouns(table.name);
  for (const candidate of DISPLAY_CANDIDATES) {
    const spellings = candidate[0]!.includes('{T}') ? nouns.map((n) => [candidate[0]!.replace('{T}', n)]) : [candidate];
    for (const names of spellings) {
      const cols = names.map((n) => byFolded.get(folded(n)));
      if (cols.every((c) => c && isTextual(c))) return cols.map((c) => c!.name);
    }
  }
  return keyColumns(table);
}

export function defaultColumnOrder(table: TableInfo, display: string[]): string[] {
  const key = keyColumns(table);
  const first = [...key, ...display.filter((d) => !key.includes(d))];
  const rest = table.columns.filter((c) => !first.includes(c.name));
  const isLong = (c: ColumnInfo) => c.kind === 'blob' || LONG_TEXT.test(c.name);
  return [...first, ...rest.filter((c) => !isLong(c)).map((c) => c.name), ...rest.filter(isLong).map((c) => c.name)];
}

/** The generated views, with the project's override applied. */
export function resolveAdmin(schema: Schema, override: AdminConfig = {}): AdminViews {
  const warnings: string[] = [];
  const views = new Map<string, TableView>();
  for (const name of Object.keys(override.tables ?? {})) {
    if (!schema.tables.has(name)) warnings.push(`admin.ts: there is no table ${name}`);
  }
  for (const table of schema.tables.values()) {
    const o = override.tables?.[table.name] ?? {};
    const known = (cols: string[], what: string) =>
      cols.filter((c) => {
        if (table.columnsByName.has(c)) return true;
        warnings.push(`admin.ts: ${table.name}.${what} names ${c}, which is not a column of ${table.name}`);
        return false;
      });
    const wanted = o.display === undefined ? [] : known(Array.isArray(o.display) ? o.display : [o.display], 'display');
    const display = wanted.length ? wanted : defaultDisplay(table);
    const generated = defaultColumnOrder(table, display);
    const first = known(o.columns ?? [], 'columns');
    const hidden = new Set(known(o.hidden ?? [], 'hidden'));
    const columns = [...first, ...generated.filter((c) => !first.includes(c))].filter((c) => !hidden.has(c));
    const key = keyColumns(table);
    views.set(table.name, {
      table: table.name,
      columns,
      display,
      displayIsKey: display.length === key.length && display.every((d, i) => d === key[i]),
    });
  }
  return { views, warnings };
}

/** The project's admin.ts (undefined when it has none); a malformed one is a ProjectError naming the file. */
export function loadAdminConfig(project: Project, path = 'admin.ts'): Promise<AdminConfig | undefined> {
  return projectModule(project, path, isAdminConfig, '{ tables: { Order: { columns: [...], display: "ShipName" } } }');
}

export function isAdminConfig(value: unknown): value is AdminConfig {
  if (typeof value !== 'object' || value === null) return false;
  const tables = (value as AdminConfig).tables;
  if (tables === undefined) return true;
  if (typeof tables !== 'object' || tables === null) return false;
  const strings = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((s) => typeof s === 'string'));
  return Object.values(tables).every(
    (t: TableAdmin) =>
      typeof t === 'object' &&
      t !== null &&
      strings(t.columns) &&
      strings(t.hidden) &&
      (typeof t.display === 'string' || strings(t.display)),
  );
}

/** the primary key, or every column's first for a view or a keyless table (something to name a row by) */
function keyColumns(table: TableInfo): string[] {
  return table.primaryKey.length ? table.primaryKey : table.columns.slice(0, 1).map((c) => c.name);
}

function isTextual(c: ColumnInfo): boolean {
  return c.kind === 'text' || c.kind === 'numeric';
}
