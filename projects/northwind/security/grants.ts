/**
 * Who may do what in Northwind. Security is on (API Logic Server's projects start with it off:
 * set `enabled: false` to try the API without logging in).
 *
 *   admin  everything
 *   s1     sales: all customers, orders and items; the catalog read-only
 *   ALFKI, ANATR, … one user per customer (role customer): their own Customer row, their own
 *          orders and items, the catalog read-only
 *   anonymous  public endpoints and methods called without logging in: the products
 *
 * Every example password is "p", each hashed with a salt of its own: admin's and s1's here
 * (`alsx hash-password` makes new hashes), each customer's in alsx's credentials table, filled by
 * db/seed.sql. `alsx users set-password projects/northwind ALFKI` gives a customer (or admin) a
 * new one; the admin can also set them through the API (PUT /api/auth/users/ALFKI/password).
 */
import { security } from 'alsx';

/** what a customer fills in on an order, and on an item: the rest is the rules' or the warehouse's */
const ORDER_ENTRY = [
  'CustomerId',
  'EmployeeId',
  'OrderDate',
  'RequiredDate',
  'ShipVia',
  'ShipName',
  'ShipAddress',
  'ShipCity',
  'ShipRegion',
  'ShipPostalCode',
  'ShipCountry',
  'Ready',
  'CloneFromOrder',
];
const ITEM_ENTRY = ['OrderId', 'ProductId', 'Quantity', 'Discount'];

export default security({
  enabled: true,
  users: [
    {
      name: 'admin',
      password: '$scrypt$ln=15,r=8,p=1$DCJMACqAYX0aDvH8/uZ9qw$6bF67VBzB1zZsGvYo96rE/e0A7sB3jQxxy7Tq6Js/20',
      roles: ['admin'],
    },
    { name: 's1', password: '$scrypt$ln=15,r=8,p=1$BLRguFjuZ2jJW2lPi+m0Ow$OF5IeijmCTfBeklmMRzbQkuiuqToZNU02yi7wVrrM3w', roles: ['sales'] },
  ],
  // each customer logs in with their own password (alsx users set-password); a customer without one cannot
  rowUsers: [{ table: 'Customer', column: 'Id', roles: ['customer'] }],
  roles: {
    admin: { '*': 'crud' },
    sales: { Customer: 'crud', Order: 'crud', OrderDetail: 'crud', '*': 'r' },
    customer: {
      // their own row; contact details only — never CreditLimit, nor what the rules derive (Balance, the counts)
      Customer: {
        can: 'ru',
        where: (u) => ({ Id: u.name }),
        update: {
          columns: ['CompanyName', 'ContactName', 'ContactTitle', 'Address', 'City', 'Region', 'PostalCode', 'Country', 'Phone', 'Fax'],
        },
      },
      // their own orders; an order that has shipped is history (read-only); never the ShippedDate, Freight or totals
      Order: {
        can: 'crud',
        where: (u) => ({ CustomerId: u.name }),
        insert: { columns: ORDER_ENTRY },
        update: { where: { ShippedDate: null }, columns: ORDER_ENTRY },
        delete: { where: { ShippedDate: null } },
      },
      // the items of their own unshipped orders; the price and amount are the rules'
      OrderDetail: {
        can: 'crud',
        where: (u) => ({ 'Order.CustomerId': u.name }),
        insert: { where: { 'Order.ShippedDate': null }, columns: ITEM_ENTRY },
        update: { where: { 'Order.ShippedDate': null }, columns: ITEM_ENTRY },
        delete: { where: { 'Order.ShippedDate': null } },
      },
      Product: 'r',
      Category: 'r',
      Supplier: 'r',
      Shipper: 'r',
      Employee: 'r',
    },
    anonymous: { Product: 'r' },
  },
});
