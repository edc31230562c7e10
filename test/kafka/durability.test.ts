/** SIGKILL during writes: every message the broker acknowledged is there after a restart, and the log is whole. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { Broker } from '../../src/kafka/broker/broker.js';
import { waitFor } from '../helpers/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'alsx-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const freePort = (): Promise<number> =>
  new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });

describe('a broker killed with SIGKILL while producers write', () => {
  it('keeps every acknowledged message', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [resolve(import.meta.dirname, '../../bin/alsx.js'), 'broker', '--port', String(port), '--data', dir, '--partitions', '2'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await new Promise<void>((ok, fail) => {
      child.stdout!.on('data', (d) => /listening/.test(String(d)) && ok());
      child.once('exit', (code) => fail(new Error(`broker exited ${code}`)));
    });
    const kafka = new Kafka({ clientId: 'durable', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    const acked: string[] = [];
    let n = 0;
    let stop = false;
    const writers = [0, 1, 2].map(async (w) => {
      while (!stop) {
        const batch = Array.from({ length: 5 }, () => ({ key: `w${w}`, value: `m${n++}` }));
        try {
          await producer.send({ topic: 'durable', acks: -1, messages: batch });
          acked.push(...batch.map((m) => m.value));
        } catch {
          return; // the broker is gone: this batch was never acknowledged
        }
      }
    });
    await waitFor(() => acked.length >= 300, { what: '300 acknowledged messages', detail: () => `${acked.length} so far` });
    child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await producer.disconnect().catch(() => {});

    const logs: string[] = [];
    const broker = new Broker({ dataDir: dir, port: 0, log: (l) => logs.push(l) });
    await broker.start();
    try {
      const again = new Kafka({ clientId: 'reader', brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING });
      const consumer = again.consumer({ groupId: 'check', maxWaitTimeInMs: 200 });
      const stored: string[] = [];
      const admin = again.admin();
      await admin.connect();
      const total = (await admin.fetchTopicOffsets('durable')).reduce((s, o) => s + Number(o.high), 0);
      await admin.disconnect();
      await consumer.connect();
      await consumer.subscribe({ topic: 'durable', fromBeginning: true });
      await new Promise<void>((ok) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            stored.push(message.value!.toString());
            if (stored.length >= total) ok();
          },
        });
      });
      await consumer.disconnect();
      const have = new Set(stored);
      expect(acked.filter((v) => !have.has(v))).toEqual([]);
      expect(stored.length).toBe(have.size); // each stored once
    } finally {
      await broker.stop();
    }
  });
});
