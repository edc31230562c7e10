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
