/**
 * Random transactions against Northwind: after each one, every derived column equals a from-scratch
 * recomputation (plain SQL aggregates, independent of the engine), and a refused transaction leaves
 * the database byte-for-byte as it was.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { freshNorthwind } from '../helpers/northwind.js';
import type { TxOp } from '../../src/rules/engine.js';
import { audit } from '../../src/rules/audit.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

type NW = Awaited<ReturnType<typeof freshNorthwind>>;
let nw: NW;

const customers = ['ALFKI', 'ANATR', 'ANTON', 'AROUT', 'BERGS', 'BLAUS'];
const orderId = fc.integer({ min: 10248, max: 11140 }); // past the seed's last id: new orders, or missing ones
const itemId = fc.integer({ min: 1, max: 2600 });
const productId = fc.integer({ min: 1, max: 78 }); // 78 does not exist
const qty = fc.integer({ min: 1, max: 60 });
const date = fc.constantFrom(null, '2026-02-01', '2026-03-15');

const op: fc.Arbitrary<readonly unknown[]> = fc.oneof(
  fc
    .record({ c: fc.constantFrom(...customers), items: fc.array(fc.tuple(productId, qty), { minLength: 0, maxLength: 3 }), shipped: date })
    .map(({ c, items, shipped }) => [
      { insert: 'Order', values: { CustomerId: c, EmployeeId: 5, ShippedDate: shipped }, as: 'o' },
      ...items.map(([p, q]) => ({ insert: 'OrderDetail', values: { OrderId: '$o.Id', ProductId: p, Quantity: q } })),
    ]),
  fc.tuple(itemId, qty).map(([id, q]) => [{ update: 'OrderDetail', key: id, set: { Quantity: q } }]),
  fc.tuple(itemId, productId).map(([id, p]) => [{ update: 'OrderDetail', key: id, set: { ProductId: p } }]),
  fc.tuple(orderId, productId, qty).map(([o, p, q]) => [{ insert: 'OrderDetail', values: { OrderId: o, ProductId: p, Quantity: q } }]),
  fc.tuple(orderId, date).map(([id, d]) => [{ update: 'Order', key: id, set: { ShippedDate: d } }]),
  fc.tuple(orderId, fc.constantFrom(...customers)).map(([id, c]) => [{ update: 'Order', key: id, set: { CustomerId: c } }]),
  orderId.map((id) => [{ delete: 'Order', key: id }]),
  itemId.map((id) => [{ delete: 'OrderDetail', key: id }]),
  fc
    .tuple(productId, fc.integer({ min: 100, max: 9999 }))
    .map(([id, cents]) => [{ update: 'Product', key: id, set: { UnitPrice: cents / 100 } }]),
  fc
    .tuple(fc.constantFrom(...customers), fc.integer({ min: 0, max: 8000 }))
    .map(([c, limit]) => [{ update: 'Customer', key: c, set: { CreditLimit: limit } }]),
  fc.constant([{ update: 'OrderDetail', key: 1, set: { Quantiy: 1 } }]),
);
// a transaction is one to three of those, committed (or refused) together
const tx = fc.array(op, { minLength: 1, maxLength: 3 }).map((parts) => parts.flat().map((o, i, all) => renameAliases(o, i, all)));

/** several orders in one transaction: give each insert its own alias */
function renameAliases(o: unknown, i: number, all: unknown[]): unknown {
  const rec = o as Record<string, any>;
  const n = all.slice(0, i + 1).filter((x) => (x as any).as === 'o').length;
  if (rec.as === 'o') return { ...rec, as: `o${n}` };
  if (rec.values?.OrderId === '$o.Id') return { ...rec, values: { ...rec.values, OrderId: `$o${n}.Id` } };
  return o;
}

const mismatches = (sql: string) => sqliteDb(nw).prepare(sql).all() as unknown[];

function checkDerived(stockBase: Map<number, number>): void {
  expect(mismatches(`SELECT Id FROM OrderDetail WHERE round(Amount * 100) != round(Quantity * UnitPrice * 100)`)).toEqual([]);
  expect(
    mismatches(`SELECT o.Id, o.AmountTotal, o.OrderDetailCount FROM "Order" o
    WHERE round(o.AmountTotal * 100) != (SELECT coalesce(round(sum(d.Amount * 100)), 0) FROM OrderDetail d WHERE d.OrderId = o.Id)
       OR o.OrderDetailCount != (SELECT count(*) FROM OrderDetail d WHERE d.OrderId = o.Id)`),
  ).toEqual([]);
  expect(mismatches(`SELECT d.Id FROM OrderDetail d JOIN "Order" o ON o.Id = d.OrderId WHERE d.ShippedDate IS NOT o.ShippedDate`)).toEqual(
    [],
  );
  expect(
    mismatches(`SELECT c.Id, c.Balance FROM Customer c
    WHERE round(c.Balance * 100) != (SELECT coalesce(round(sum(o.AmountTotal * 100)), 0) FROM "Order" o WHERE o.CustomerId = c.Id AND o.ShippedDate IS NULL)
       OR c.OrderCount != (SELECT count(*) FROM "Order" o WHERE o.CustomerId = c.Id)
       OR c.UnpaidOrderCount != (SELECT count(*) FROM "Order" o WHERE o.CustomerId = c.Id AND o.ShippedDate IS NULL)
       OR c.Balance > c.CreditLimit`),
  ).toEqual([]);
  expect(
    mismatches(`SELECT p.Id FROM Product p
    WHERE p.UnitsShipped != (SELECT coalesce(sum(d.Quantity), 0) FROM OrderDetail d WHERE d.ProductId = p.Id AND d.ShippedDate IS NOT NULL)`),
  ).toEqual([]);
  // stock moves only by what ships: UnitsInStock + UnitsShipped never changes
  for (const p of sqliteDb(nw).prepare('SELECT Id, UnitsInStock + UnitsShipped AS total FROM Product').all() as {
    Id: number;
    total: number;
  }[]) {
    expect(p.total, `product ${p.Id}`).toBe(stockBase.get(p.Id));
  }
  // the engine's own from-scratch audit agrees
  expect(audit(nw.store, nw.rules).drift).toEqual([]);
}

describe('random transactions', () => {
  it('keep every derived column equal to a recomputation, and refused ones change no byte', async () => {
    const outcomes = { ok: 0, rejected: 0, badInput: 0 };
    let stockBase = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(tx, { minLength: 1, maxLength: 10 }), async (txs) => {
        nw = await freshNorthwind(); // every run starts from the seed, so a counterexample replays exactly
        try {
          stockBase = new Map(
            (
              sqliteDb(nw).prepare('SELECT Id, UnitsInStock + UnitsShipped AS total FROM Product').all() as { Id: number; total: number }[]
            ).map((p) => [p.Id, p.total]),
          );
          for (const ops of txs) {
            const before = sqliteDb(nw).serialize();
            const out = nw.engine.run(ops as TxOp[], { origin: 'test' });
            if (out.ok) {
              outcomes.ok++;
              checkDerived(stockBase);
            } else {
              outcomes[out.error!.kind === 'bad-input' ? 'badInput' : 'rejected']++;
              expect(Buffer.compare(sqliteDb(nw).serialize(), before), `refused ${JSON.stringify(ops)} changed the database`).toBe(0);
            }
          }
        } finally {
          nw.dispose();
        }
      }),
      { numRuns: 30, seed: Number(process.env.FC_SEED ?? 20261124) },
    );
    // the generator reached all three outcomes, so each branch above was exercised
    expect(outcomes.ok).toBeGreaterThan(20);
    expect(outcomes.rejected).toBeGreaterThan(5);
    expect(outcomes.badInput).toBeGreaterThan(5);
  }, 300_000); // computing only: on a machine busy with other work it gets what CPU is left
});
