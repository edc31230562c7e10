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
 * `handle` returns; if it throws (a transient failure), the message is fetched and handled again.
 */
export async function runConsumer(brokers: string[], group: string, topic: string, handle: (m: IncomingMessage) => Promise<void>, options: { fromBeginning?: boolean; clientId?: string } = {}): Promise<MessageConsumer> {
  const consumer = kafkaClient(brokers, options.clientId ?? `alsx-${group}`).consumer({ groupId: group, maxWaitTimeInMs: 500, sessionTimeout: 10_000, heartbeatInterval: 1000, retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2000 } });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommitThreshold: 1,
    eachMessage: async ({ topic: t, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
      await handle({ topic: t, partition, offset: message.offset, key: message.key, value: message.value, headers });
    },
  });
  return { close: () => consumer.disconnect() };
}
