/**
 * What the Topics pane shows, read from Kafka: topics with their offsets, consumer groups with their
 * lag, a live tail, and produce. Never throws at the pane for an unreachable broker: overview()
 * says so as a state, and keeps the last picture it had.
 */
import { connectAdmin, produceOnce, tailFrom, type AdminSession, type ClusterSnapshot, type TailedMessage } from '../../kafka/client.js';

export interface PartitionSummary {
  partition: number;
  start: number;
  end: number;
}

/** a group reading a topic, and how far behind it is there */
export interface TopicReader {
  group: string;
  /** null: the group has partitions of the topic assigned but has committed nothing yet */
  lag: number | null;
}

export interface TopicSummary {
  name: string;
  partitions: PartitionSummary[];
  /** messages kept: end − start over the partitions */
  messages: number;
  /** a dead-letter topic (`<topic>.dlq`) */
  dlq: boolean;
  internal: boolean;
  readers: TopicReader[];
}

export interface GroupPosition {
  topic: string;
  partition: number;
  committed: number | null;
  end: number;
  /** end − committed; null when nothing is committed */
  lag: number | null;
}

export interface GroupSummary {
  id: string;
  state: string;
  members: number;
  positions: GroupPosition[];
  topics: string[];
  /** total over the positions that have a commit */
  lag: number;
  internal: boolean;
}

export interface Overview {
  status: 'ok' | 'unreachable';
  /** why the broker could not be read (status unreachable) */
  error?: string;
  /** when unreachable: the last ones seen, if any */
  topics: TopicSummary[];
  groups: GroupSummary[];
  /** how many internal topics and groups are hidden (see showInternal) */
  hidden: { topics: number; groups: number };
  /** when the figures were read */
  at: Date;
}

/** one message as the pane shows it */
export interface TopicMessage {
  topic: string;
  partition: number;
  offset: number;
  timestamp: string;
  key: string | null;
  headers: Record<string, string>;
  /** the value as text (null: a tombstone) */
  text: string | null;
  /** the value parsed, when it is JSON */
  json?: unknown;
}

/** stops the tail; `ready` settles once messages produced from now on will arrive (rejects if it could not start) */
export type StopTail = (() => Promise<void>) & { ready: Promise<void> };

export interface Delivered {
  partition: number;
  offset: number;
}

/** reply sinks of request/reply callers and the workbench's own throwaway tail groups */
export const isInternalTopic = (name: string): boolean => name.startsWith('alsx.replies.') || name.startsWith('__');
export const isInternalGroup = (id: string): boolean => id.startsWith('alsx-tail-') || id.startsWith('alsx.replies.');
export const isDeadLetterTopic = (name: string): boolean => name.endsWith('.dlq');

export class TopicsSource {
  /** internal topics and groups are left out of overview() unless this is on */
  showInternal = false;
  private admin: AdminSession | undefined;
  private inFlight: Promise<Overview> | undefined;
  private inFlightShows = false;
  private last: Overview | undefined;
  private readonly tails = new Set<() => Promise<void>>();

  constructor(readonly brokers: string[]) {}

  /** the current picture; concurrent calls share one round of requests (unless showInternal changed since it began) */
  overview(): Promise<Overview> {
    if (this.inFlight && this.inFlightShows === this.showInternal) return this.inFlight;
    const show = this.showInternal;
    const read: Promise<Overview> = (this.inFlight ?? Promise.resolve())
      .then(() => this.read(show))
      .finally(() => {
        if (this.inFlight === read) this.inFlight = undefined;
      });
    [this.inFlight, this.inFlightShows] = [read, show];
    return read;
  }

  /** never rejects: a failure is the unreachable state */
  private async read(show: boolean): Promise<Overview> {
    try {
      this.admin ??= await connectAdmin(this.brokers);
      const snap = await this.admin.snapshot(show ? {} : { topic: (n) => !isInternalTopic(n), group: (g) => !isInternalGroup(g) });
      this.last = { status: 'ok', ...summarize(snap), hidden: snap.skipped, at: new Date() };
      return this.last;
    } catch (e) {
      // a fresh connection next time: kafkajs may hold a broken one after the broker went away
      const broken = this.admin;
      this.admin = undefined;
      await broken?.close().catch(() => {});
      const reason = e instanceof Error ? e.message : String(e);
      return {
        status: 'unreachable',
        error: `broker unreachable (${this.brokers.join(', ')}): ${reason}`,
        topics: this.last?.topics ?? [],
        groups: this.last?.groups ?? [],
        hidden: this.last?.hidden ?? { topics: 0, groups: 0 },
        at: this.last?.at ?? new Date(),
      };
    }
  }

  /**
   * Follows `topic`: from the beginning, or else the last `last` messages (default 0) of each
   * partition and then what arrives. Errors (including failing to start) go to `onError`.
   */
  tail(
    topic: string,
    fromBeginning: boolean,
    onMessage: (m: TopicMessage) => void,
    options: { last?: number; onError?: (e: Error) => void } = {},
  ): StopTail {
    let stopped = false;
    const started = tailFrom(
      this.brokers,
      topic,
      fromBeginning ? { beginning: true } : { last: options.last ?? 0 },
      (m) => {
        if (!stopped) onMessage(toTopicMessage(m));
      },
      (e) => !stopped && options.onError?.(e),
    );
    started.catch((e: Error) => !stopped && options.onError?.(e));
    const stop = async (): Promise<void> => {
      stopped = true;
      this.tails.delete(stop);
      const consumer = await started.catch(() => undefined);
      await consumer?.close().catch(() => {});
    };
    this.tails.add(stop);
    return Object.assign(stop, { ready: started.then(() => {}) });
  }

  /** sends one message; where it landed */
  async produce(topic: string, key: string | null, value: string, headers: Record<string, string> = {}): Promise<Delivered> {
    const [d] = await produceOnce(this.brokers, topic, [{ key, value: Buffer.from(value, 'utf8'), headers }]);
    if (!d) throw new Error(`the broker did not say where the message to ${topic} landed`);
    return { partition: d.partition, offset: Number(d.offset) };
  }

  /** stops every tail still running and the admin connection */
  async close(): Promise<void> {
    await Promise.all([...this.tails].map((stop) => stop()));
    await this.inFlight?.catch(() => {});
    await this.admin?.close().catch(() => {});
    this.admin = undefined;
  }
}

function summarize(snap: ClusterSnapshot): { topics: TopicSummary[]; groups: GroupSummary[] } {
  const ends = new Map<string, number>(); // "topic/partition" → end offset
  for (const t of snap.topics) for (const p of t.partitions) ends.set(`${t.name}/${p.partition}`, p.end);

  const groups = snap.groups.map((g): GroupSummary => {
    const committed = new Map(g.committed.map((c) => [`${c.topic}/${c.partition}`, c.offset]));
    const where = new Set([...committed.keys(), ...Object.entries(g.assigned).flatMap(([t, ps]) => ps.map((p) => `${t}/${p}`))]);
    const positions = [...where]
      .filter((k) => ends.has(k))
      .sort()
      .map((k): GroupPosition => {
        const slash = k.lastIndexOf('/');
        const c = committed.get(k) ?? null;
        const end = ends.get(k)!;
        return {
          topic: k.slice(0, slash),
          partition: Number(k.slice(slash + 1)),
          committed: c,
          end,
          lag: c === null ? null : Math.max(0, end - c),
        };
      });
    return {
      id: g.groupId,
      state: g.state,
      members: g.members,
      positions,
      topics: [...new Set(positions.map((p) => p.topic))],
      lag: positions.reduce((sum, p) => sum + (p.lag ?? 0), 0),
      internal: isInternalGroup(g.groupId),
    };
  });

  const topics = snap.topics.map((t): TopicSummary => {
    const readers = groups
      .filter((g) => g.topics.includes(t.name))
      .map((g): TopicReader => {
        const here = g.positions.filter((p) => p.topic === t.name);
        return { group: g.id, lag: here.every((p) => p.lag === null) ? null : here.reduce((s, p) => s + (p.lag ?? 0), 0) };
      });
    return {
      name: t.name,
      partitions: t.partitions,
      messages: t.partitions.reduce((s, p) => s + (p.end - p.start), 0),
      dlq: isDeadLetterTopic(t.name),
      internal: isInternalTopic(t.name),
      readers,
    };
  });
  return { topics, groups };
}

export function toTopicMessage(m: TailedMessage): TopicMessage {
  const text = m.value ? m.value.toString('utf8') : null;
  const out: TopicMessage = {
    topic: m.topic,
    partition: m.partition,
    offset: Number(m.offset),
    timestamp: m.timestamp,
    key: m.key?.toString('utf8') ?? null,
    headers: m.headers,
    text,
  };
  if (text !== null) {
    try {
      out.json = JSON.parse(text);
    } catch {
      /* not JSON: shown as text */
    }
  }
  return out;
}
