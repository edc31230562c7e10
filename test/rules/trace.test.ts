/** The trace: every firing a step, linked to its cause, rendered as an indented logic log. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshNorthwind } from '../helpers/northwind.js';
import { renderLogicLog } from '../../src/rules/trace.js';
import type { TxOp } from '../../src/rules/engine.js';

let nw: Awaited<ReturnType<typeof freshNorthwind>>;
beforeEach(async () => {
  nw = await freshNorthwind();
});
afterEach(() => nw.dispose());

describe('trace', () => {
  it('renders shipping an order as a logic log nested by cause', () => {
    const out = nw.engine.run([{ update: 'Order', key: 10692, set: { ShippedDate: '2026-11-24' } }] as TxOp[], { origin: 'test' });
    expect(out.ok).toBe(true);
    expect(
      renderLogicLog(out.trace)
        .split('\n')
        .map((l) => l.replace(/ {2,}/g, ' | ')),
    ).toEqual([
      'update Order 10692',
      ' | sum | Customer.Balance = sum(Order.AmountTotal where ShippedDate == null) | Customer ALFKI | Balance 2102 → 1224',
      ' | count | Customer.UnpaidOrderCount = count(Order where ShippedDate == null) | Customer ALFKI | UnpaidOrderCount 3 → 2',
      ' | update OrderDetail 1317 | cascade from Order 10692',
      ' | formula | OrderDetail.ShippedDate = parent(Order).ShippedDate | OrderDetail 1317 | ShippedDate null → "2026-11-24"',
      ' | sum | Product.UnitsShipped = sum(OrderDetail.Quantity where ShippedDate != null) | Product 63 | UnitsShipped 759 → 779',
      ' | formula | Product.UnitsInStock = UnitsInStock - (UnitsShipped - (old?.UnitsShipped ?? 0)) | Product 63 | UnitsInStock 24 → 4',
      ' | event | Order: event cloneItems | Order 10692',
      'constraint Customer: Balance <= CreditLimit | ok | Customer ALFKI',
      'afterFlush Order: afterFlush event orderShipped | Order 10692 | (update)',
      ' | log | order 10692 shipped on 2026-11-24 | Order 10692',
      'commit | Order: commit event congratulateSalesRep | Order 10692 | (update)',
    ]);
  });

  it('hangs each step under its cause: the Balance sum under the AmountTotal sum that caused it, not under the count fired after it', () => {
    const ops = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../fixtures/tx/alfki-2000-chang.json'), 'utf8')) as TxOp[];
    const out = nw.engine.run(ops, { origin: 'test' });
    const lines = renderLogicLog(out.trace).split('\n');
    const total = lines.findIndex((l) => /sum +Order\.AmountTotal .* 18 → 38018/.test(l));
    const indent = (l: string) => /^ */.exec(l)![0].length;
    expect(lines[total + 1]).toMatch(/sum +Customer\.Balance .* 2120 → 40120/);
    expect(indent(lines[total + 1]!)).toBe(indent(lines[total]!) + 2);
    expect(lines[total + 2]).toMatch(/event +Order: event cloneItems/);
    expect(lines[total + 3]).toMatch(/count +Order\.OrderDetailCount/);
    expect(indent(lines[total + 3]!)).toBe(indent(lines[total]!));
  });

  it('gives every step the transaction, origin and a cause that came before it, one level up', () => {
    const out = nw.engine.run(
      [
        { insert: 'Order', values: { CustomerId: 'ANATR', EmployeeId: 3 }, as: 'o' },
        { insert: 'OrderDetail', values: { OrderId: '$o.Id', ProductId: 11, Quantity: 4 } },
        { update: 'Order', key: '$o.Id', set: { ShippedDate: '2026-02-02' } },
      ] as TxOp[],
      { origin: 'test' },
    );
    expect(out.ok).toBe(true);
    const bySeq = new Map(out.trace.map((s) => [s.seq, s]));
    out.trace.forEach((step, i) => {
      expect(step).toMatchObject({ tx: out.tx, origin: 'test', seq: i + 1 });
      if (step.cause === undefined) {
        expect(step.depth).toBe(0);
        return;
      }
      const cause = bySeq.get(step.cause)!;
      expect(cause.seq).toBeLessThan(step.seq);
      expect([cause.depth, cause.depth + 1]).toContain(step.depth);
    });
    // a sum on the customer is caused by the order's change, which the item's change caused
    const balance = out.trace.find((s) => s.table === 'Customer' && s.column === 'Balance')!;
    const orderTotal = bySeq.get(balance.cause!)!;
    expect(orderTotal).toMatchObject({ kind: 'sum', table: 'Order', column: 'AmountTotal', old: 0, new: 4 * 21 });
    expect(bySeq.get(orderTotal.cause!)).toMatchObject({ kind: 'insert', table: 'OrderDetail' });
  });
});
