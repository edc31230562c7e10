/** A fresh, private copy of the Northwind database per test, with the project's real rules. */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureDatabase, openProject, readProject, type OpenProject, type OpenOptions } from '../../src/project/load.js';
import type { Row } from '../../src/store/types.js';
import { sqliteDb } from './sqlite-db.js';

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

export async function freshNorthwind(
  options: OpenOptions = {},
): Promise<OpenProject & { file: string; row(table: string, key: unknown): Row | undefined; dispose(): void }> {
  const src = await templateDb();
  const dir = mkdtempSync(join(tmpdir(), 'alsx-nw-test-'));
  const file = join(dir, 'db.sqlite');
  copyFileSync(src, file);
  const project = await openProject(NORTHWIND, { clock: () => new Date('2026-01-15T10:00:00Z'), ...options, db: file });
  return {
    ...project,
    stateDir: dir, // runtime state (the JWT secret …) stays in the test's folder, not the project's .alsx
    file,
    row(table, key) {
      const t = project.store.schema.tables.get(table)!;
      return project.store.get(t, { [t.primaryKey[0]!]: key as never });
    },
    dispose() {
      project.close();
      rmSync(dir, { recursive: true, force: true });
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
