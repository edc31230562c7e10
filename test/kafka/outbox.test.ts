/** The transactional outbox: publish() in a rule event is a row written in the same transaction. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshNorthwind } from '../helpers/northwind.js';
import type { TxOp } from '../../src/rules/engine.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

let nw: Awaited<ReturnType<typeof freshNorthwind>>;
beforeEach(async () => {
  nw = await freshNorthwind();
});
afterEach(() => nw.dispose());

const run = (ops: unknown[]) => nw.engine.run(ops as TxOp[], { origin: 'test' });
const outbox = () => {
  const exists = sqliteDb(nw).prepare(`SELECT 1 FROM sqlite_schema WHERE name = '_alsx_outbox'`).get();
  return exists ? (sqliteDb(nw).prepare('SELECT * FROM "_alsx_outbox" ORDER BY "Id"').all() as Record<string, any>[]) : [];
};

describe('publishing order_shipping', () => {
  it('shipping an order writes one message in the OrderShipping format, keyed by the order id', () => {
    const out = run([{ update: 'Order', key: 10692, set: { ShippedDate: '2026-02-01' } }]);
    expect(out.ok).toBe(true);
    const rows = outbox();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ Topic: 'order_shipping', Key: '10692', Tx: out.tx, SentAt: null });
    expect(rows[0]!.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    const value = JSON.parse(Buffer.from(rows[0]!.Value).toString());
    const order = nw.row('Order', 10692)!;
    const items = sqliteDb(nw)
      .prepare(
        'SELECT d.Quantity, d.UnitPrice, p.ProductName FROM OrderDetail d JOIN Product p ON p.Id = d.ProductId WHERE d.OrderId = 10692 ORDER BY d.Id',
      )
      .all() as any[];
    expect(value).toEqual({
      order_id: 10692,
      order_date: order.OrderDate,
      total: order.AmountTotal,
      customer_name: 'Alfreds Futterkiste',
      items: items.map((i) => ({ quantity: i.Quantity, unit_price: i.UnitPrice, product_name: i.ProductName })),
    });
  });

  it('a rolled-back transaction publishes nothing', () => {
    const out = run([
      { update: 'Order', key: 10692, set: { ShippedDate: '2026-02-01' } },
      { update: 'Customer', key: 'ALFKI', set: { CreditLimit: 0 } },
    ]);
    expect(out.ok).toBe(false);
    expect(outbox()).toEqual([]);
  });

  it('publishes on insert with a ShippedDate, not on un-shipping, and again on re-shipping', () => {
    const inserted = run([{ insert: 'Order', values: { CustomerId: 'ANATR', EmployeeId: 3, ShippedDate: '2026-02-02' }, as: 'o' }]);
    const id = inserted.aliases.o!.Id;
    run([{ update: 'Order', key: id, set: { ShippedDate: null } }]);
    run([{ update: 'Order', key: id, set: { ShippedDate: '2026-02-03' } }]);
    run([{ update: 'Order', key: id, set: { Freight: 12 } }]); // still shipped: nothing new
    expect(outbox().map((r) => [r.Topic, Number(r.Key)])).toEqual([
      ['order_shipping', id],
      ['order_shipping', id],
    ]);
  });

  it('keeps its table out of the application: no resource, no rules, no check', () => {
    run([{ update: 'Order', key: 10692, set: { ShippedDate: '2026-02-01' } }]);
    expect(outbox()).toHaveLength(1);
    const reopened = new SqliteStore(nw.file);
    try {
      expect(reopened.schema.tables.has('_alsx_outbox')).toBe(false);
    } finally {
      reopened.close();
    }
  });
});
