/**
 * (d) The embedded broker through kafkajs on loopback: produce and consume throughput of 1 KB
 * messages in batches of 100, produce latency per batch, with the broker in its own process
 * (as `alsx broker` runs), fsync on every append (its default).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

export interface BrokerFigures {
  /** the broker process's CPU while producers wrote, as a fraction of one core (Linux /proc; NaN elsewhere) */
  brokerBusy: number;
  produceMps: number;
  produceMBps: number;
  consumeMps: number;
  consumeMBps: number;
  p50Ms: number;
  p99Ms: number;
  messages: number;
}

const MESSAGE_BYTES = 1024;
const BATCH = 100;
const BATCHES = 300;
const PRODUCERS = 4;

const freePort = (): Promise<number> =>
  new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });

/** a process's user+system CPU seconds, from /proc (Linux) */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (100/s)
  } catch {
    return Number.NaN;
  }
}

const percentile = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

export async function benchBroker(): Promise<BrokerFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'alsx-bench-broker-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      resolve(import.meta.dirname, '../bin/alsx.js'),
      'broker',
      '--port',
      String(port),
      '--data',
      dir,
      '--partitions',
      '4',
      ...(process.env.BENCH_FSYNC ? ['--fsync', process.env.BENCH_FSYNC] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((ok, fail) => {
      child.stdout!.on('data', (d) => /listening/.test(String(d)) && ok());
      child.once('exit', (code) => fail(new Error(`the broker exited (${code}) before listening`)));
    });
    const kafka = new Kafka({ clientId: 'bench', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'bench', numPartitions: 4 }] });
    await admin.disconnect();
    const payload = Buffer.alloc(MESSAGE_BYTES, 'x');
    const messages = Array.from({ length: BATCH }, (_, i) => ({ key: String(i), value: payload }));

    // produce: several producers in parallel, each sending batches one after another (acks from the broker after fsync)
    const producers = await Promise.all(
      Array.from({ length: PRODUCERS }, async () => {
        const p = kafka.producer();
        await p.connect();
        return p;
      }),
    );
    for (const p of producers) await p.send({ topic: 'bench', messages }); // warm-up
    const latencies: number[] = [];
    const cpuBefore = cpuSeconds(child.pid!);
    const started = performance.now();
    await Promise.all(
      producers.map(async (p) => {
        for (let i = 0; i < BATCHES / PRODUCERS; i++) {
          const t = performance.now();
          await p.send({ topic: 'bench', acks: -1, messages });
          latencies.push(performance.now() - t);
        }
      }),
    );
    const produceSeconds = (performance.now() - started) / 1000;
    const brokerBusy = (cpuSeconds(child.pid!) - cpuBefore) / produceSeconds;
    await Promise.all(producers.map((p) => p.disconnect()));
    const produced = BATCHES * BATCH;
    const total = produced + PRODUCERS * BATCH;

    // consume everything from the beginning, as one group member
    const consumer = kafka.consumer({ groupId: 'bench', maxBytesPerPartition: 4 * 1024 * 1024 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'bench', fromBeginning: true });
    let consumed = 0;
    let consumeStarted = 0;
    const consumeSeconds = await new Promise<number>((ok) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          if (consumeStarted === 0) consumeStarted = performance.now();
          consumed += batch.messages.length;
          if (consumed >= total) ok((performance.now() - consumeStarted) / 1000);
        },
      });
    });
    await consumer.disconnect();
    const mb = (n: number) => (n * MESSAGE_BYTES) / 1024 / 1024;
    return {
      brokerBusy,
      produceMps: produced / produceSeconds,
      produceMBps: mb(produced) / produceSeconds,
      consumeMps: total / consumeSeconds,
      consumeMBps: mb(total) / consumeSeconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      messages: produced,
    };
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
