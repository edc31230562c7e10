/**
 * The shipping project: Northwind's order_shipping messages become shipments through its declared
 * consumer (integration/index.ts) and its rules — run by the real TopicWorker, fed by kafkajs from a
 * real embedded broker. One shipment per order; a redelivery changes nothing; a re-announced order
 * replaces its shipment; what does not add up goes to order_shipping.dlq with the reason.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { Broker } from '../../src/kafka/broker/broker.js';
import { waitFor } from '../helpers/wait.js';
import { connectProducer, runConsumer, type MessageConsumer, type MessageProducer } from '../../src/kafka/client.js';
import { TopicWorker, type Outcome } from '../../src/kafka/integration/topic-worker.js';
import { ensureDatabase, openProject, readProject, type OpenProject } from '../../src/project/load.js';
import shippingIntegration from '../../projects/shipping/integration/index.js';
import { orderShippingExample } from '../../projects/shipping/integration/ShipmentFromOrder.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

const SHIPPING = resolve(import.meta.dirname, '../../projects/shipping');
const NOW = '2026-01-16T08:30:00.000Z';

let dir: string;
let broker: Broker;
let kafka: Kafka;
let shipping: OpenProject;
let consumer: MessageConsumer;
let dlq: MessageProducer | undefined;
const outcomes: Outcome[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alsx-shipping-'));
  // the project's database, built from its schema and (comment-only) seed into the test's folder
  const project = await readProject(SHIPPING);
  const file = join(dir, 'db.sqlite');
  ensureDatabase({ ...project, stateDir: dir, dbFile: file });
  shipping = await openProject(SHIPPING, { db: file, clock: () => new Date(NOW) });

  broker = new Broker({ dataDir: join(dir, 'kafka'), port: 0, initialRebalanceDelayMs: 50 });
  const address = `127.0.0.1:${await broker.start()}`;
  kafka = new Kafka({ clientId: 'test', brokers: [address], logLevel: logLevel.NOTHING });

  const declared = shippingIntegration.consumers!.find((c) => c.topic === 'order_shipping')!;
  const worker = new TopicWorker(
    shipping.store,
    shipping.engine,
    { ...declared, group: declared.group! },
    async () => (dlq ??= await connectProducer([address])),
  );
  consumer = await runConsumer([address], declared.group!, 'order_shipping', async (m) => void outcomes.push(await worker.handle(m)));
});
afterAll(async () => {
  await consumer?.close();
  await dlq?.close();
  await broker?.stop();
  shipping?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Item = { quantity: unknown; product_name: string; unit_price: unknown };
const announcement = (
  orderId: number,
  items: Item[],
  total = items.reduce((s, i) => s + Number(i.quantity) * Number(i.unit_price), 0),
) => ({
  order_id: orderId,
  order_date: '2026-01-15',
  customer_name: 'Alfreds Futterkiste',
  total,
  items,
});

async function send(value: unknown, messageId?: string, key?: string): Promise<void> {
  const p = kafka.producer();
  await p.connect();
  await p.send({
    topic: 'order_shipping',
    messages: [
      {
        key: key ?? null,
        value: typeof value === 'string' ? value : JSON.stringify(value),
        headers: messageId ? { 'message-id': messageId } : {},
      },
    ],
  });
  await p.disconnect();
}
const until = (n: number) =>
  waitFor(() => outcomes.length >= n, { what: `${n} messages handled`, detail: () => `${outcomes.length} so far` });
const all = (sql: string, ...params: unknown[]) =>
  sqliteDb(shipping)
    .prepare(sql)
    .all(...params) as Record<string, unknown>[];
const shipments = () =>
  all('SELECT OrderId, OrderDate, CustomerName, OrderTotal, Total, ItemCount, Units, Status, ReceivedAt FROM Shipment ORDER BY OrderId');
const items = (orderId: number) =>
  all(
    'SELECT i.ProductName, i.Quantity, i.UnitPrice, i.Amount FROM ShipmentItem i JOIN Shipment s ON s.Id = i.ShipmentId WHERE s.OrderId = ? ORDER BY i.Id',
    orderId,
  );
const count = (table: string) => (all(`SELECT count(*) n FROM "${table}"`)[0] as { n: number }).n;

async function readDlq(n: number): Promise<KafkaMessage[]> {
  const c = kafka.consumer({ groupId: `dlq-${Math.random()}`, maxWaitTimeInMs: 100 });
  const got: KafkaMessage[] = [];
  await c.connect();
  await c.subscribe({ topic: 'order_shipping.dlq', fromBeginning: true });
  await new Promise<void>(
    (ok) =>
      void c.run({
        eachMessage: async ({ message }) => {
          got.push(message);
          if (got.length >= n) ok();
        },
      }),
  );
  await c.disconnect();
  return got;
}
const header = (m: KafkaMessage, k: string) => m.headers![k]?.toString();

describe('the shipping project', () => {
  it('starts empty (its seed is only a comment) and declares the order_shipping consumer', () => {
    expect(count('Shipment')).toBe(0);
    expect(count('ShipmentItem')).toBe(0);
    expect(shipping.warnings).toEqual([]);
    expect(shippingIntegration.consumers!.map((c) => [c.topic, c.group])).toEqual([['order_shipping', 'shipping.order_shipping']]);
    expect(shippingIntegration.samples).toEqual({ order_shipping: orderShippingExample });
  });

  it('turns an order_shipping message into one shipment with its items, totals derived', async () => {
    await send(orderShippingExample, 'nw-ship-1', '10248');
    await until(1);
    expect(outcomes[0]).toMatchObject({ status: 'applied' });
    expect(shipments()).toEqual([
      {
        OrderId: 10248,
        OrderDate: '2026-01-15',
        CustomerName: 'Alfreds Futterkiste',
        OrderTotal: 56,
        Total: 56,
        ItemCount: 2,
        Units: 3,
        Status: 'received',
        ReceivedAt: NOW,
      },
    ]);
    expect(items(10248)).toEqual([
      { ProductName: 'Chai', Quantity: 1, UnitPrice: 18, Amount: 18 },
      { ProductName: 'Chang', Quantity: 2, UnitPrice: 19, Amount: 38 },
    ]);
  });

  it('applies a redelivered message (same message-id) once', async () => {
    await send(orderShippingExample, 'nw-ship-1', '10248');
    await until(2);
    expect(outcomes[1]).toEqual({ status: 'duplicate' });
    expect(count('Shipment')).toBe(1);
    expect(count('ShipmentItem')).toBe(2);
    expect(count('_alsx_inbox')).toBe(1);
  });

  it('replaces the shipment of a re-announced order: still one, with the latest items', async () => {
    await send(announcement(10248, [{ quantity: 3, product_name: 'Chang', unit_price: 19 }]), 'nw-ship-2', '10248');
    await until(3);
    expect(outcomes[2]).toMatchObject({ status: 'applied' });
    expect(shipments()).toEqual([
      {
        OrderId: 10248,
        OrderDate: '2026-01-15',
        CustomerName: 'Alfreds Futterkiste',
        OrderTotal: 57,
        Total: 57,
        ItemCount: 1,
        Units: 3,
        Status: 'received',
        ReceivedAt: NOW,
      },
    ]);
    expect(items(10248)).toEqual([{ ProductName: 'Chang', Quantity: 3, UnitPrice: 19, Amount: 57 }]);
    expect(count('ShipmentItem')).toBe(1); // the old items went with the old shipment
  });

  it('sends what cannot be a shipment to order_shipping.dlq with the reason, and goes on', async () => {
    const wrongTotal = announcement(
      10249,
      [
        { quantity: 1, product_name: 'Chai', unit_price: 18 },
        { quantity: 2, product_name: 'Chang', unit_price: 19 },
      ],
      99,
    );
    const wrongReannouncement = announcement(10248, [{ quantity: 1, product_name: 'Chai', unit_price: 18 }], 57);
    const noOrderId = { ...orderShippingExample, order_id: 'ten thousand' };
    const zeroQuantity = announcement(10251, [{ quantity: 0, product_name: 'Chai', unit_price: 18 }]);
    const unknownField = { ...announcement(10252, [{ quantity: 1, product_name: 'Chai', unit_price: 18 }]), carrier: 'UPS' };
    const good = announcement(10250, [{ quantity: 4, product_name: 'Tofu', unit_price: 23.25 }]);
    await send(wrongTotal, 'nw-ship-3', '10249');
    await send('{not json', 'nw-ship-4');
    await send(wrongReannouncement, 'nw-ship-5', '10248');
    await send(noOrderId, 'nw-ship-6');
    await send(zeroQuantity, 'nw-ship-7', '10251');
    await send(unknownField, 'nw-ship-8', '10252');
    await send(good, 'nw-ship-9', '10250');
    await until(10);
    expect(outcomes.slice(3).map((o) => o.status)).toEqual([
      'dead-lettered',
      'dead-lettered',
      'dead-lettered',
      'dead-lettered',
      'dead-lettered',
      'dead-lettered',
      'applied',
    ]);

    // what the user sees: order 10248 as before the refused re-announcement, 10250 received, nothing else
    expect(shipments().map((s) => [s.OrderId, s.Total, s.ItemCount, s.Units])).toEqual([
      [10248, 57, 1, 3],
      [10250, 93, 1, 4],
    ]);
    expect(items(10248)).toEqual([{ ProductName: 'Chang', Quantity: 3, UnitPrice: 19, Amount: 57 }]);
    expect(count('ShipmentItem')).toBe(2);

    const dead = await readDlq(6);
    expect(dead.map((m) => header(m, 'message-id'))).toEqual([
      'nw-ship-3',
      'nw-ship-4',
      'nw-ship-5',
      'nw-ship-6',
      'nw-ship-7',
      'nw-ship-8',
    ]);

    expect(header(dead[0]!, 'alsx-error')).toBe('order 10249: the items add up to 56.00, but the order says 99.00');
    expect(header(dead[0]!, 'alsx-rule')).toBe('Shipment: Total == OrderTotal');
    expect(header(dead[0]!, 'alsx-original-topic')).toBe('order_shipping');
    expect(dead[0]!.key?.toString()).toBe('10249');
    expect(dead[0]!.value!.toString()).toBe(JSON.stringify(wrongTotal)); // the original, untouched

    expect(header(dead[1]!, 'alsx-error')).toMatch(/^not JSON/);
    expect(header(dead[1]!, 'alsx-error-kind')).toBe('parse');

    expect(header(dead[2]!, 'alsx-error')).toBe('order 10248: the items add up to 18.00, but the order says 57.00');

    expect(header(dead[3]!, 'alsx-error-kind')).toBe('refused');
    expect(header(dead[3]!, 'alsx-error')).toBe(`order_id: expected the order's number (an integer), got "ten thousand"`);

    expect(header(dead[4]!, 'alsx-rule')).toBe('ShipmentItem: Quantity > 0');
    expect(header(dead[4]!, 'alsx-error')).toBe('Chai: quantity must be more than 0 (got 0)');

    expect(header(dead[5]!, 'alsx-error-kind')).toBe('mapping');
    expect(header(dead[5]!, 'alsx-error')).toMatch(/^carrier: is not a field of Shipment here/);
  });
});
