/** The outbox relay against the embedded broker: committed messages reach Kafka once, in order, even across a broker outage. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { Broker } from '../../src/kafka/broker/broker.js';
import { connectProducer } from '../../src/kafka/client.js';
import { OutboxRelay } from '../../src/kafka/integration/relay.js';
import { freshNorthwind } from '../helpers/northwind.js';
import { waitFor } from '../helpers/wait.js';
import type { TxOp } from '../../src/rules/engine.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

let dir: string;
let broker: Broker;
let port: number;
let nw: Awaited<ReturnType<typeof freshNorthwind>>;
let relay: OutboxRelay;
const logs: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alsx-relay-'));
  broker = new Broker({ dataDir: dir, port: 0 });
  port = await broker.start();
  nw = await freshNorthwind();
  relay = new OutboxRelay(nw.store, () => connectProducer([`127.0.0.1:${port}`], 'relay-test'), {
    pollMs: 50,
    maxBackoffMs: 400,
    log: (l) => logs.push(l),
  });
  relay.start();
});
afterAll(async () => {
  await relay.stop();
  await broker.stop();
  nw.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const ship = (id: number) => {
  const out = nw.engine.run([{ update: 'Order', key: id, set: { ShippedDate: '2026-03-01' } }] as TxOp[], { origin: 'test' });
  expect(out.ok).toBe(true);
  relay.poke();
};
const until = (what: string, ok: () => boolean) => waitFor(ok, { what, detail: () => `relay said: ${logs.slice(-3).join(' | ')}` });

/** every message on the topic (its end offset read first: what is there, and nothing more can hide behind a pause) */
async function readAll(topic: string): Promise<KafkaMessage[]> {
  const kafka = new Kafka({ clientId: 'reader', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const count = Number((await admin.fetchTopicOffsets(topic))[0]!.high); // one partition
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `reader-${Math.random()}`, maxWaitTimeInMs: 200 });
  const got: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>(
    (ok) =>
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.push(message);
          if (got.length >= count) ok();
        },
      }),
  );
  await consumer.disconnect();
  return got;
}

describe('the outbox relay', () => {
  it('sends a shipped order to order_shipping once, with its message id, and marks it sent', async () => {
    ship(10692);
    await until('the outbox to drain', () => relay.pending() === 0);
    const [row] = sqliteDb(nw).prepare('SELECT * FROM "_alsx_outbox"').all() as Record<string, any>[];
    expect(row!.SentAt).not.toBeNull();
    const messages = await readAll('order_shipping');
    expect(messages).toHaveLength(1);
    expect(messages[0]!.key!.toString()).toBe('10692');
    expect(messages[0]!.headers!['message-id']!.toString()).toBe(row!.MessageId);
    expect(JSON.parse(messages[0]!.value!.toString())).toMatchObject({ order_id: 10692, customer_name: 'Alfreds Futterkiste' });
  });

  it('keeps messages while the broker is down, retrying with backoff, and sends them in order when it is back', async () => {
    await broker.stop();
    ship(10702);
    ship(11011);
    await until('the relay to notice the outage', () => logs.some((l) => /retrying in/.test(l)));
    expect(relay.pending()).toBe(2);
    broker = new Broker({ dataDir: dir, port });
    await broker.start();
    await until('the outbox to drain after the outage', () => relay.pending() === 0);
    const keys = (await readAll('order_shipping')).map((m) => m.key!.toString());
    expect(keys).toEqual(['10692', '10702', '11011']);
  });
});
