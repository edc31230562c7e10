/** Consuming order_b2b into orders through the rules: once per message, and poison to the DLQ with the reason. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { Broker } from '../../src/kafka/broker/broker.js';
import { waitFor } from '../helpers/wait.js';
import { connectProducer, runConsumer, type MessageConsumer, type MessageProducer } from '../../src/kafka/client.js';
import { TopicWorker, type Outcome } from '../../src/kafka/integration/topic-worker.js';
import { OrderB2B } from '../../projects/northwind/integration/OrderB2B.js';
import { freshNorthwind } from '../helpers/northwind.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

let dir: string;
let broker: Broker;
let address: string;
let nw: Awaited<ReturnType<typeof freshNorthwind>>;
let consumer: MessageConsumer;
let dlq: MessageProducer | undefined;
let kafka: Kafka;
const outcomes: Outcome[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alsx-worker-'));
  broker = new Broker({ dataDir: dir, port: 0, initialRebalanceDelayMs: 50 });
  address = `127.0.0.1:${await broker.start()}`;
  kafka = new Kafka({ clientId: 'test', brokers: [address], logLevel: logLevel.NOTHING });
  nw = await freshNorthwind();
  const worker = new TopicWorker(
    nw.store,
    nw.engine,
    { topic: 'order_b2b', group: 'nw-b2b', mapping: OrderB2B },
    async () => (dlq ??= await connectProducer([address])),
  );
  consumer = await runConsumer([address], 'nw-b2b', 'order_b2b', async (m) => void outcomes.push(await worker.handle(m)));
});
afterAll(async () => {
  await consumer.close();
  await dlq?.close();
  await broker.stop();
  nw.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const order = (chang: number | string, product = 'Chang') => ({
  AccountId: 'ALFKI',
  Given: 'Steven',
  Surname: 'Buchanan',
  Items: [
    { ProductName: 'Chai', QuantityOrdered: 1 },
    { ProductName: product, QuantityOrdered: chang },
  ],
});
async function send(value: unknown, headers: Record<string, string> = {}): Promise<void> {
  const p = kafka.producer();
  await p.connect();
  await p.send({ topic: 'order_b2b', messages: [{ value: typeof value === 'string' ? value : JSON.stringify(value), headers }] });
  await p.disconnect();
}
const until = (n: number) =>
  waitFor(() => outcomes.length >= n, { what: `${n} messages handled`, detail: () => `${outcomes.length} so far` });
const balance = () => nw.row('Customer', 'ALFKI')!.Balance;
async function readDlq(count: number): Promise<KafkaMessage[]> {
  const c = kafka.consumer({ groupId: `dlq-${Math.random()}`, maxWaitTimeInMs: 200 });
  const got: KafkaMessage[] = [];
  await c.connect();
  await c.subscribe({ topic: 'order_b2b.dlq', fromBeginning: true });
  await new Promise<void>(
    (ok) =>
      void c.run({
        eachMessage: async ({ message }) => {
          got.push(message);
          if (got.length >= count) ok();
        },
      }),
  );
  await c.disconnect();
  return got;
}

describe('the order_b2b worker', () => {
  it('creates the order and its items through the rules, and skips a redelivered message', async () => {
    await send(order(2), { 'message-id': 'b2b-1' });
    await until(1);
    expect(outcomes[0]).toMatchObject({ status: 'applied' });
    expect(balance()).toBe(2158);
    await send(order(2), { 'message-id': 'b2b-1' }); // the same message, sent twice
    await until(2);
    expect(outcomes[1]).toEqual({ status: 'duplicate' });
    expect(balance()).toBe(2158);
    expect(sqliteDb(nw).prepare('SELECT count(*) n FROM "_alsx_inbox"').get()).toEqual({ n: 1 });
  });

  it('sends poison to order_b2b.dlq with the reason, and goes on', async () => {
    await send('{not json');
    await send(order(1, 'Chaang'));
    await send(order(2000));
    await send(order(1), { 'message-id': 'b2b-2' });
    await until(6);
    expect(outcomes.slice(2).map((o) => o.status)).toEqual(['dead-lettered', 'dead-lettered', 'dead-lettered', 'applied']);
    expect(balance()).toBe(2158 + 18 + 19);
    const dead = await readDlq(3);
    const h = (m: KafkaMessage, k: string) => m.headers![k]?.toString();
    expect(h(dead[0]!, 'alsx-error')).toMatch(/^not JSON/);
    expect(h(dead[1]!, 'alsx-error')).toBe('Items[1].ProductName: no Product named "Chaang"');
    expect(h(dead[2]!, 'alsx-rule')).toBe('Customer: Balance <= CreditLimit');
    expect(h(dead[2]!, 'alsx-error')).toMatch(/exceeds credit \(2300\.00\)/);
    expect(h(dead[2]!, 'alsx-original-topic')).toBe('order_b2b');
    expect(Number(h(dead[2]!, 'alsx-original-offset'))).toBe(4);
    expect(dead[1]!.value!.toString()).toBe(JSON.stringify(order(1, 'Chaang'))); // the original, untouched
  });

  it('a message-id seen before with other content goes to the DLQ saying so (an order is never skipped silently)', async () => {
    const before = outcomes.length;
    await send(order(3), { 'message-id': 'b2b-2' }); // b2b-2 was order(1)
    await until(before + 1);
    expect(outcomes[before]).toMatchObject({ status: 'dead-lettered' });
    expect((outcomes[before] as { reason: string }).reason).toMatch(
      /message-id b2b-2 was already handled \(order_b2b\/0\/\d+\) with other content/,
    );
    await send(order(1), { 'message-id': 'b2b-2' }); // the same content again: a redelivery
    await until(before + 2);
    expect(outcomes[before + 1]).toEqual({ status: 'duplicate' });
    expect(balance()).toBe(2158 + 18 + 19);
  });

  it('a message nested thousands of levels deep goes to the DLQ with the reason, and the next one is applied', async () => {
    const before = outcomes.length;
    await send(`{"AccountId":"ALFKI","Items":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    await send(order(1), { 'message-id': 'b2b-3' });
    await until(before + 2);
    expect(outcomes[before]).toMatchObject({ status: 'dead-lettered', reason: expect.stringMatching(/nests deeper than 64 levels/) });
    expect(outcomes[before + 1]).toMatchObject({ status: 'applied' });
  });
});
