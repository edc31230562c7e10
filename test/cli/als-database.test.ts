/**
 * `--db`: Northwind's rules against a database shaped like API Logic Server's own nw.sqlite
 * (fixtures/als-northwind): scale-less DECIMALs, a renamed category table, a foreign key naming no
 * column, a composite foreign key, extra tables and columns.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { alfkiOrder } from '../helpers/northwind.js';
import { alsx, ROOT } from '../helpers/cli.js';

let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'alsx-als-'));
  file = join(dir, 'nw.sqlite');
  const db = new Database(file);
  db.exec(readFileSync(join(ROOT, 'fixtures/als-northwind/schema-and-rows.sql'), 'utf8'));
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const P = 'projects/northwind';
const tx = (ops: unknown[], ...flags: string[]) => alsx(['tx', P, '-', '--db', file, '--json', ...flags], { input: JSON.stringify(ops) });
const one = (sql: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).get() as Record<string, unknown>;
  } finally {
    db.close();
  }
};

describe('Northwind rules on an API Logic Server–shaped database', () => {
  it('loads, warning only about the models it lacks', () => {
    const r = alsx(['rules', P, '--db', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning: models: table Category \(export Category\) is not in the database/);
    expect(alsx(['check', P, '--db', file]).code).toBe(0);
  });

  it('refuses the 2000-Chang order for credit and commits the Chang-2 order: 2102 → 2158', () => {
    const refused = tx(alfkiOrder(2000));
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).error).toMatchObject({
      table: 'Customer',
      key: 'ALFKI',
      message: 'balance (40120.00) exceeds credit (2300.00)',
    });
    const ok = tx(alfkiOrder(2));
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).changes.find((c: any) => c.table === 'Customer').values.Balance).toEqual([2102, 2158]);
  });

  it('keeps scale-less DECIMAL money free of binary noise', () => {
    const r = tx([{ update: 'OrderDetail', key: 3, set: { Quantity: 3 } }]);
    expect(r.code).toBe(0);
    expect(one('SELECT Amount FROM OrderDetail WHERE Id = 3')).toEqual({ Amount: 60.6 }); // 3 × 20.2, not 60.599999999999994
    expect(one('SELECT AmountTotal FROM "Order" WHERE Id = 10692')).toEqual({ AmountTotal: 960.6 });
    expect(alsx(['check', P, '--db', file]).code).toBe(0);
  });

  it('ships an order through the composite-keyed Order table and its nameless foreign key', () => {
    const r = tx([{ update: 'Order', key: 10702, set: { ShippedDate: '2024-01-02', Country: 'Germany', City: 'Berlin' } }]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(one('SELECT ShippedDate FROM OrderDetail WHERE Id = 4')).toEqual({ ShippedDate: '2024-01-02' });
    expect(one('SELECT UnitsShipped, UnitsInStock FROM Product WHERE Id = 2')).toEqual({ UnitsShipped: 52, UnitsInStock: -33 });
    const bad = tx([{ update: 'Order', key: 10692, set: { Country: 'Atlantis', City: 'Nowhere' } }]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error.message).toMatch(/Order\.Country\+City = Atlantis,Nowhere: there is no Location with that key/);
  });
});
