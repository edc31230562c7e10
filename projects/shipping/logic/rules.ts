/**
 * The shipping system's logic. A shipment's total, item count and units are derived from its items;
 * an item's amount from its quantity and price. What Northwind said the order came to (OrderTotal)
 * must equal what the items add up to: a message whose items do not add up is refused, and its
 * consumer sends it to order_shipping.dlq with this rule's message.
 */
import { dec, money, rules } from 'alsx';
import * as models from '../models.js';
import { Shipment, ShipmentItem } from '../models.js';

export default rules(models, ({ constraint, sum, count, formula, defaults }) => [
  formula(ShipmentItem.Amount, (i) => i.Quantity * i.UnitPrice),
  sum(Shipment.Total, ShipmentItem.Amount),
  count(Shipment.ItemCount, ShipmentItem),
  sum(Shipment.Units, ShipmentItem.Quantity),

  constraint(
    ShipmentItem,
    (i) => i.Quantity > 0,
    (i) => `${i.ProductName}: quantity must be more than 0 (got ${i.Quantity})`,
    { name: 'ShipmentItem: Quantity > 0' },
  ),
  constraint(
    Shipment,
    (s) => s.OrderTotal == null || dec(s.Total).eq(dec(s.OrderTotal)),
    (s) => `order ${s.OrderId}: the items add up to ${money(s.Total)}, but the order says ${money(s.OrderTotal)}`,
    { name: 'Shipment: Total == OrderTotal' },
  ),

  // when the shipping system heard of the order (one timestamp per transaction)
  defaults(Shipment, { ReceivedAt: (now) => now }),
]);
