/**
 * Who may do what in Northwind. Security is on (API Logic Server's projects start with it off:
 * set `enabled: false` to try the API without logging in).
 *
 *   admin  everything
 *   s1     sales: all customers, orders and items; the catalog read-only
 *   ALFKI, ANATR, … one user per customer (role customer): their own Customer row, their own
 *          orders and items, the catalog read-only
 *
 * Every example password is "p" (bcrypt-hashed here; `alsx hash-password` makes new hashes).
 */
import { security } from 'alsx';

const P = '$2b$10$IwsVRNvybHX3D.r6.iMSOuhC4p/Gpl9ZBrkMpqqexB0J/usz2pMYa';

export default security({
  enabled: true,
  users: [
    { name: 'admin', password: P, roles: ['admin'] },
    { name: 's1', password: P, roles: ['sales'] },
  ],
  rowUsers: [{ table: 'Customer', column: 'Id', password: P, roles: ['customer'] }],
  roles: {
    admin: { '*': 'crud' },
    sales: { Customer: 'crud', Order: 'crud', OrderDetail: 'crud', '*': 'r' },
    customer: {
      Customer: { can: 'ru', where: (u) => ({ Id: u.name }) },
      Order: { can: 'crud', where: (u) => ({ CustomerId: u.name }) },
      OrderDetail: { can: 'crud', where: (u) => ({ 'Order.CustomerId': u.name }) },
      Product: 'r',
      Category: 'r',
      Supplier: 'r',
      Shipper: 'r',
      Employee: 'r',
    },
  },
});
