/**
 * (h) `alsx create` on a database of some size: 10,000 customers, 200,000 orders, 1,000,000 order
 * lines (≈ 44 MB), a few lines holding text in a DECIMAL column. Timed in this process, from the
 * file to a project that opens (introspection, row counts, the scan for loose values, the copy of
 * the seed, the generated files, opening it once — which builds its working database). Baseline:
 * the two copies of the file any such tool makes (SQLite's online backup into the project, then a
 * plain copy for the working database). No target: for information.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createProject } from '../src/project/create/create.js';

export interface CreateFigures {
  rows: number;
  megabytes: number;
  createMs: number;
  copyMs: number;
}

function buildDatabase(file: string): number {
  const db = new Database(file);
  db.exec(`
    CREATE TABLE Customer (Id INTEGER PRIMARY KEY, Name TEXT, Balance DECIMAL(10,2));
    CREATE TABLE "Order" (Id INTEGER PRIMARY KEY, CustomerId INTEGER REFERENCES Customer(Id), Total DECIMAL(10,2), Note TEXT);
    CREATE TABLE "Order Line" (OrderId INTEGER REFERENCES "Order"(Id), Line INTEGER, Quantity INTEGER, Price DECIMAL(10,2), PRIMARY KEY (OrderId, Line));
  `);
  const customer = db.prepare('INSERT INTO Customer VALUES (?, ?, 0)');
  const order = db.prepare('INSERT INTO "Order" VALUES (?, ?, 0, ?)');
  const line = db.prepare('INSERT INTO "Order Line" VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (let c = 1; c <= 10_000; c++) customer.run(c, `Customer ${c}`);
    for (let o = 1; o <= 200_000; o++) {
      order.run(o, 1 + (o % 10_000), `note ${o}`);
      for (let l = 1; l <= 5; l++) line.run(o, l, l, l === 3 && o % 1000 === 0 ? 'n/a' : 9.5);
    }
  })();
  db.close();
  return 10_000 + 200_000 + 1_000_000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchCreate(rounds = 3): Promise<CreateFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'alsx-bench-create-'));
  const previousState = process.env.ALSX_STATE_DIR;
  process.env.ALSX_STATE_DIR = join(dir, 'state');
  try {
    const file = join(dir, 'big.sqlite');
    const rows = buildDatabase(file);
    const megabytes = ((new Database(file, { readonly: true }).pragma('page_count', { simple: true }) as number) * 4096) / 1e6;
    const create: number[] = [];
    const copy: number[] = [];
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      await createProject({ db: file, dir: join(dir, `project-${i}`) });
      create.push(performance.now() - t);

      t = performance.now();
      const source = new Database(file, { readonly: true });
      await source.backup(join(dir, `copy-${i}.sqlite`));
      source.close();
      copyFileSync(join(dir, `copy-${i}.sqlite`), join(dir, `copy-${i}-working.sqlite`));
      copy.push(performance.now() - t);
    }
    return { rows, megabytes, createMs: median(create), copyMs: median(copy) };
  } finally {
    if (previousState === undefined) delete process.env.ALSX_STATE_DIR;
    else process.env.ALSX_STATE_DIR = previousState;
    rmSync(dir, { recursive: true, force: true });
  }
}
