/** The embedded broker with an unmodified kafkajs 2.2.4 on loopback: produce, consume, groups, admin, restarts. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressionTypes, Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs';
import { Broker } from '../../src/kafka/broker/broker.js';
import { waitFor } from '../helpers/wait.js';

let dir: string;
let broker: Broker;
let kafka: Kafka;
const logs: string[] = [];

async function startBroker(port = 0): Promise<void> {
  broker = new Broker({ dataDir: dir, port, initialRebalanceDelayMs: 100, log: (l) => logs.push(l) });
  await broker.start();
  kafka = new Kafka({
    clientId: 'test',
    brokers: [`127.0.0.1:${broker.port}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100 },
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alsx-broker-'));
  await startBroker();
});
afterAll(async () => {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** consumes until `count` messages arrived (or fails after a while) */
async function consume(consumer: Consumer, topic: string, count: number, fromBeginning = true): Promise<EachMessagePayload[]> {
  const got: EachMessagePayload[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${got.length} of ${count} messages arrived`)), 60_000);
    void consumer.run({
      eachMessage: async (m) => {
        got.push(m);
        if (got.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  return got;
}

describe('embedded broker with kafkajs', () => {
  it('round-trips messages across partitions, keys landing where the client hashed them', async () => {
    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] })).toBe(true);
    const producer = kafka.producer();
    await producer.connect();
    const sent = Array.from({ length: 30 }, (_, i) => ({
      key: `k${i % 7}`,
      value: JSON.stringify({ n: i }),
      headers: { 'message-id': `m${i}` },
    }));
    const acks = await producer.send({ topic: 'orders', messages: sent });
    expect(acks.map((a) => a.partition).sort()).toEqual([0, 1, 2].filter((p) => acks.some((a) => a.partition === p)));
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'g1' });
    const got = await consume(consumer, 'orders', 30);
    await consumer.disconnect();
    expect(got.map((m) => JSON.parse(m.message.value!.toString()).n).sort((a, b) => a - b)).toEqual(sent.map((_, i) => i));
    const byKey = new Map<string, Set<number>>();
    for (const m of got) byKey.set(m.message.key!.toString(), (byKey.get(m.message.key!.toString()) ?? new Set()).add(m.partition));
    for (const partitions of byKey.values()) expect(partitions.size).toBe(1);
    expect(got.every((m) => m.message.headers!['message-id'])).toBe(true);

    const offsets = await admin.fetchTopicOffsets('orders');
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(30);
    await admin.disconnect();
  });

  it('keeps every message and committed offset across a restart', async () => {
    await broker.stop();
    await startBroker();
    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.listTopics()).toContain('orders');
    const committed = await admin.fetchOffsets({ groupId: 'g1', topics: ['orders'] });
    expect(committed[0]!.partitions.reduce((n, p) => n + Number(p.offset), 0)).toBe(30);
    await admin.disconnect();
    const again = kafka.consumer({ groupId: 'g2' });
    expect(await consume(again, 'orders', 30)).toHaveLength(30);
    await again.disconnect();
  });

  it('creates, lists, grows, describes and deletes topics through the admin client', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: 'tmp-topic', numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '60000' }] }],
    });
    await admin.createPartitions({ topicPartitions: [{ topic: 'tmp-topic', count: 3 }] });
    expect((await admin.fetchTopicMetadata({ topics: ['tmp-topic'] })).topics[0]!.partitions).toHaveLength(3);
    const configs = await admin.describeConfigs({ resources: [{ type: 2, name: 'tmp-topic' }], includeSynonyms: false });
    expect(configs.resources[0]!.configEntries).toEqual(
      expect.arrayContaining([expect.objectContaining({ configName: 'retention.ms', configValue: '60000' })]),
    );
    await admin.createPartitions({ topicPartitions: [{ topic: 'tmp-topic', count: 2 }] }).then(
      () => {
        throw new Error('shrinking a topic should fail');
      },
      (e: Error) => expect(e.message).toMatch(/partitions|INVALID/i),
    );
    expect(await admin.createTopics({ topics: [{ topic: 'tmp-topic' }] })).toBe(false); // exists already
    await admin.deleteTopics({ topics: ['tmp-topic'] });
    expect(await admin.listTopics()).not.toContain('tmp-topic');
    await admin.disconnect();
  });

  it('accepts an idempotent producer, storing a retried batch once', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic: 'idem', messages: [{ value: 'a' }, { value: 'b' }] });
    await producer.send({ topic: 'idem', messages: [{ value: 'c' }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    expect((await admin.fetchTopicOffsets('idem'))[0]!.high).toBe('3');
    await admin.disconnect();
  });

  it('serves compressed batches as they were sent', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'zipped',
      compression: CompressionTypes.GZIP,
      messages: Array.from({ length: 50 }, (_, i) => ({ value: `compressed ${i} ${'z'.repeat(200)}` })),
    });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'zip-reader', maxWaitTimeInMs: 200 });
    const got = await consume(consumer, 'zipped', 50);
    await consumer.disconnect();
    expect(got.map((m) => m.message.value!.toString().split(' ')[1])).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
  });

  it('long-polls a fetch: a message produced while a consumer waits arrives well before the wait is over', async () => {
    // a fetch may wait 10 s: a message that arrives in far less came because the broker answered the
    // waiting fetch when it arrived, not because the wait was over (disconnecting waits out the next
    // fetch, so a longer wait costs the suite as much)
    const consumer = kafka.consumer({ groupId: 'poller', maxWaitTimeInMs: 10_000, sessionTimeout: 60_000 });
    let arrived = 0;
    await consumer.connect();
    await consumer.subscribe({ topic: 'poll', fromBeginning: true });
    const got = new Promise<void>(
      (ok) =>
        void consumer.run({
          eachMessage: async () => {
            arrived = Date.now();
            ok();
          },
        }),
    );
    const parked = () => (broker as unknown as { waiters: Set<unknown> }).waiters.size; // fetches the broker holds (private)
    await waitFor(() => parked() > 0, { what: "the consumer's fetch waiting at the broker" });
    const producer = kafka.producer();
    await producer.connect();
    const sent = Date.now();
    await producer.send({ topic: 'poll', messages: [{ value: 'now' }] });
    await got;
    expect(arrived - sent).toBeLessThan(5_000); // not the 10 s the fetch may wait
    await producer.disconnect();
    await consumer.disconnect();
  });

  it('refuses unknown topics when auto-creation is off', async () => {
    const strictDir = mkdtempSync(join(tmpdir(), 'alsx-strict-'));
    const strict = new Broker({ dataDir: strictDir, port: 0, autoCreateTopics: false });
    await strict.start();
    try {
      const client = new Kafka({
        clientId: 'strict',
        brokers: [`127.0.0.1:${strict.port}`],
        logLevel: logLevel.NOTHING,
        retry: { retries: 1, initialRetryTime: 50 },
      });
      const producer = client.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      await expect(producer.send({ topic: 'nope', messages: [{ value: 'x' }] })).rejects.toThrow(
        /does not host this topic-partition|UNKNOWN_TOPIC/i,
      );
      await producer.disconnect();
    } finally {
      await strict.stop();
      rmSync(strictDir, { recursive: true, force: true });
    }
  });
});
