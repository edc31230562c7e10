/**
 * A fresh, private copy of the Northwind database per test, with the project's real rules — on SQLite
 * (a copy of the seed file) or on PostgreSQL (a database of its own on the test server, copied from a
 * template of db/postgres/*.sql). `forEachDatabase` runs a suite on both.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureDatabase, openProject, readProject, type OpenProject, type OpenOptions } from '../../src/project/load.js';
import type { Row, Value } from '../../src/store/types.js';
import { describe } from 'vitest';
import { createPgDatabase } from './postgres.js';
import { sqliteDb } from './sqlite-db.js';

export type DatabaseKind = 'sqlite' | 'postgres';
export const DATABASES: DatabaseKind[] = ['sqlite', 'postgres'];

/** runs the suite once per database: `describe('on sqlite' | 'on postgres', …)` */
export function forEachDatabase(suite: (database: DatabaseKind) => void): void {
  for (const database of DATABASES) describe(`on ${database}`, () => suite(database));
}

const PG_FILES = ['db/postgres/schema.sql', 'db/postgres/seed.sql'].map((f) => join(NORTHWIND_DIR(), f));
function NORTHWIND_DIR(): string {
  return resolve(import.meta.dirname, '../../projects/northwind');
}

export const NORTHWIND = resolve(import.meta.dirname, '../../projects/northwind');
let template: string | undefined;

/**
 * The seed database, built once per version of schema + seed and shared by every test file (never
 * the project's own .alsx): named by a hash of the SQL, built under a temporary name, renamed last.
 */
async function templateDb(): Promise<string> {
  if (template) return template;
  const hash = createHash('sha256');
  for (const f of ['db/schema.sql', 'db/seed.sql']) hash.update(readFileSync(join(NORTHWIND, f)));
  const file = join(tmpdir(), `alsx-northwind-seed-${hash.digest('hex').slice(0, 16)}.sqlite`);
  if (!existsSync(file)) {
    const dir = mkdtempSync(join(tmpdir(), 'alsx-nw-build-'));
    try {
      const project = await readProject(NORTHWIND);
      ensureDatabase({ ...project, stateDir: dir, dbFile: join(dir, 'seed.sqlite') });
      renameSync(join(dir, 'seed.sqlite'), file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  template = file;
  return template;
}

export type FreshNorthwind = OpenProject & {
  database: DatabaseKind;
  /** the SQLite file ('' on PostgreSQL) */
  file: string;
  row(table: string, key: unknown): Row | undefined;
  /** rows of a query written with `?` placeholders and quoted names, on either database */
  query(sql: string, ...params: unknown[]): Row[];
  dispose(): void;
};

export async function freshNorthwind(options: OpenOptions & { database?: DatabaseKind } = {}): Promise<FreshNorthwind> {
  const { database = 'sqlite', ...open } = options;
  const dir = mkdtempSync(join(tmpdir(), 'alsx-nw-test-'));
  let file = '';
  let drop = async () => {};
  let db: string;
  if (database === 'postgres') {
    const pg = await createPgDatabase({ files: PG_FILES });
    db = pg.url;
    drop = () => pg.drop();
  } else {
    file = db = join(dir, 'db.sqlite');
    copyFileSync(await templateDb(), file);
  }
  const project = await openProject(NORTHWIND, { clock: () => new Date('2026-01-15T10:00:00Z'), ...open, db });
  let n = 0;
  const placeholders = (sql: string) => (database === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql);
  return {
    ...project,
    database,
    stateDir: dir, // runtime state (the JWT secret …) stays in the test's folder, not the project's .alsx
    file,
    row(table, key) {
      const t = project.store.schema.tables.get(table)!;
      return project.store.get(t, { [t.primaryKey[0]!]: key as never });
    },
    query(sql, ...params) {
      n = 0;
      return project.store.all(placeholders(sql), params as Value[]);
    },
    dispose() {
      project.close();
      rmSync(dir, { recursive: true, force: true });
      void drop().catch(() => {});
    },
  };
}

/** the order of the scenarios: ALFKI buys 1 Chai and `chang` Chang */
export const alfkiOrder = (chang: number) => [
  { insert: 'Order', values: { CustomerId: 'ALFKI', EmployeeId: 5, Freight: 10 }, as: 'o' },
  { insert: 'OrderDetail', values: { OrderId: '$o.Id', ProductId: 1, Quantity: 1 } },
  { insert: 'OrderDetail', values: { OrderId: '$o.Id', ProductId: 2, Quantity: chang } },
];

/** a digest of every row of every table (alsx's own _alsx_* bookkeeping aside): equal digests, equal data */
export function databaseDigest(project: OpenProject): string {
  const hash = createHash('sha256');
  for (const table of [...project.store.schema.tables.values()].filter((t) => !t.isView).sort((a, b) => a.name.localeCompare(b.name))) {
    const rows = sqliteDb(project)
      .prepare(`SELECT * FROM "${table.name.replace(/"/g, '""')}"`)
      .raw()
      .all();
    hash.update(`\0${table.name}\0${JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  }
  return hash.digest('hex');
}
