/**
 * The one place alsx uses kafkajs (2.2.4, dormant upstream): a small producer interface the
 * integration layer works against, whether the broker is the embedded one or a real cluster.
 */
import { AssignerProtocol, Kafka, logLevel, type Producer } from 'kafkajs';

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
  const producer: Producer = kafkaClient(brokers, clientId).producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: true,
  });
  await producer.connect();
  return {
    async send(messages) {
      const byTopic = new Map<string, OutgoingMessage[]>();
      for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
        })),
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
 * transient failure), the message is fetched and handled again. Fetches wait at most 100 ms for
 * data (the broker answers at once when there is some), so leaving the group is quick.
 */
export async function runConsumer(
  brokers: string[],
  group: string,
  topic: string,
  handle: (m: IncomingMessage) => Promise<void>,
  options: { fromBeginning?: boolean; clientId?: string; commitEvery?: number } = {},
): Promise<MessageConsumer> {
  const consumer = kafkaClient(brokers, options.clientId ?? `alsx-${group}`).consumer({
    groupId: group,
    maxWaitTimeInMs: 100,
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2000 },
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommitThreshold: options.commitEvery ?? 1,
    ...(options.commitEvery ? { autoCommitInterval: 250 } : {}),
    eachMessage: async ({ topic: t, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {}))
        if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
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
export async function produceOnce(
  brokers: string[],
  topic: string,
  messages: { key: string | null; value: Buffer; headers: Record<string, string> }[],
): Promise<Delivery[]> {
  const producer = kafkaClient(brokers, 'alsx-produce').producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: true,
  });
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
export async function tail(
  brokers: string[],
  topic: string,
  options: { group?: string; fromBeginning: boolean },
  each: (m: TailedMessage) => void | Promise<void>,
): Promise<MessageConsumer> {
  const commit = options.group !== undefined;
  const groupId = options.group ?? `alsx-tail-${process.pid}-${Date.now().toString(36)}`;
  const consumer = kafkaClient(brokers, 'alsx-tail').consumer({
    groupId,
    maxWaitTimeInMs: 250,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: options.fromBeginning });
  await consumer.run({
    autoCommit: commit,
    eachMessage: async ({ topic: t, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {}))
        if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
      await each({
        topic: t,
        partition,
        offset: message.offset,
        key: message.key,
        value: message.value,
        headers,
        timestamp: new Date(Number(message.timestamp)).toISOString(),
      });
    },
  });
  return { close: () => consumer.disconnect() };
}

// ── the workbench's view of a broker: topics, groups, offsets (added for the Topics pane) ──────

export interface PartitionOffsets {
  partition: number;
  /** the oldest offset still kept (retention may have dropped older ones) */
  start: number;
  /** the next offset to be written */
  end: number;
}

export interface TopicOffsets {
  name: string;
  partitions: PartitionOffsets[];
}

export interface GroupOffsets {
  groupId: string;
  /** Stable, Empty, PreparingRebalance, … as the coordinator says */
  state: string;
  members: number;
  /** topic → partitions assigned to the group's members now */
  assigned: Record<string, number[]>;
  /** committed offsets (only partitions with a commit) */
  committed: { topic: string; partition: number; offset: number }[];
}

export interface ClusterSnapshot {
  topics: TopicOffsets[];
  groups: GroupOffsets[];
  /** topics and groups left out by the filters */
  skipped: { topics: number; groups: number };
}

export interface SnapshotFilter {
  topic?: (name: string) => boolean;
  group?: (groupId: string) => boolean;
}

export interface AdminSession {
  /** every topic with its partitions' offsets, every group with its members and commits */
  snapshot(filter?: SnapshotFilter): Promise<ClusterSnapshot>;
  close(): Promise<void>;
}

/** one admin connection kept open for repeated snapshots (the workbench polls it every second or two) */
export async function connectAdmin(brokers: string[], clientId = 'alsx-workbench'): Promise<AdminSession> {
  const admin = kafkaClient(brokers, clientId).admin();
  await admin.connect();
  return {
    async snapshot(filter = {}) {
      const { topics: listed } = await admin.fetchTopicMetadata();
      const names = listed
        .map((t) => t.name)
        .filter((n) => filter.topic?.(n) ?? true)
        .sort();
      const topics = await Promise.all(
        names.map(async (name): Promise<TopicOffsets> => {
          const offsets = await admin.fetchTopicOffsets(name);
          return {
            name,
            partitions: offsets
              .map((o) => ({ partition: o.partition, start: Number(o.low), end: Number(o.high) }))
              .sort((a, b) => a.partition - b.partition),
          };
        }),
      );
      const { groups: allGroups } = await admin.listGroups();
      const ids = allGroups
        .map((g) => g.groupId)
        .filter((id) => filter.group?.(id) ?? true)
        .sort();
      const described = ids.length ? (await admin.describeGroups(ids)).groups : [];
      const groups = await Promise.all(
        described.map(async (g): Promise<GroupOffsets> => {
          const assigned: Record<string, number[]> = {};
          for (const m of g.members) {
            if (!m.memberAssignment?.length) continue;
            const a = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
            for (const [topic, partitions] of Object.entries(a?.assignment ?? {}))
              assigned[topic] = [...(assigned[topic] ?? []), ...partitions].sort((x, y) => x - y);
          }
          // one OffsetFetch for all the topics shown: a group's commits are wherever it read
          const fetched = names.length ? await admin.fetchOffsets({ groupId: g.groupId, topics: names }) : [];
          const committed = fetched.flatMap((t) =>
            t.partitions
              .filter((p) => Number(p.offset) >= 0)
              .map((p) => ({ topic: t.topic, partition: p.partition, offset: Number(p.offset) })),
          );
          return { groupId: g.groupId, state: g.state, members: g.members.length, assigned, committed };
        }),
      );
      return { topics, groups, skipped: { topics: listed.length - names.length, groups: allGroups.length - ids.length } };
    },
    close: () => admin.disconnect(),
  };
}

let throwawayGroups = 0;

/**
 * Reads `topic` for a person (the workbench's tail): from the beginning, or the last `last`
 * messages of each partition as it is when called, then as it grows. A throwaway group that
 * commits nothing, so tailing never moves a real consumer. Resolves once the consumer is in its
 * group: a message produced after that is delivered.
 */
export async function tailFrom(
  brokers: string[],
  topic: string,
  from: { beginning: true } | { last: number },
  each: (m: TailedMessage) => void,
  onError?: (e: Error) => void,
): Promise<MessageConsumer> {
  const kafka = kafkaClient(brokers, 'alsx-tail');
  const admin = kafka.admin();
  await admin.connect();
  let starts: Map<number, number>;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    starts = new Map(
      offsets.map((o) => [o.partition, 'last' in from ? Math.max(Number(o.low), Number(o.high) - from.last) : Number(o.low)]),
    );
  } finally {
    await admin.disconnect();
  }
  const groupId = `alsx-tail-${process.pid}-${(throwawayGroups += 1)}-${Date.now().toString(36)}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  if (onError) consumer.on(consumer.events.CRASH, (e) => onError(e.payload.error));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic: t, partition, message }) => {
        // the first fetch may run before the seeks below land: skip what lies before the start
        if (Number(message.offset) < (starts.get(partition) ?? 0)) return;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {}))
          if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
        each({
          topic: t,
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers,
          timestamp: new Date(Number(message.timestamp)).toISOString(),
        });
      },
    });
    for (const [partition, offset] of starts) consumer.seek({ topic, partition, offset: String(offset) });
  } catch (e) {
    await consumer.disconnect().catch(() => {});
    throw e;
  }
  return { close: () => consumer.disconnect() };
}
