/**
 * The partner's order format (API Logic Server's OrderB2B): accounts, sales reps and products are
 * named, not numbered, and looked up.
 *
 *   {"AccountId": "ALFKI", "Given": "Steven", "Surname": "Buchanan",
 *    "Items": [{"ProductName": "Chai", "QuantityOrdered": 1}, {"ProductName": "Chang", "QuantityOrdered": 2}]}
 */
import { child, lookup, mapping } from 'alsx';
import { Customer, Employee, Order, OrderDetail, Product } from '../models.js';

export const OrderB2B = mapping(Order, {
  fields: { ShipName: Order.ShipName, RequiredDate: Order.RequiredDate, Freight: Order.Freight },
  lookups: [lookup(Customer, { AccountId: Customer.Id }), lookup(Employee, { Given: Employee.FirstName, Surname: Employee.LastName })],
  children: {
    Items: child(OrderDetail, {
      fields: { QuantityOrdered: OrderDetail.Quantity },
      lookups: [lookup(Product, { ProductName: Product.ProductName })],
    }),
  },
});

export const orderB2BExample = {
  AccountId: 'ALFKI',
  Given: 'Steven',
  Surname: 'Buchanan',
  Items: [
    { ProductName: 'Chai', QuantityOrdered: 1 },
    { ProductName: 'Chang', QuantityOrdered: 2 },
  ],
};
