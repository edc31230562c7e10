/** A recording's start: the SQL that brings the seed to the rows as they were when recording began. */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { snapshotDatabase, startFixture } from '../../src/scenarios/start-fixture.js';
import { freshNorthwind } from '../helpers/northwind.js';

let nw: Awaited<ReturnType<typeof freshNorthwind>>;
const dir = mkdtempSync(join(tmpdir(), 'alsx-start-'));
beforeAll(async () => {
  nw = await freshNorthwind();
  copyFileSync(nw.file, join(dir, 'seed.sqlite')); // before anything changes
});
afterAll(() => {
  nw?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const TABLES = ['Customer', 'Order', 'OrderDetail', 'Product', 'sqlite_sequence'];
/** every row of the tables, in one comparable text */
const contents = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY 1, 2`).all()]));
  } finally {
    db.close();
  }
};

it('is nothing when the rows are the seed’s', () => {
  snapshotDatabase(new Database(nw.file, { readonly: true }), join(dir, 'same.sqlite'));
  expect(startFixture(join(dir, 'seed.sqlite'), join(dir, 'same.sqlite'))).toBeUndefined();
});

it('brings a fresh seed to the snapshot: rows added, changed and deleted, and the key counters', () => {
  const order = nw.engine.run([
    { insert: 'Order', values: { CustomerId: 'ALFKI', EmployeeId: 5 }, as: 'o' },
    { insert: 'OrderDetail', values: { OrderId: '$o.Id', ProductId: 2, Quantity: 2 } },
  ] as never);
  expect(order.ok).toBe(true);
  expect(nw.engine.run([{ update: 'Customer', key: 'ANATR', set: { Phone: "(5) 555-4729 'main'" } }] as never).ok).toBe(true);
  expect(nw.engine.run([{ delete: 'OrderDetail', key: 2480 }] as never).ok).toBe(true);
  const db = new Database(nw.file, { readonly: true });
  snapshotDatabase(db, join(dir, 'snapshot.sqlite'));
  db.close();

  const fixture = startFixture(join(dir, 'seed.sqlite'), join(dir, 'snapshot.sqlite'))!;
  expect(fixture).toMatch(/^INSERT INTO "Order" /m);
  expect(fixture).toMatch(/^UPDATE "Customer" SET .*"Phone" = '\(5\) 555-4729 ''main''',.*WHERE "Id" = 'ANATR';$/m);
  expect(fixture).toContain('DELETE FROM "OrderDetail" WHERE "Id" = 2480;');
  expect(fixture).not.toContain('_alsx_'); // alsx's own tables (the outbox) are not the application's

  const replay = join(dir, 'replay.sqlite');
  copyFileSync(join(dir, 'seed.sqlite'), replay);
  const conn = new Database(replay);
  conn.exec(fixture);
  expect(conn.pragma('foreign_key_check')).toEqual([]);
  conn.close();
  expect(contents(replay)).toEqual(contents(join(dir, 'snapshot.sqlite')));
});
