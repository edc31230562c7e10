/**
 * What the shipping system receives when an order ships (topic order_shipping):
 *   {order_id, order_date, customer_name, total, items: [{quantity, product_name, unit_price}]}
 */
import { child, lookup, mapping } from 'alsx';
import { Customer, Order, OrderDetail, Product } from '../models.js';

export const OrderShipping = mapping(Order, {
  fields: { order_id: Order.Id, order_date: Order.OrderDate, total: Order.AmountTotal },
  parentFields: { customer_name: [Customer, Customer.CompanyName] },
  children: {
    items: child(OrderDetail, {
      fields: { quantity: OrderDetail.Quantity, unit_price: OrderDetail.UnitPrice },
      lookups: [lookup(Product, { product_name: Product.ProductName })],
    }),
  },
});
