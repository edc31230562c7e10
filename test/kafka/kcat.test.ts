/** The embedded broker against librdkafka (kcat) — metadata, produce, consume by offset, group consume — and kafkajs on the same broker. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { Broker } from '../../src/kafka/broker/broker.js';

let dir: string;
let broker: Broker;
let address: string;

beforeAll(async () => {
  const found = spawnSync('kcat', ['-V']);
  if (found.error) throw new Error('kcat is not installed: apt-get install kcat (.ci/run does this)');
  dir = mkdtempSync(join(tmpdir(), 'alsx-kcat-'));
  broker = new Broker({ dataDir: dir, port: 0, defaultPartitions: 2, initialRebalanceDelayMs: 100 });
  await broker.start();
  address = `127.0.0.1:${broker.port}`;
});
afterAll(async () => {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** kcat in a child process (async: the broker runs in this process's event loop) */
const kcat = (args: string[], input = ''): Promise<{ code: number | null; out: string; err: string }> =>
  new Promise((resolve) => {
    const child = spawn('kcat', ['-b', address, ...args]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000); // a bound for a hang, not for kcat's speed
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
    child.stdin.end(input);
  });

describe('kcat (librdkafka)', () => {
  it('produces with keys, lists metadata, and consumes by offset', async () => {
    expect((await kcat(['-P', '-t', 'kc', '-K:'], 'k1:one\nk2:two\nk1:three\n')).code).toBe(0);
    const meta = JSON.parse((await kcat(['-L', '-J'])).out);
    expect(meta.brokers).toEqual([expect.objectContaining({ id: 0, name: address })]);
    expect(meta.topics.find((t: any) => t.topic === 'kc').partitions).toHaveLength(2);
    const all = await kcat(['-C', '-t', 'kc', '-o', 'beginning', '-e', '-f', '%k=%s\n']);
    expect(all.code).toBe(0);
    expect(all.out.trim().split('\n').sort()).toEqual(['k1=one', 'k1=three', 'k2=two']);
    expect(all.err).not.toMatch(/PROTOERR|Protocol parse failure/);
    const p = JSON.parse((await kcat(['-C', '-t', 'kc', '-o', 'beginning', '-e', '-J'])).out.trim().split('\n')[0]!).partition;
    const second = await kcat(['-C', '-t', 'kc', '-p', String(p), '-o', '1', '-c', '1', '-f', '%o %s\n']);
    expect(second.out).toMatch(/^1 /);
  });

  it('consumes as a group, and the group resumes where it committed', async () => {
    await kcat(['-P', '-t', 'kg'], 'a\nb\nc\n');
    const first = await kcat(['-G', 'kcat-group', '-o', 'beginning', '-e', '-f', '%s\n', 'kg']);
    expect(first.code).toBe(0);
    expect(first.out.trim().split('\n').sort()).toEqual(['a', 'b', 'c']);
    await kcat(['-P', '-t', 'kg'], 'd\n');
    // 'd' may land on a partition the first run found empty, so has no committed offset: there the
    // group starts from the beginning (as it would on Kafka; the default, latest, would skip 'd')
    const next = await kcat(['-G', 'kcat-group', '-X', 'auto.offset.reset=earliest', '-e', '-f', '%s\n', 'kg']);
    expect(next.out.trim()).toBe('d');
  });

  it('shares the broker with kafkajs in both directions', async () => {
    const kafka = new Kafka({ clientId: 'mix', brokers: [address], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'mixed', messages: [{ key: 'x', value: 'from kafkajs' }] });
    await producer.disconnect();
    await kcat(['-P', '-t', 'mixed', '-K:'], 'y:from kcat\n');
    const seen = (await kcat(['-C', '-t', 'mixed', '-o', 'beginning', '-e', '-f', '%k %s\n'])).out.trim().split('\n').sort();
    expect(seen).toEqual(['x from kafkajs', 'y from kcat']);
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('mixed');
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(2);
    await admin.disconnect();
  });
});
