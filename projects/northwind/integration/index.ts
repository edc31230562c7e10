/**
 * Northwind's Kafka integration: partner orders arrive on `order_b2b` (the OrderB2B format, as at
 * the custom endpoint) and become orders through the rules; request/reply methods answer questions
 * about customers and orders (GET /api/rpc/northwind/<method>). What Northwind publishes
 * (`order_shipping`) is declared where it happens: the orderShipped event in logic/rules.ts.
 */
import { consume, integration, method, RpcError, service } from 'alsx';
import { Customer, Order } from '../models.js';
import { OrderB2B, orderB2BExample } from './OrderB2B.js';

const customer = (db: Parameters<Parameters<typeof method>[1]>[1], id: string) => {
  const c = db.get(Customer, id);
  if (!c) throw new RpcError(404, `no customer ${id}`);
  return c;
};

export default integration({
  consumers: [consume({ topic: 'order_b2b', group: 'northwind.order_b2b', mapping: OrderB2B })],
  services: [
    service({
      name: 'northwind',
      methods: {
        find_customer: method(
          { id: 'string' },
          ({ id }, db) => {
            const c = customer(db, id);
            return {
              id: c.Id,
              company_name: c.CompanyName,
              contact_name: c.ContactName,
              city: c.City,
              country: c.Country,
              balance: c.Balance,
              credit_limit: c.CreditLimit,
              order_count: c.OrderCount,
            };
          },
          'a customer by id (ALFKI)',
        ),
        find_order: method(
          { id: 'integer' },
          ({ id }, db) => {
            const o = db.get(Order, id);
            if (!o) throw new RpcError(404, `no order ${id}`);
            const items = db.sql(
              'SELECT d.Quantity AS quantity, p.ProductName AS product_name, d.UnitPrice AS unit_price, d.Amount AS amount FROM OrderDetail d JOIN Product p ON p.Id = d.ProductId WHERE d.OrderId = ? ORDER BY d.Id',
              id,
            );
            return {
              id: o.Id,
              customer_id: o.CustomerId,
              order_date: o.OrderDate,
              shipped_date: o.ShippedDate,
              total: o.AmountTotal,
              items,
            };
          },
          'an order with its items, by id',
        ),
        customer_balance: method(
          { id: 'string' },
          ({ id }, db) => {
            const c = customer(db, id);
            return {
              id: c.Id,
              balance: c.Balance,
              credit_limit: c.CreditLimit,
              available: Number(((c.CreditLimit ?? 0) - (c.Balance ?? 0)).toFixed(2)),
              unpaid_orders: c.UnpaidOrderCount,
            };
          },
          "a customer's balance against the credit limit",
        ),
      },
    }),
  ],
  samples: { order_b2b: orderB2BExample },
});
