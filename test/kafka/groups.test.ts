/** A consumer group of three kafkajs members: disjoint partitions, rebalances on join, leave and crash, no committed work lost or repeated. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Broker } from '../../src/kafka/broker/broker.js';
import { waitFor } from '../helpers/wait.js';

let dir: string;
let broker: Broker;
let kafka: Kafka;
const logs: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alsx-groups-'));
  broker = new Broker({ dataDir: dir, port: 0, initialRebalanceDelayMs: 200, log: (l) => logs.push(l) });
  await broker.start();
  kafka = new Kafka({ clientId: 'groups', brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'work', numPartitions: 6 }] });
  await admin.disconnect();
});
afterAll(async () => {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

const seen = new Map<string, number>(); // partition/offset → times processed
const assignments = new Map<string, number[]>();
/** per partition, the offset committed so far: processing below it again would repeat committed work */
const committed = new Map<number, number>();
const repeatsOfCommitted: string[] = [];
const record = (who: string) => (partition: number, offset: string) => {
  if (Number(offset) < (committed.get(partition) ?? 0))
    repeatsOfCommitted.push(`${who} ${partition}/${offset} (committed up to ${committed.get(partition)})`);
  seen.set(`${partition}/${offset}`, (seen.get(`${partition}/${offset}`) ?? 0) + 1);
};
const commit = (partition: number, offset: number) => committed.set(partition, Math.max(committed.get(partition) ?? 0, offset));

async function member(name: string): Promise<Consumer> {
  // kafkajs heartbeats between fetches, so a fetch may not wait longer than the session lasts
  const c = kafka.consumer({
    groupId: 'workers',
    sessionTimeout: 3000,
    heartbeatInterval: 300,
    rebalanceTimeout: 5000,
    maxWaitTimeInMs: 500,
  });
  c.on(c.events.GROUP_JOIN, (e) => assignments.set(name, e.payload.memberAssignment.work ?? []));
  c.on(c.events.COMMIT_OFFSETS, (e) => {
    for (const t of e.payload.topics) for (const p of t.partitions) commit(Number(p.partition), Number(p.offset));
  });
  await c.connect();
  await c.subscribe({ topic: 'work', fromBeginning: true });
  const note = record(name);
  await c.run({ autoCommitThreshold: 1, eachMessage: async ({ partition, message }) => note(partition, message.offset) });
  return c;
}

/** the child's first assignment, and `latest()`: its share after the last rebalance it took part in */
function child(): { proc: ChildProcess; assigned: Promise<number[]>; latest(): number[] } {
  const proc = spawn(process.execPath, [
    '--import',
    'tsx',
    resolve(import.meta.dirname, 'fixtures/group-member.ts'),
    `127.0.0.1:${broker.port}`,
    'workers',
    'work',
  ]);
  const note = record('child');
  let buffer = '';
  let resolveAssigned: (p: number[]) => void;
  let latest: number[] = [];
  const assigned = new Promise<number[]>((r) => (resolveAssigned = r));
  proc.stdout!.on('data', (d) => {
    buffer += d;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = JSON.parse(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
      if (line.joined) resolveAssigned((latest = line.joined.work ?? []));
      else if (line.committed) commit(line.committed.partition, line.committed.offset);
      else note(line.partition, line.offset);
    }
  });
  return { proc, assigned, latest: () => latest };
}

async function produce(from: number, to: number): Promise<void> {
  const p = kafka.producer();
  await p.connect();
  await p.send({
    topic: 'work',
    messages: Array.from({ length: to - from }, (_, i) => ({ key: String(from + i), value: String(from + i) })),
  });
  await p.disconnect();
}

const until = (what: string, ok: () => boolean) => waitFor(ok, { what, detail: () => `broker said:\n${logs.slice(-15).join('\n')}` });
const disjointCover = (lists: number[][]) =>
  lists
    .flat()
    .sort((a, b) => a - b)
    .join() === '0,1,2,3,4,5';

describe('a consumer group of three', () => {
  it('splits partitions, rebalances on join, leave and crash, and never repeats committed work', async () => {
    await produce(0, 60);
    const a = await member('a');
    const b = await member('b');
    await until(
      'two members sharing all six partitions',
      () => assignments.has('a') && assignments.has('b') && disjointCover([assignments.get('a')!, assignments.get('b')!]),
    );
    await until('the first 60 messages', () => seen.size === 60);

    const c = child();
    await c.assigned;
    // (a busy machine may take a member past its session and rebalance again: the shares are the latest)
    await until(
      'a three-way split',
      () => disjointCover([assignments.get('a')!, assignments.get('b')!, c.latest()]) && c.latest().length > 0,
    );
    await produce(60, 90);
    await until('the next 30 messages', () => seen.size === 90);

    await b.disconnect(); // leaves the group
    await until('a rebalance after b left', () => logs.some((l) => /left group workers/.test(l)));
    await produce(90, 120);
    await until('the next 30 messages', () => seen.size === 120);

    c.proc.kill('SIGKILL'); // a crash: no leave, only a missed session
    await until('the crashed member expiring', () => logs.some((l) => /missed its session timeout/.test(l)));
    await until('a owning every partition', () => (assignments.get('a') ?? []).length === 6);
    await produce(120, 150);
    await until('the last 30 messages', () => seen.size === 150);
    await a.disconnect();

    // at least once: every message; and no committed work done twice (a message processed but not yet
    // committed when its partition moved may legitimately be seen again by the new owner)
    expect(seen.size).toBe(150);
    expect(repeatsOfCommitted).toEqual([]);
    expect(logs.filter((l) => /rebalancing/.test(l)).length).toBeGreaterThanOrEqual(4);
  });
});
