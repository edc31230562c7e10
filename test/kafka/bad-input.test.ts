/** Bad input never takes the broker down: random and mutated frames, oversized frames, SASL and transactions refused with a reason. */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Kafka, logLevel } from 'kafkajs';
import { Broker } from '../../src/kafka/broker/broker.js';
import { encode, Writer } from '../../src/kafka/protocol/codec.js';
import { apiByKey, saslHandshakeRequest } from '../../src/kafka/protocol/messages/index.js';

let dir: string;
let broker: Broker;
const logs: string[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alsx-bad-'));
  broker = new Broker({ dataDir: dir, port: 0, log: (l) => logs.push(l) });
  await broker.start();
});
afterAll(async () => {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * sends raw bytes on a fresh connection; resolves with what came back once the broker closed it,
 * or once a whole response frame came back. `quietMs`, for fuzzing only: give up after that long
 * without an answer (a random frame may leave the broker waiting for the rest of it, rightly).
 * Without it the bound is generous: the broker must answer or close, however busy the machine.
 */
function exchange(bytes: Buffer, quietMs?: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket: Socket = connect(broker.port, '127.0.0.1', () => socket.write(bytes));
    const giveUp = () =>
      quietMs === undefined ? reject(new Error('the broker neither answered nor closed the connection in 30 s')) : socket.destroy();
    let timer = setTimeout(giveUp, quietMs ?? 30_000);
    socket.on('data', (d) => {
      chunks.push(d);
      const got = Buffer.concat(chunks);
      if (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) return socket.destroy(); // a whole response
      clearTimeout(timer);
      timer = setTimeout(giveUp, quietMs ?? 30_000);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

function frame(apiKey: number, version: number, body: Buffer, correlationId = 7): Buffer {
  const w = new Writer().int32(0).int16(apiKey).int16(version).int32(correlationId).int16(4).raw(Buffer.from('fuzz')).raw(body);
  const b = w.toBuffer();
  b.writeInt32BE(b.length - 4, 0);
  return Buffer.from(b);
}

async function stillServes(): Promise<void> {
  const kafka = new Kafka({ clientId: 'check', brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING, retry: { retries: 1 } });
  const admin = kafka.admin();
  await admin.connect();
  await admin.listTopics();
  await admin.disconnect();
}

describe('the broker under bad input', () => {
  it('survives random frames', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 200 }), async (bytes) => {
        await exchange(Buffer.from(bytes), 30);
      }),
      { numRuns: 60, seed: 4242 },
    );
    await stillServes();
  });

  it('survives mutated valid requests (flipped bytes, truncation) of every API', async () => {
    const valid = [...apiByKey.values()].map((api) =>
      frame(api.key, api.maxVersion, Buffer.from(encode(api.request, api.maxVersion, {}).toBuffer())),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: valid.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(),
        async (i, flips, cut) => {
          const b = Buffer.from(valid[i]!);
          for (const [at, value] of flips) b[4 + (at % Math.max(1, b.length - 4))] = value;
          await exchange(b.subarray(0, Math.max(4, b.length - (cut % 6))), 30);
        },
      ),
      { numRuns: 80, seed: 4242 },
    );
    await stillServes();
  });

  it('closes a connection that announces an oversized or negative frame, saying why', async () => {
    const huge = Buffer.alloc(8);
    huge.writeInt32BE(500 * 1024 * 1024, 0);
    expect((await exchange(huge)).length).toBe(0);
    const negative = Buffer.alloc(8);
    negative.writeInt32BE(-1, 0);
    expect((await exchange(negative)).length).toBe(0);
    expect(logs.some((l) => /a frame of 524288000 bytes/.test(l))).toBe(true);
    await stillServes();
  });

  it('closes a connection asking for an unknown API or version, and answers ApiVersions with an unsupported version', async () => {
    expect((await exchange(frame(999, 0, Buffer.alloc(0)))).length).toBe(0);
    expect(logs.some((l) => /unknown api key 999/.test(l))).toBe(true);
    expect((await exchange(frame(3, 99, Buffer.alloc(0)))).length).toBe(0);
    expect(logs.some((l) => /Metadata v99 is not supported/.test(l))).toBe(true);
    const reply = await exchange(frame(18, 99, Buffer.alloc(0)));
    expect(reply.readInt32BE(4)).toBe(7); // correlation id
    expect(reply.readInt16BE(8)).toBe(35); // UNSUPPORTED_VERSION, with our versions after it
  });

  it('refuses SASL with a clear error code and a log line', async () => {
    const reply = await exchange(frame(17, 1, Buffer.from(encode(saslHandshakeRequest, 1, { Mechanism: 'PLAIN' }).toBuffer())));
    expect(reply.readInt16BE(8)).toBe(33); // UNSUPPORTED_SASL_MECHANISM
    expect(logs.some((l) => /asked for SASL PLAIN/.test(l))).toBe(true);
  });

  it('refuses a transactional producer, saying why', async () => {
    const kafka = new Kafka({
      clientId: 'tx',
      brokers: [`127.0.0.1:${broker.port}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 1, initialRetryTime: 50 },
    });
    const producer = kafka.producer({ transactionalId: 'tx-1', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await expect(producer.transaction()).rejects.toThrow();
    expect(logs.some((l) => /transactions are not supported/.test(l))).toBe(true);
    await producer.disconnect().catch(() => {});
  });

  it('refuses a corrupted record batch with CORRUPT_MESSAGE and keeps the log clean', async () => {
    const kafka = new Kafka({ clientId: 'ok', brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'clean', messages: [{ value: 'good' }] });
    await producer.disconnect();
    // a Produce v3 request whose batch has a wrong CRC
    const batch = Buffer.alloc(61 + 8);
    batch.writeInt32BE(batch.length - 12, 8);
    batch.writeInt8(2, 16);
    batch.writeUInt32BE(12345, 17);
    const produce = apiByKey.get(0)!;
    const body = encode(produce.request, 3, {
      TransactionalId: null,
      Acks: 1,
      TimeoutMs: 1000,
      TopicData: [{ Name: 'clean', PartitionData: [{ Index: 0, Records: batch }] }],
    }).toBuffer();
    const reply = await exchange(frame(0, 3, Buffer.from(body)));
    expect(reply.length).toBeGreaterThan(0);
    expect(logs.some((l) => /refused a batch for clean-0 .*CRC-32C mismatch/.test(l))).toBe(true);
    const admin = kafka.admin();
    await admin.connect();
    expect((await admin.fetchTopicOffsets('clean'))[0]!.high).toBe('1');
    await admin.disconnect();
  });
});
