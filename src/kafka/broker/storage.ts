/**
 * What the broker keeps on disk: topics (topics.json), each partition's log, and the committed
 * offsets of consumer groups (offsets.log: one JSON line per commit, fsynced, compacted on open).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE, privateDir } from '../../private-files.js';
import { DEFAULT_LOG_OPTIONS, PartitionLog, type LogOptions } from './partition-log.js';

export interface TopicConfig {
  partitions: number;
  /** retention overrides (retention.bytes / retention.ms), per partition */
  retentionBytes?: number;
  retentionMs?: number;
}

export interface CommittedOffset {
  offset: number;
  metadata: string | null;
}

export class Storage {
  private readonly topics = new Map<string, { config: TopicConfig; logs: PartitionLog[] }>();
  private readonly offsets = new Map<string, Map<string, CommittedOffset>>();
  private offsetsFd: number;
  readonly recovery: string[] = [];

  constructor(
    readonly dir: string,
    private readonly logOptions: LogOptions = DEFAULT_LOG_OPTIONS,
  ) {
    privateDir(dir);
    const topicsFile = join(dir, 'topics.json');
    if (existsSync(topicsFile)) {
      const saved = JSON.parse(readFileSync(topicsFile, 'utf8')) as Record<string, TopicConfig>;
      for (const [name, config] of Object.entries(saved)) this.openTopic(name, config);
    }
    this.offsetsFd = this.loadOffsets();
  }

  topicNames(): string[] {
    return [...this.topics.keys()].sort();
  }

  topic(name: string): { config: TopicConfig; logs: PartitionLog[] } | undefined {
    return this.topics.get(name);
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.logs[partition];
  }

  createTopic(name: string, config: TopicConfig): void {
    this.openTopic(name, config);
    this.saveTopics();
  }

  addPartitions(name: string, count: number): void {
    const t = this.topics.get(name)!;
    for (let p = t.logs.length; p < count; p++) t.logs.push(this.openLog(name, p, t.config));
    t.config.partitions = count;
    this.saveTopics();
  }

  deleteTopic(name: string): void {
    const t = this.topics.get(name);
    if (!t) return;
    for (const log of t.logs) log.destroy();
    this.topics.delete(name);
    this.saveTopics();
  }

  committed(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(group)?.get(`${topic}\u0000${partition}`);
  }

  groupsWithOffsets(): string[] {
    return [...this.offsets.keys()];
  }

  /** records commits durably before they are acknowledged */
  commit(group: string, entries: { topic: string; partition: number; offset: number; metadata: string | null }[]): void {
    if (entries.length === 0) return;
    const lines = `${entries.map((e) => JSON.stringify({ g: group, t: e.topic, p: e.partition, o: e.offset, m: e.metadata })).join('\n')}\n`;
    writeSync(this.offsetsFd, lines);
    if (this.logOptions.fsync === 'batch') fsyncSync(this.offsetsFd);
    const map = this.offsets.get(group) ?? new Map<string, CommittedOffset>();
    for (const e of entries) map.set(`${e.topic}\u0000${e.partition}`, { offset: e.offset, metadata: e.metadata });
    this.offsets.set(group, map);
  }

  close(): void {
    for (const t of this.topics.values()) for (const l of t.logs) l.close();
    closeSync(this.offsetsFd);
  }

  private openTopic(name: string, config: TopicConfig): void {
    const logs = Array.from({ length: config.partitions }, (_, p) => this.openLog(name, p, config));
    this.topics.set(name, { config, logs });
  }

  private openLog(topic: string, partition: number, config: TopicConfig): PartitionLog {
    const log = new PartitionLog(join(this.dir, `${topic}-${partition}`), {
      ...this.logOptions,
      retentionBytes: config.retentionBytes ?? this.logOptions.retentionBytes,
      retentionMs: config.retentionMs ?? this.logOptions.retentionMs,
    });
    this.recovery.push(...log.recovery);
    return log;
  }

  private saveTopics(): void {
    const file = join(this.dir, 'topics.json');
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(Object.fromEntries([...this.topics].map(([n, t]) => [n, t.config])), null, 2), {
      mode: PRIVATE_FILE,
    });
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, file);
  }

  /** replays offsets.log (a torn last line is ignored), then rewrites it compacted */
  private loadOffsets(): number {
    const file = join(this.dir, 'offsets.log');
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const e = JSON.parse(line) as { g: string; t: string; p: number; o: number; m: string | null };
          const map = this.offsets.get(e.g) ?? new Map<string, CommittedOffset>();
          map.set(`${e.t}\u0000${e.p}`, { offset: e.o, metadata: e.m });
          this.offsets.set(e.g, map);
        } catch {
          this.recovery.push(`${file}: ignored a torn last line (a commit the crash interrupted; it was never acknowledged)`);
        }
      }
    }
    const compacted = [...this.offsets].flatMap(([g, map]) =>
      [...map].map(([k, v]) => {
        const [t, p] = k.split('\u0000');
        return JSON.stringify({ g, t, p: Number(p), o: v.offset, m: v.metadata });
      }),
    );
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, compacted.length ? `${compacted.join('\n')}\n` : '', { mode: PRIVATE_FILE });
    renameSync(tmp, file);
    return openSync(file, 'a', PRIVATE_FILE);
  }
}
