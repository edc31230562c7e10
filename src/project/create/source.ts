/**
 * The database `alsx create` starts from: an existing SQLite file (opened read-only, never
 * changed) or a SQL schema built into a scratch file. Read into a Schema, plus what the generated
 * files say about it: row counts, AUTOINCREMENT keys, and values that do not match their column's
 * declared type (SQLite keeps whatever it is given).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { buildFromSql, ProjectError } from '../load.js';
import { introspect } from '../../store/introspect.js';
import { q } from '../../store/sqlite.js';
import type { ColumnInfo, ColumnKind, Schema, TableInfo } from '../../store/types.js';
import type { PgFacts } from './pg-source.js';

/** values of one column whose storage class is not what its declared type suggests */
export interface LooseColumn {
  table: string;
  column: string;
  declaredType: string;
  /** rows holding such a value, of `rows` */
  count: number;
  rows: number;
  /** one of them, as SQLite holds it */
  example: string | number;
  storedAs: string;
}

export interface SourceDatabase {
  /** the SQLite file read (the scratch build for --sql); a PostgreSQL database's URL, without password */
  file: string;
  schema: Schema;
  rowCounts: Map<string, number>;
  /** tables whose row count is an estimate (too large to count), and views not counted (too slow) */
  approximate: Set<string>;
  /** tables whose INTEGER PRIMARY KEY is declared AUTOINCREMENT (ids never reused) */
  autoIncrement: Set<string>;
  loose: LooseColumn[];
  /** a PostgreSQL database: where it is, and how its keys are generated */
  pg?: PgFacts;
}

const SQLITE_HEADER = 'SQLite format 3\u0000';

/** Checks that `file` can be read and is a SQLite database, with the reason in the user's terms when not. */
export function checkSqliteFile(file: string, flag = '--db'): void {
  if (!existsSync(file)) throw new ProjectError(`${flag} ${file}: no such file`);
  const stat = statSync(file);
  if (stat.isDirectory()) throw new ProjectError(`${flag} ${file} is a folder; give a SQLite database file`);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ProjectError(
      `${flag} ${file} cannot be read${code === 'EACCES' || code === 'EPERM' ? ' (permission denied): check its permissions' : `: ${(e as Error).message}`}`,
    );
  }
  const head = Buffer.alloc(16);
  const n = readSync(fd, head, 0, 16, 0);
  closeSync(fd);
  if (stat.size === 0)
    throw new ProjectError(`${flag} ${file} is empty: a SQLite database with no tables (create tables first, or use --sql schema.sql)`);
  if (n < 16 || head.toString('latin1') !== SQLITE_HEADER) {
    const hint = /\.sql$/i.test(file) ? ` — it looks like SQL: use --sql ${file}` : '';
    throw new ProjectError(`${flag} ${file} is not a SQLite database (it does not start with SQLite's header)${hint}`);
  }
}

/** Reads an existing SQLite file (read-only). */
export function readSqliteFile(file: string, progress: (message: string) => void = () => {}): SourceDatabase {
  checkSqliteFile(file);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new ProjectError(`--db ${file} could not be opened: ${(e as Error).message}`);
  }
  try {
    return describe(db, file, `--db ${file}`, progress);
  } catch (e) {
    if (e instanceof ProjectError) throw e;
    throw new ProjectError(`--db ${file} could not be read as a SQLite database: ${(e as Error).message}`);
  } finally {
    db.close();
  }
}

/** Builds `schema` (and `seed`) into `scratch` and reads it. */
export function buildFromSchemaSql(
  schemaFile: string,
  seedFile: string | undefined,
  scratch: string,
  progress: (message: string) => void = () => {},
): SourceDatabase {
  for (const [flag, f] of [
    ['--sql', schemaFile],
    ['--seed', seedFile],
  ] as const) {
    if (f === undefined) continue;
    if (!existsSync(f)) throw new ProjectError(`${flag} ${f}: no such file`);
    if (statSync(f).isDirectory()) throw new ProjectError(`${flag} ${f} is a folder; give a .sql file`);
  }
  buildFromSql(scratch, schemaFile, seedFile);
  const db = new Database(scratch, { readonly: true });
  try {
    return describe(db, scratch, `--sql ${schemaFile}`, progress);
  } finally {
    db.close();
  }
}

function describe(db: Database.Database, file: string, what: string, progress: (message: string) => void): SourceDatabase {
  const schema = introspect(db);
  if (schema.tables.size === 0) {
    throw new ProjectError(`${what} has no tables or views (only SQLite's own); alsx create needs at least one table`);
  }
  const rowCounts = new Map<string, number>();
  const autoIncrement = new Set<string>();
  const loose: LooseColumn[] = [];
  const sqlOf = db.prepare(`SELECT sql FROM sqlite_schema WHERE name = ?`).pluck();
  // each table is read once; on a big file, say which
  const big = statSync(file).size > 20e6;
  for (const table of schema.tables.values()) {
    if (/\bAUTOINCREMENT\b/i.test(String(sqlOf.get(table.name) ?? ''))) autoIncrement.add(table.name);
    if (big && !table.isView) progress(`reading ${table.name}`);
    try {
      const scan = scanTable(db, table);
      rowCounts.set(table.name, scan.rows);
      loose.push(...scan.loose);
    } catch (e) {
      // a view over a table that no longer exists: the user should know
      throw new ProjectError(`${what}: ${table.isView ? 'view' : 'table'} ${table.name} cannot be read: ${(e as Error).message}`);
    }
  }
  return { file, schema, rowCounts, approximate: new Set(), autoIncrement, loose };
}

/** the storage classes a column's values are expected to have (NULL always allowed) */
function expectedClasses(kind: ColumnKind, declaredType: string): string[] | undefined {
  switch (kind) {
    case 'integer':
    case 'boolean':
      return ['integer'];
    case 'decimal':
    case 'real':
      return ['integer', 'real'];
    case 'numeric':
      return declaredType.trim() === '' ? undefined : ['integer', 'real'];
    case 'text':
    case 'date':
    case 'datetime':
      return ['text'];
    default:
      return undefined;
  }
}

/**
 * One scan per table: its rows, and for every typed column of a table the values SQLite stored as
 * another class (a view is only counted).
 */
function scanTable(db: Database.Database, table: TableInfo): { rows: number; loose: LooseColumn[] } {
  const checked = table.isView
    ? []
    : table.columns
        .map((c) => ({ c, classes: expectedClasses(c.kind, c.declaredType) }))
        .filter((x): x is { c: ColumnInfo; classes: string[] } => x.classes !== undefined);
  const test = ({ c, classes }: { c: ColumnInfo; classes: string[] }) =>
    `typeof(${q(c.name)}) NOT IN ('null', ${classes.map((k) => `'${k}'`).join(', ')})`;
  const counts = db
    .prepare(
      `SELECT ${['count(*) AS n', ...checked.map((x, i) => `coalesce(sum(${test(x)}), 0) AS c${i}`)].join(', ')} FROM ${q(table.name)}`,
    )
    .get() as Record<string, number>;
  const rows = counts.n!;
  const loose: LooseColumn[] = [];
  checked.forEach((x, i) => {
    const count = counts[`c${i}`]!;
    if (!count) return;
    const ex = db
      .prepare(`SELECT ${q(x.c.name)} AS v, typeof(${q(x.c.name)}) AS t FROM ${q(table.name)} WHERE ${test(x)} LIMIT 1`)
      .get() as { v: unknown; t: string };
    const example =
      ex.v instanceof Uint8Array ? `<${ex.v.length} bytes>` : typeof ex.v === 'bigint' ? Number(ex.v) : (ex.v as string | number);
    loose.push({ table: table.name, column: x.c.name, declaredType: x.c.declaredType, count, rows, example, storedAs: ex.t });
  });
  return { rows, loose };
}
