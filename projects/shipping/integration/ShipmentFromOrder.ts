/**
 * Northwind's order_shipping message (see projects/northwind/integration/OrderShipping.ts, which
 * produces it) as a Shipment and its items:
 *
 *   {"order_id": 10248, "order_date": "2026-01-15", "customer_name": "Alfreds Futterkiste", "total": 56.0,
 *    "items": [{"quantity": 1, "product_name": "Chai", "unit_price": 18.0},
 *              {"quantity": 2, "product_name": "Chang", "unit_price": 19.0}]}
 *
 * `total` becomes OrderTotal (what Northwind said); the rules derive Total from the items and refuse
 * the message when the two differ.
 */
import { child, mapping } from 'alsx';
import { Shipment, ShipmentItem } from '../models.js';

export const ShipmentFromOrder = mapping(Shipment, {
  fields: {
    order_id: Shipment.OrderId,
    order_date: Shipment.OrderDate,
    customer_name: Shipment.CustomerName,
    total: Shipment.OrderTotal,
  },
  children: {
    items: child(ShipmentItem, {
      fields: { quantity: ShipmentItem.Quantity, product_name: ShipmentItem.ProductName, unit_price: ShipmentItem.UnitPrice },
    }),
  },
});

export const orderShippingExample = {
  order_id: 10248,
  order_date: '2026-01-15',
  customer_name: 'Alfreds Futterkiste',
  total: 56.0,
  items: [
    { quantity: 1, product_name: 'Chai', unit_price: 18.0 },
    { quantity: 2, product_name: 'Chang', unit_price: 19.0 },
  ],
};
