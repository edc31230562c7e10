/** The Northwind seed holds the facts the scenarios rely on, and every derived column agrees with the rules. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { freshNorthwind } from '../helpers/northwind.js';
import { audit } from '../../src/rules/audit.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

let nw: Awaited<ReturnType<typeof freshNorthwind>>;
beforeAll(async () => {
  nw = await freshNorthwind();
});
afterAll(() => nw.dispose());
const get = (sql: string) => sqliteDb(nw).prepare(sql).get() as Record<string, unknown>;

describe('Northwind seed', () => {
  it('has the facts scenarios rely on', () => {
    expect(get(`SELECT CompanyName, CreditLimit, Balance FROM Customer WHERE Id = 'ALFKI'`)).toEqual({
      CompanyName: 'Alfreds Futterkiste',
      CreditLimit: 2300,
      Balance: 2102,
    });
    expect(get(`SELECT sum(AmountTotal) s FROM "Order" WHERE CustomerId = 'ALFKI' AND ShippedDate IS NULL`)).toEqual({ s: 2102 });
    expect(get(`SELECT ProductName, UnitPrice FROM Product WHERE Id = 1`)).toEqual({ ProductName: 'Chai', UnitPrice: 18 });
    expect(get(`SELECT ProductName, UnitPrice FROM Product WHERE Id = 2`)).toEqual({ ProductName: 'Chang', UnitPrice: 19 });
    expect(get(`SELECT FirstName, LastName FROM Employee WHERE Id = 5`)).toEqual({ FirstName: 'Steven', LastName: 'Buchanan' });
    expect(get(`SELECT CustomerId FROM "Order" WHERE Id = 10643`)).toEqual({ CustomerId: 'ALFKI' });
  });

  it('is of the promised size', () => {
    const n = (t: string) => (get(`SELECT count(*) n FROM "${t}"`) as { n: number }).n;
    expect(n('Product')).toBe(77);
    expect(get(`SELECT ProductName FROM Product WHERE Id = 77`)).toEqual({ ProductName: 'Original Frankfurter grüne Soße' });
    expect(n('Customer')).toBeGreaterThanOrEqual(30);
    expect(n('Employee')).toBeGreaterThanOrEqual(9);
    expect(n('Order')).toBeGreaterThanOrEqual(300);
    expect(n('Category')).toBe(8);
    expect(n('Shipper')).toBe(3);
  });

  it('has every derived column equal to what the rules compute', () => {
    const { checked, drift } = audit(nw.store, nw.rules);
    expect(drift).toEqual([]);
    expect(checked).toBeGreaterThan(5000);
  });

  it('is what its generator writes, byte for byte (edit the generator, not the SQL)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alsx-seed-'));
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/gen-northwind-seed.ts', join(dir, 'seed.sql')], {
        cwd: ROOT,
        stdio: 'pipe',
      });
      expect(readFileSync(join(dir, 'seed.sql'), 'utf8') === readFileSync(join(ROOT, 'projects/northwind/db/seed.sql'), 'utf8')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
