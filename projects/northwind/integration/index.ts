/**
 * Northwind's Kafka integration: partner orders arrive on `order_b2b` (the OrderB2B format, as at
 * the custom endpoint) and become orders through the rules; request/reply methods answer questions
 * about customers and orders (GET /api/rpc/northwind/<method>). What Northwind publishes
 * (`order_shipping`) is declared where it happens: the orderShipped event in logic/rules.ts.
 *
 * Methods run as their caller: a customer finds their own rows and no one else's (another
 * customer's id answers as an id that does not exist). find_product is public (no login: it reads
 * as the anonymous user, whom security/grants.ts lets read the catalog); credit_report is for sales.
 */
import { consume, integration, method, RpcError, service } from 'alsx';
import { Customer, Order, OrderDetail, Product } from '../models.js';
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
            const items = db
              .find(OrderDetail, { OrderId: id })
              .sort((a, b) => a.Id - b.Id)
              .map((d) => ({
                quantity: d.Quantity,
                product_name: db.get(Product, d.ProductId)?.ProductName ?? null,
                unit_price: d.UnitPrice,
                amount: d.Amount,
              }));
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
        find_product: method(
          { name: 'string' },
          ({ name }, db) => {
            const p = db.find(Product, { ProductName: name }, 1)[0];
            if (!p) throw new RpcError(404, `no product ${name}`);
            return { id: p.Id, name: p.ProductName, unit_price: p.UnitPrice, in_stock: p.UnitsInStock };
          },
          { description: 'a product by name, with its price and stock', public: true },
        ),
        credit_report: method(
          { 'over?': 'number' },
          ({ over = 0.9 }, db) =>
            db.sql(
              'SELECT Id AS id, Balance AS balance, CreditLimit AS credit_limit FROM Customer WHERE Balance > CreditLimit * ? ORDER BY Balance DESC, Id',
              over,
            ),
          { description: 'customers using more than `over` (default 0.9) of their credit', roles: ['sales', 'admin'] },
        ),
      },
    }),
  ],
  samples: { order_b2b: orderB2BExample },
});
