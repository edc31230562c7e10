/** The Topics pane's source against a real embedded broker and kafkajs: overview, lag, tail, produce, an unreachable broker. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker } from '../../src/kafka/broker/broker.js';
import { runConsumer, type MessageConsumer } from '../../src/kafka/client.js';
import { TopicsSource, type Overview, type TopicMessage } from '../../src/tui/topics/source.js';
import { waitFor } from '../helpers/wait.js';

let dir: string;
let broker: Broker;
let source: TopicsSource;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alsx-topics-source-'));
  broker = new Broker({ dataDir: dir, port: 0, initialRebalanceDelayMs: 50 });
  await broker.start();
  source = new TopicsSource([`127.0.0.1:${broker.port}`]);
});
afterAll(async () => {
  await source.close();
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** what `read` gives, once `ok` holds for it */
async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  let v: T | undefined;
  await waitFor(async () => ok((v = await read())), { what, every: 100, detail: () => `last: ${JSON.stringify(v)}` });
  return v as T;
}

const topicIn = (o: Overview, name: string) => o.topics.find((t) => t.name === name);
const groupIn = (o: Overview, id: string) => o.groups.find((g) => g.id === id);

describe('TopicsSource', () => {
  it('produce says where the message landed', async () => {
    expect(await source.produce('orders', 'k1', '{"n":1}', { origin: 'test' })).toEqual({ partition: 0, offset: 0 });
    expect(await source.produce('orders', null, '{"n":2}')).toEqual({ partition: 0, offset: 1 });
  });

  it('overview: topics with partitions, end offsets, message counts and the dead-letter flag; internal topics hidden unless asked', async () => {
    await source.produce('orders.dlq', null, 'not json', { 'alsx-error': 'not JSON' });
    await source.produce('alsx.replies.host-1-abc', null, '{}');
    const o = await source.overview();
    expect(o.status).toBe('ok');
    expect(topicIn(o, 'orders')).toMatchObject({ partitions: [{ partition: 0, start: 0, end: 2 }], messages: 2, dlq: false });
    expect(topicIn(o, 'orders.dlq')).toMatchObject({ messages: 1, dlq: true });
    expect(topicIn(o, 'alsx.replies.host-1-abc')).toBeUndefined();
    expect(o.hidden.topics).toBe(1);
    source.showInternal = true;
    const all = await source.overview();
    source.showInternal = false;
    expect(topicIn(all, 'alsx.replies.host-1-abc')).toMatchObject({ internal: true, messages: 1 });
    expect(all.hidden.topics).toBe(0);
  });

  it("a group's lag: 0 once it has consumed, then what was produced while it was away, then 0 again", async () => {
    const seen: string[] = [];
    let consumer: MessageConsumer = await runConsumer(source.brokers, 'billing', 'orders', async (m) => void seen.push(m.offset));
    await until(
      'billing to consume',
      async () => seen.length,
      (n) => n >= 2,
    );
    let o = await until(
      'billing lag 0',
      () => source.overview(),
      (v) => groupIn(v, 'billing')?.positions[0]?.committed === 2,
    );
    expect(groupIn(o, 'billing')).toMatchObject({
      members: 1,
      topics: ['orders'],
      lag: 0,
      positions: [{ topic: 'orders', partition: 0, committed: 2, end: 2, lag: 0 }],
    });
    expect(topicIn(o, 'orders')!.readers).toEqual([{ group: 'billing', lag: 0 }]);
    await consumer.close();

    await source.produce('orders', null, '{"n":3}');
    await source.produce('orders', null, '{"n":4}');
    o = await source.overview();
    expect(groupIn(o, 'billing')).toMatchObject({ members: 0, lag: 2, positions: [{ committed: 2, end: 4, lag: 2 }] });
    expect(topicIn(o, 'orders')!.readers).toEqual([{ group: 'billing', lag: 2 }]);

    consumer = await runConsumer(source.brokers, 'billing', 'orders', async (m) => void seen.push(m.offset));
    o = await until(
      'billing to catch up',
      () => source.overview(),
      (v) => groupIn(v, 'billing')?.lag === 0,
    );
    expect(seen).toEqual(['0', '1', '2', '3']);
    await consumer.close();
  });

  it('tail: what is produced once it is ready, with key, headers and parsed JSON; from the beginning on request; commits nothing', async () => {
    const live: TopicMessage[] = [];
    const stop = source.tail('orders', false, (m) => live.push(m));
    await stop.ready;
    await source.produce('orders', 'b2b-7', '{"AccountId":"ALFKI"}', { 'message-id': 'm-7' });
    await until(
      'the live message',
      async () => live.length,
      (n) => n >= 1,
    );
    expect(live).toMatchObject([
      { topic: 'orders', partition: 0, offset: 4, key: 'b2b-7', headers: { 'message-id': 'm-7' }, json: { AccountId: 'ALFKI' } },
    ]);
    await stop();

    const all: TopicMessage[] = [];
    const stopAll = source.tail('orders', true, (m) => all.push(m));
    await until(
      'the whole topic',
      async () => all.length,
      (n) => n >= 5,
    );
    expect(all.map((m) => m.offset)).toEqual([0, 1, 2, 3, 4]);
    await stopAll();

    const recent: TopicMessage[] = [];
    const stopRecent = source.tail('orders', false, (m) => recent.push(m), { last: 2 });
    await until(
      'the last two',
      async () => recent.length,
      (n) => n >= 2,
    );
    // a message produced now comes after them: once it is there, anything older the tail was
    // going to deliver (it must not) would have come before it
    await stopRecent.ready;
    await source.produce('orders', 'after', '{}');
    await until(
      'the message produced after the last two',
      async () => recent.some((m) => m.key === 'after'),
      (seen) => seen,
    );
    expect(recent.map((m) => m.offset)).toEqual([3, 4, 5]);
    await stopRecent();

    const dead: TopicMessage[] = [];
    const stopDead = source.tail('orders.dlq', true, (m) => dead.push(m));
    await until(
      'the dead letter',
      async () => dead.length,
      (n) => n >= 1,
    );
    expect(dead[0]).toMatchObject({ text: 'not json', headers: { 'alsx-error': 'not JSON' } });
    expect(dead[0]!.json).toBeUndefined();
    await stopDead();

    const o = await source.overview();
    expect(o.groups.some((g) => g.id.startsWith('alsx-tail-'))).toBe(false); // throwaway groups hidden…
    source.showInternal = true;
    const all2 = await source.overview();
    source.showInternal = false;
    const tails = all2.groups.filter((x) => x.id.startsWith('alsx-tail-'));
    expect(tails.length).toBeGreaterThan(0);
    for (const g of tails) expect(g.positions.every((p) => p.committed === null)).toBe(true); // …and commit nothing
  });

  it('an unreachable broker is a state with the last picture, not an exception; it recovers when the broker is back', async () => {
    const port = await freePort();
    const away = new TopicsSource([`127.0.0.1:${port}`]);
    const o = await away.overview();
    expect(o.status).toBe('unreachable');
    expect(o.error).toMatch(/broker unreachable \(127\.0\.0\.1:\d+\)/);
    expect(o.topics).toEqual([]);

    const errors: Error[] = [];
    const stop = away.tail('orders', false, () => {}, { onError: (e) => errors.push(e) });
    await expect(stop.ready).rejects.toThrow();
    await stop();
    expect(errors.length).toBe(1);
    await expect(away.produce('orders', null, '{}')).rejects.toThrow();

    const dir2 = mkdtempSync(join(tmpdir(), 'alsx-topics-source-2-'));
    const late = new Broker({ dataDir: dir2, port, initialRebalanceDelayMs: 50 });
    await late.start();
    await away.produce('orders', null, '{}');
    expect(topicIn(await away.overview(), 'orders')).toMatchObject({ messages: 1 });
    await late.stop();
    const gone = await away.overview();
    expect(gone.status).toBe('unreachable');
    expect(topicIn(gone, 'orders')).toMatchObject({ messages: 1 }); // the last picture stays
    await away.close();
    rmSync(dir2, { recursive: true, force: true });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}
