/** Northwind's use cases through the engine, each on a private copy of the seed database. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alfkiOrder, forEachDatabase, freshNorthwind } from '../helpers/northwind.js';
import type { TxOp } from '../../src/rules/engine.js';

type NW = Awaited<ReturnType<typeof freshNorthwind>>;
forEachDatabase((database) => {
  let nw: NW;
  beforeEach(async () => {
    nw = await freshNorthwind({ database });
  });
  afterEach(() => nw.dispose());

  const run = (ops: unknown[], dryRun = false) => nw.engine.run(ops as TxOp[], { origin: 'test', dryRun });
  const sql = <T = Record<string, number>>(query: string, ...params: unknown[]) => nw.query(query, ...params)[0] as T;
  const balance = (id = 'ALFKI') => nw.row('Customer', id)!.Balance;

  /** an unshipped ALFKI order with two items, returning its id and the items' ids */
  function newOrder(chaiQty = 1, changQty = 2) {
    const out = run(
      alfkiOrder(changQty).map((op, i) =>
        i === 1 ? { ...op, values: { ...op.values, Quantity: chaiQty } } : i === 2 ? { ...op, as: 'chang' } : op,
      ),
    );
    expect(out.ok, JSON.stringify(out.error)).toBe(true);
    const orderId = out.aliases.o!.Id as number;
    const changId = out.aliases.chang!.Id as number;
    return { orderId, changId };
  }

  describe('placing orders', () => {
    it('refuses ALFKI ordering 2000 Chang for credit, naming the rule, and writes nothing', () => {
      const before = sql('SELECT count(*) n FROM "Order"').n;
      const out = run(alfkiOrder(2000));
      expect(out.ok).toBe(false);
      expect(out.error).toMatchObject({ kind: 'constraint', rule: 'Customer: Balance <= CreditLimit', table: 'Customer', key: 'ALFKI' });
      expect(out.error!.message).toBe('balance (40120.00) exceeds credit (2300.00)');
      expect(balance()).toBe(2102);
      expect(sql('SELECT count(*) n FROM "Order"').n).toBe(before);
      expect(sql('SELECT count(*) n FROM "OrderDetail" WHERE "OrderId" > 11077').n).toBe(0);
      // the trace shows the chain that led there, ending in the failed constraint
      const kinds = out.trace.map((s) => s.kind);
      expect(kinds).toEqual(expect.arrayContaining(['copy', 'formula', 'sum', 'count']));
      expect(out.trace.at(-1)).toMatchObject({ kind: 'constraint', passed: false, note: 'balance (40120.00) exceeds credit (2300.00)' });
    });

    it('commits the same order with 2 Chang: Balance 2102 → 2158, items priced from products, counts up', () => {
      const out = run(alfkiOrder(2));
      expect(out.ok).toBe(true);
      const customer = out.changes.find((c) => c.table === 'Customer')!;
      expect(customer.values).toEqual({ Balance: [2102, 2158], OrderCount: [6, 7], UnpaidOrderCount: [3, 4] });
      const order = nw.row('Order', out.aliases.o!.Id)!;
      expect(order).toMatchObject({ AmountTotal: 56, OrderDetailCount: 2, Freight: 10, OrderDate: '2026-01-15', CustomerId: 'ALFKI' });
      const items = nw.query(
        'SELECT "ProductId", "UnitPrice", "Quantity", "Amount" FROM "OrderDetail" WHERE "OrderId" = ? ORDER BY "ProductId"',
        order.Id,
      );
      expect(items).toEqual([
        { ProductId: 1, UnitPrice: 18, Quantity: 1, Amount: 18 },
        { ProductId: 2, UnitPrice: 19, Quantity: 2, Amount: 38 },
      ]);
      expect(balance()).toBe(2158);
      // the sum chain is in the trace, caused by the item insert
      const sumStep = out.trace.find((s) => s.kind === 'sum' && s.table === 'Customer' && s.new === 2158)!;
      const cause = out.trace[sumStep.cause! - 1]!;
      expect(cause).toMatchObject({ kind: 'sum', table: 'Order', column: 'AmountTotal', old: 18, new: 56 });
      expect(out.trace.find((s) => s.kind === 'log')?.note).toMatch(/congratulate sales rep 5/);
    });

    it('a dry run reports the outcome but leaves the database as it was', () => {
      const out = run(alfkiOrder(2), true);
      expect(out.ok).toBe(true);
      expect(out.changes.find((c) => c.table === 'Customer')!.values.Balance).toEqual([2102, 2158]);
      expect(balance()).toBe(2102);
    });
  });

  describe('changing orders', () => {
    it('raising an item quantity adjusts order and customer; past the credit limit it is refused', () => {
      const { orderId, changId } = newOrder();
      const ok = run([{ update: 'OrderDetail', key: changId, set: { Quantity: 5 } }]);
      expect(ok.ok).toBe(true);
      expect(nw.row('OrderDetail', changId)).toMatchObject({ Quantity: 5, Amount: 95 });
      expect(nw.row('Order', orderId)!.AmountTotal).toBe(113);
      expect(balance()).toBe(2215);
      const refused = run([{ update: 'OrderDetail', key: changId, set: { Quantity: 20 } }]);
      expect(refused.error).toMatchObject({
        rule: 'Customer: Balance <= CreditLimit',
        message: 'balance (2500.00) exceeds credit (2300.00)',
      });
      expect(nw.row('OrderDetail', changId)).toMatchObject({ Quantity: 5, Amount: 95 });
      expect(balance()).toBe(2215);
    });

    it('changing an item’s product re-copies the price', () => {
      const { orderId, changId } = newOrder();
      const out = run([{ update: 'OrderDetail', key: changId, set: { ProductId: 1 } }]);
      expect(out.ok).toBe(true);
      expect(nw.row('OrderDetail', changId)).toMatchObject({ ProductId: 1, UnitPrice: 18, Amount: 36 });
      expect(nw.row('Order', orderId)!.AmountTotal).toBe(54);
      expect(balance()).toBe(2156);
    });

    it('a product price change does not touch existing items (copy, not formula)', () => {
      const { orderId, changId } = newOrder();
      const out = run([{ update: 'Product', key: 2, set: { UnitPrice: 25 } }]);
      expect(out.ok).toBe(true);
      expect(out.changes.map((c) => c.table)).toEqual(['Product']);
      expect(nw.row('OrderDetail', changId)).toMatchObject({ UnitPrice: 19, Amount: 38 });
      expect(nw.row('Order', orderId)!.AmountTotal).toBe(56);
      // a new item does take the new price
      run([{ insert: 'OrderDetail', values: { OrderId: orderId, ProductId: 2, Quantity: 1 } }]);
      expect(nw.row('Order', orderId)!.AmountTotal).toBe(81);
    });

    it('moving an order to another customer adjusts both customers', () => {
      const { orderId } = newOrder();
      const anatr = nw.row('Customer', 'ANATR')!;
      const out = run([{ update: 'Order', key: orderId, set: { CustomerId: 'ANATR' } }]);
      expect(out.ok).toBe(true);
      expect(nw.row('Customer', 'ALFKI')).toMatchObject({ Balance: 2102, OrderCount: 6, UnpaidOrderCount: 3 });
      expect(nw.row('Customer', 'ANATR')).toMatchObject({
        Balance: (anatr.Balance as number) + 56,
        OrderCount: (anatr.OrderCount as number) + 1,
        UnpaidOrderCount: (anatr.UnpaidOrderCount as number) + 1,
      });
    });

    it('shipping an order drops the balance and cascades ShippedDate to its items, moving stock; un-shipping reverses it', () => {
      const { orderId } = newOrder(3, 2);
      const chai = nw.row('Product', 1)!;
      const chang = nw.row('Product', 2)!;
      const shipped = run([{ update: 'Order', key: orderId, set: { ShippedDate: '2026-01-20' } }]);
      expect(shipped.ok).toBe(true);
      expect(nw.row('Customer', 'ALFKI')).toMatchObject({ Balance: 2102, UnpaidOrderCount: 3, OrderCount: 7 });
      const items = nw.query('SELECT "ShippedDate" FROM "OrderDetail" WHERE "OrderId" = ?', orderId);
      expect(items).toEqual([{ ShippedDate: '2026-01-20' }, { ShippedDate: '2026-01-20' }]);
      expect(nw.row('Product', 1)).toMatchObject({
        UnitsShipped: (chai.UnitsShipped as number) + 3,
        UnitsInStock: (chai.UnitsInStock as number) - 3,
      });
      expect(nw.row('Product', 2)).toMatchObject({
        UnitsShipped: (chang.UnitsShipped as number) + 2,
        UnitsInStock: (chang.UnitsInStock as number) - 2,
      });
      expect(shipped.trace.filter((s) => s.kind === 'afterFlush')).toHaveLength(1);
      expect(shipped.trace.some((s) => s.kind === 'log' && /shipped on 2026-01-20/.test(s.note!))).toBe(true);

      const unshipped = run([{ update: 'Order', key: orderId, set: { ShippedDate: null } }]);
      expect(unshipped.ok).toBe(true);
      expect(nw.row('Customer', 'ALFKI')).toMatchObject({ Balance: 2102 + 3 * 18 + 2 * 19, UnpaidOrderCount: 4 });
      expect(nw.row('Product', 1)).toMatchObject({ UnitsShipped: chai.UnitsShipped, UnitsInStock: chai.UnitsInStock });
      expect(nw.query('SELECT count(*) n FROM "OrderDetail" WHERE "OrderId" = ? AND "ShippedDate" IS NULL', orderId)[0]).toEqual({
        n: 2,
      });
    });

    it('deleting an order deletes its items through the engine and adjusts the customer', () => {
      const { orderId } = newOrder();
      const out = run([{ delete: 'Order', key: orderId }]);
      expect(out.ok).toBe(true);
      expect(nw.row('Customer', 'ALFKI')).toMatchObject({ Balance: 2102, OrderCount: 6, UnpaidOrderCount: 3 });
      expect(
        out.changes
          .filter((c) => c.op === 'delete')
          .map((c) => c.table)
          .sort(),
      ).toEqual(['Order', 'OrderDetail', 'OrderDetail']);
      expect(nw.query('SELECT count(*) n FROM "OrderDetail" WHERE "OrderId" = ?', orderId)[0]).toEqual({ n: 0 });
    });

    it('deleting a shipped seed order (10643) keeps the balance and lowers the count and units shipped', () => {
      const chai = nw.row('Product', 28)!;
      const items = nw.query('SELECT "ProductId", "Quantity" FROM "OrderDetail" WHERE "OrderId" = 10643') as {
        ProductId: number;
        Quantity: number;
      }[];
      const out = run([{ delete: 'Order', key: 10643 }]);
      expect(out.ok).toBe(true);
      expect(nw.row('Customer', 'ALFKI')).toMatchObject({ Balance: 2102, OrderCount: 5, UnpaidOrderCount: 3 });
      for (const item of items.filter((i) => i.ProductId === 28))
        expect(nw.row('Product', 28)!.UnitsShipped).toBe((chai.UnitsShipped as number) - item.Quantity);
    });

    it('a customer with orders cannot be deleted: the foreign key is named', () => {
      const out = run([{ delete: 'Customer', key: 'ALFKI' }]);
      expect(out.error).toMatchObject({ kind: 'integrity', table: 'Customer', key: 'ALFKI' });
      expect(out.error!.message).toMatch(/still referenced by 6 Order rows \(Order\.CustomerId\)/);
    });
  });

  describe('events', () => {
    it('cloning a big order (10643, 1086.00) for ALFKI is refused as a whole by the credit rule', () => {
      const out = run([{ insert: 'Order', values: { CustomerId: 'ALFKI', EmployeeId: 1, CloneFromOrder: 10643 }, as: 'c' }]);
      expect(out.error).toMatchObject({ rule: 'Customer: Balance <= CreditLimit', message: 'balance (3188.00) exceeds credit (2300.00)' });
      // the items were cloned (and then rolled back) through the engine: their inserts are in the trace
      const source = nw.query('SELECT count(*) n FROM "OrderDetail" WHERE "OrderId" = 10643')[0] as { n: number };
      expect(out.trace.filter((s) => s.kind === 'insert' && s.table === 'OrderDetail')).toHaveLength(source.n);
      expect(nw.query('SELECT max("Id") m FROM "Order"')[0]).toEqual({ m: 11077 });
    });

    it('cloning an order within credit inserts the items and totals the new order', () => {
      const { orderId } = newOrder(1, 2);
      const out = run([{ insert: 'Order', values: { CustomerId: 'ALFKI', EmployeeId: 1, CloneFromOrder: orderId }, as: 'c' }]);
      expect(out.ok, JSON.stringify(out.error)).toBe(true);
      expect(nw.row('Order', out.aliases.c!.Id)).toMatchObject({ AmountTotal: 56, OrderDetailCount: 2, CloneFromOrder: orderId });
      expect(balance()).toBe(2214);
    });

    it('a salary or title change writes an audit row; other changes do not', () => {
      run([{ update: 'Employee', key: 5, set: { Salary: 200000 } }]);
      run([{ update: 'Employee', key: 5, set: { Title: 'Head of Sales' } }]);
      run([{ update: 'Employee', key: 5, set: { Notes: 'no audit for this' } }]);
      const audits = nw.query('SELECT "EmployeeId", "Title", "Salary", "LastName" FROM "EmployeeAudit" ORDER BY "Id"');
      expect(audits).toEqual([
        { EmployeeId: 5, Title: 'Sales Manager', Salary: 200000, LastName: 'Buchanan' },
        { EmployeeId: 5, Title: 'Head of Sales', Salary: 200000, LastName: 'Buchanan' },
      ]);
    });

    it('a raise under 20% is refused with old and new salary; 20% or more, or a cut, passes', () => {
      const salary = nw.row('Employee', 5)!.Salary as number;
      const small = run([{ update: 'Employee', key: 5, set: { Salary: salary * 1.1 } }]);
      expect(small.error).toMatchObject({ rule: 'Employee: raise >= 20%', table: 'Employee', key: 5 });
      expect(small.error!.message).toMatch(/^Buchanan needs a more meaningful raise: 20% or more \(\d+\.\d\d → \d+\.\d\d\)$/);
      expect(nw.query('SELECT count(*) n FROM "EmployeeAudit"')[0]).toEqual({ n: 0 });
      expect(run([{ update: 'Employee', key: 5, set: { Salary: salary * 1.2 } }]).ok).toBe(true);
      expect(run([{ update: 'Employee', key: 5, set: { Salary: 1000 } }]).ok).toBe(true);
    });

    it('names cannot be x', () => {
      expect(run([{ update: 'Customer', key: 'ALFKI', set: { CompanyName: 'x' } }]).error!.message).toBe("CustomerName cannot be 'x'");
      expect(run([{ update: 'Employee', key: 1, set: { LastName: 'x' } }]).error!.message).toBe("LastName cannot be 'x'");
    });

    it('a new customer gets the defaults', () => {
      const out = run([{ insert: 'Customer', values: { Id: 'NEWCO', CompanyName: 'New Co' } }]);
      expect(out.ok).toBe(true);
      expect(nw.row('Customer', 'NEWCO')).toMatchObject({ Balance: 0, CreditLimit: 1000, OrderCount: 0, UnpaidOrderCount: 0 });
    });
  });

  describe('bad input changes nothing and says what is wrong', () => {
    it.each([
      [[{ update: 'NoSuchTable', key: 1, set: { X: 1 } }], 'unknown-table', /there is no table NoSuchTable/],
      [
        [{ update: 'OrderDetail', key: 1, set: { Quantiy: 5 } }],
        'unknown-column',
        /OrderDetail has no column Quantiy \(did you mean Quantity\?\)/,
      ],
      [[{ update: 'OrderDetail', key: 1, set: { Quantity: 'lots' } }], 'type', /OrderDetail\.Quantity expects an integer, got "lots"/],
      [[{ update: 'OrderDetail', key: 999999, set: { Quantity: 1 } }], 'not-found', /OrderDetail 999999 does not exist/],
      [
        [{ update: 'Customer', key: 'ALFKI', set: { Balance: 0 } }],
        'derived',
        /Customer\.Balance is derived by the rule "Customer\.Balance = sum/,
      ],
      [[{ insert: 'Order', values: { EmployeeId: 5 } }], 'required', /Order\.CustomerId is required/],
      [[{ update: 'Customer', key: "ALFKI'; DROP TABLE Customer; --", set: { City: 'x' } }], 'not-found', /does not exist/],
      [
        [{ insert: 'OrderDetail', values: { OrderId: '$nope.Id', ProductId: 1 } }],
        'unknown-alias',
        /\$nope\.Id names no earlier operation/,
      ],
      [[{ upsert: 'Order' }], 'bad-op', /say one of "insert", "update" or "delete"/],
      [[{ insert: 'Customer', values: { Id: 'ALFKI', CompanyName: 'Again' } }], 'duplicate', /Customer ALFKI already exists/],
      [[{ update: 'Order', key: 10643, set: { Id: 1 } }], 'key-change', /Order\.Id is the primary key; it cannot change/],
      [[{ update: 'Customer', key: 42, set: { City: 'x' } }], 'type', /Customer\.Id expects text, got 42/],
    ])('%j → %s', (ops, code, message) => {
      const out = run(ops);
      expect(out.ok).toBe(false);
      expect(out.error).toMatchObject({ kind: 'bad-input', code });
      expect(out.error!.message).toMatch(message);
      expect(nw.query('SELECT count(*) n FROM "Customer"')[0]).toEqual({ n: 47 });
    });

    it('a constraint holds even when a later delete in the same transaction flushed the row early (found by the property test)', () => {
      const out = run([
        { update: 'Customer', key: 'ALFKI', set: { CreditLimit: 0 } },
        { delete: 'OrderDetail', key: 1 },
      ]);
      expect(out.error).toMatchObject({ rule: 'Customer: Balance <= CreditLimit', key: 'ALFKI' });
      expect(nw.row('Customer', 'ALFKI')!.CreditLimit).toBe(2300);
    });

    it('an order for a product that does not exist is an integrity error naming the key', () => {
      const out = run([
        { insert: 'Order', values: { CustomerId: 'ALFKI', EmployeeId: 5 }, as: 'o' },
        { insert: 'OrderDetail', values: { OrderId: '$o.Id', ProductId: 999 } },
      ]);
      expect(out.error).toMatchObject({ kind: 'integrity', table: 'OrderDetail' });
      expect(out.error!.message).toMatch(/OrderDetail\.ProductId = 999: there is no Product/);
      expect(balance()).toBe(2102);
      expect(nw.query('SELECT max("Id") m FROM "Order"')[0]).toEqual({ m: 11077 });
    });
  });
});
