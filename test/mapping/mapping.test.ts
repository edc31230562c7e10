/** The mapping layer on its own: a partner's dict ⇄ rows, with lookups and nested lists. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshNorthwind } from '../helpers/northwind.js';
import { OrderB2B } from '../../projects/northwind/integration/OrderB2B.js';
import { OrderShipping } from '../../projects/northwind/integration/OrderShipping.js';
import { MappingError } from '../../src/mapping/mapping.js';
import type { Row } from '../../src/store/types.js';

let nw: Awaited<ReturnType<typeof freshNorthwind>>;
beforeAll(async () => {
  nw = await freshNorthwind();
});
afterAll(() => nw.dispose());

const find = (table: string, where: Row, limit: number): Row[] => nw.store.rowsWhere(table, where, limit);
const order = {
  AccountId: 'ALFKI',
  Given: 'Steven',
  Surname: 'Buchanan',
  Items: [
    { ProductName: 'Chai', QuantityOrdered: 1 },
    { ProductName: 'Chang', QuantityOrdered: 2 },
  ],
};

describe('OrderB2B: dict → rows', () => {
  it('looks up the customer, the sales rep and each product, and renames fields', () => {
    const tree = OrderB2B.toRows(order, nw.store.schema, find);
    expect(tree).toMatchObject({ table: 'Order', values: { CustomerId: 'ALFKI', EmployeeId: 5 } });
    expect(tree.children).toHaveLength(1);
    expect(tree.children[0]!.fk.childColumns).toEqual(['OrderId']);
    expect(tree.children[0]!.rows.map((r) => r.values)).toEqual([
      { Quantity: 1, ProductId: 1 },
      { Quantity: 2, ProductId: 2 },
    ]);
  });

  it.each([
    [
      { ...order, Items: [order.Items[0], { ProductName: 'Chaang', QuantityOrdered: 1 }] },
      'Items[1].ProductName: no Product named "Chaang"',
    ],
    [{ ...order, AccountId: 'NOPE' }, 'AccountId: no Customer with Id "NOPE"'],
    [{ ...order, Surname: 'Nobody' }, '{Given, Surname}: no Employee with FirstName "Steven" and LastName "Nobody"'],
    [{ ...order, AccountId: undefined }, 'AccountId: is required (to find the Customer)'],
    [
      { ...order, Items: [{ ProductName: 'Chai', Quantity: 1 }] },
      'Items[0].Quantity: is not a field of OrderDetail here; expected QuantityOrdered, ProductName',
    ],
    [{ ...order, Items: [{ ProductName: 'Chai', QuantityOrdered: 'lots' }] }, 'Items[0].QuantityOrdered: expects an integer, got "lots"'],
    [{ ...order, Items: 'Chai' }, 'Items: expected a list'],
    ['not an object', 'expected an object (the Order)'],
  ])('names the field and value it cannot map: %j', (dict, message) => {
    expect(() => OrderB2B.toRows(dict, nw.store.schema, find)).toThrow(new MappingError('', message).message);
  });
});

describe('OrderShipping: row → dict', () => {
  it('writes the shipping format, with parent and product names', () => {
    const row = find('Order', { Id: 10643 }, 1)[0]!;
    const dict = OrderShipping.toDict(row, nw.store.schema, { find });
    const items = find('OrderDetail', { OrderId: 10643 }, 100);
    expect(dict).toEqual({
      order_id: 10643,
      order_date: row.OrderDate,
      total: row.AmountTotal,
      customer_name: 'Alfreds Futterkiste',
      items: items.map((i) => ({
        quantity: i.Quantity,
        unit_price: i.UnitPrice,
        product_name: find('Product', { Id: i.ProductId! }, 1)[0]!.ProductName,
      })),
    });
  });
});
