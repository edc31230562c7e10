/**
 * The shipping system's Kafka integration: it consumes Northwind's order_shipping topic into
 * shipments, one per order. An order shipped, un-shipped and shipped again is announced again (with
 * a new message-id): the latest announcement replaces the shipment. The same message delivered twice
 * (same message-id) is recognised by the worker's inbox and applied once.
 */
import { consume, HandlerRefusal, integration } from 'alsx';
import { Shipment } from '../models.js';
import { orderShippingExample, ShipmentFromOrder } from './ShipmentFromOrder.js';

export default integration({
  consumers: [
    consume({
      topic: 'order_shipping',
      group: 'shipping.order_shipping',
      handle: (m, tx) => {
        const value: unknown = m.value;
        const orderId =
          value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>).order_id : undefined;
        if (typeof orderId !== 'number' || !Number.isInteger(orderId)) {
          throw new HandlerRefusal(`order_id: expected the order's number (an integer), got ${JSON.stringify(orderId) ?? 'nothing'}`);
        }
        // one Shipment per order: a re-announced order replaces the one received before (its items cascade)
        for (const earlier of tx.find(Shipment, { OrderId: orderId })) tx.delete(Shipment, earlier.Id);
        tx.insertMapped(ShipmentFromOrder, value);
      },
    }),
  ],
  samples: { order_shipping: orderShippingExample },
});
