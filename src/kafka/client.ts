/**
 * The one place alsx uses kafkajs (2.2.4, dormant upstream): a small producer interface the
 * integration layer works against, whether the broker is the embedded one or a real cluster.
 */
import { Kafka, logLevel, type Producer } from 'kafkajs';

export interface OutgoingMessage {
  topic: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

export interface MessageProducer {
  /** sends in order (per partition, as given), acknowledged by all in-sync replicas */
  send(messages: OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

export function kafkaClient(brokers: string[], clientId: string): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 } });
}

export async function connectProducer(brokers: string[], clientId = 'alsx'): Promise<MessageProducer> {
  const producer: Producer = kafkaClient(brokers, clientId).producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
  await producer.connect();
  return {
    async send(messages) {
      const byTopic = new Map<string, OutgoingMessage[]>();
      for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list.map((m) => ({ key: m.key, value: m.value, headers: m.headers })) })),
      });
    },
    close: () => producer.disconnect(),
  };
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface MessageConsumer {
  /** stops consuming and leaves the group */
  close(): Promise<void>;
}

/**
 * Consumes `topic` as a member of `group`, one message at a time: the offset is committed after
 * `handle` returns (every message, or — when the handler recognises redeliveries itself, as the
 * topic workers' inbox does — every `commitEvery` messages or 250 ms); if `handle` throws (a
 * transient failure), the message is fetched and handled again.
 */
export async function runConsumer(brokers: string[], group: string, topic: string, handle: (m: IncomingMessage) => Promise<void>, options: { fromBeginning?: boolean; clientId?: string; commitEvery?: number } = {}): Promise<MessageConsumer> {
  const consumer = kafkaClient(brokers, options.clientId ?? `alsx-${group}`).consumer({ groupId: group, maxWaitTimeInMs: 500, sessionTimeout: 6000, heartbeatInterval: 500, retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2000 } });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommitThreshold: options.commitEvery ?? 1,
    ...(options.commitEvery ? { autoCommitInterval: 250 } : {}),
    eachMessage: async ({ topic: t, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
      await handle({ topic: t, partition, offset: message.offset, key: message.key, value: message.value, headers });
    },
  });
  return { close: () => consumer.disconnect() };
}

export interface Delivery {
  topic: string;
  partition: number;
  /** the first offset the batch took in this partition */
  offset: string;
}

/** one-off produce (alsx produce): waits for every message to be acknowledged, says where they landed */
export async function produceOnce(brokers: string[], topic: string, messages: { key: string | null; value: Buffer; headers: Record<string, string> }[]): Promise<Delivery[]> {
  const producer = kafkaClient(brokers, 'alsx-produce').producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
  await producer.connect();
  try {
    const out: Delivery[] = [];
    for (let i = 0; i < messages.length; i += 1000) {
      const batch = messages.slice(i, i + 1000);
      const meta = await producer.send({ topic, acks: -1, messages: batch });
      // per partition written: where this batch's messages begin (they are consecutive there)
      for (const m of meta) out.push({ topic, partition: m.partition, offset: String(m.baseOffset ?? m.offset) });
    }
    return out;
  } finally {
    await producer.disconnect();
  }
}

/** the offsets a topic's partitions end at now (the next offset to be written) */
export async function endOffsets(brokers: string[], topic: string): Promise<Map<number, bigint>> {
  const admin = kafkaClient(brokers, 'alsx-tail').admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

export interface TailedMessage extends IncomingMessage {
  timestamp: string;
}

/**
 * Reads `topic` as it grows, for a person or a script (alsx tail): with `group`, as a member that
 * commits its place; without, from a throwaway group that commits nothing.
 */
export async function tail(brokers: string[], topic: string, options: { group?: string; fromBeginning: boolean }, each: (m: TailedMessage) => void | Promise<void>): Promise<MessageConsumer> {
  const commit = options.group !== undefined;
  const groupId = options.group ?? `alsx-tail-${process.pid}-${Date.now().toString(36)}`;
  const consumer = kafkaClient(brokers, 'alsx-tail').consumer({ groupId, maxWaitTimeInMs: 250, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: options.fromBeginning });
  await consumer.run({
    autoCommit: commit,
    eachMessage: async ({ topic: t, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
      await each({ topic: t, partition, offset: message.offset, key: message.key, value: message.value, headers, timestamp: new Date(Number(message.timestamp)).toISOString() });
    },
  });
  return { close: () => consumer.disconnect() };
}
