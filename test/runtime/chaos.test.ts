/**
 * Nothing lost, nothing doubled: while 2,000 order_b2b messages are consumed and orders are
 * shipped, the workers of both projects and the broker are killed with SIGKILL at random moments
 * (their supervisors start them again). Afterwards every message made exactly one order, every
 * shipped order exactly one Shipment, the outbox is empty, and nothing went to a dead-letter topic.
 */
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, expect, it } from 'vitest';
import { openProject, readProject, type OpenProject } from '../../src/project/load.js';
import { Supervisor } from '../../src/runtime/supervisor.js';
import type { ChildName } from '../../src/runtime/protocol.js';

const ROOT = resolve(import.meta.dirname, '../..');
const N = Number(process.env.CHAOS_MESSAGES ?? 2000);
const supervisors: Supervisor[] = [];
let nw: OpenProject | undefined;
afterAll(async () => {
  nw?.close();
  for (const s of supervisors.reverse()) await s.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rnd = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt > 200) throw e;
      await sleep(250);
    }
  }
}

it(`keeps exactly-once effects through SIGKILLs of workers and broker (${N} order_b2b messages)`, async () => {
  const northwind = new Supervisor(await readProject(join(ROOT, 'projects/northwind')), { port: 0, autoRestart: true });
  supervisors.push(northwind);
  await northwind.start();
  const shipping = new Supervisor(await readProject(join(ROOT, 'projects/shipping')), { port: 0, autoRestart: true });
  supervisors.push(shipping);
  await shipping.start();
  nw = await openProject(join(ROOT, 'projects/northwind')); // the same working database the children use
  const shippingDb = join(process.env.ALSX_STATE_DIR!, 'shipping', 'db.sqlite');

  // customers with room under their credit limit for their share of the orders (Geitost, 2.50 each)
  const customers = (nw.store.all('SELECT Id FROM Customer WHERE CreditLimit - Balance >= 500 ORDER BY Id') as { Id: string }[]).map(
    (c) => c.Id,
  );
  const messages = Array.from({ length: N }, (_, i) => ({
    key: `b2b-${i}`,
    headers: { 'message-id': `chaos-${i}` },
    value: JSON.stringify({
      AccountId: customers[i % customers.length],
      Given: 'Steven',
      Surname: 'Buchanan',
      ShipName: `chaos-${i}`,
      Items: [{ ProductName: 'Geitost', QuantityOrdered: 1 }],
    }),
  }));

  let producing = true;
  const producer = (async () => {
    const kafka = new Kafka({
      clientId: 'chaos',
      brokers: northwind.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 3, initialRetryTime: 100 },
    });
    for (let i = 0; i < N; i += 50) {
      // a batch whose acknowledgement was lost is sent again: its message-ids make the repeat harmless
      await retrying(async () => {
        const p = kafka.producer();
        await p.connect();
        try {
          await p.send({ topic: 'order_b2b', acks: -1, messages: messages.slice(i, i + 50) });
        } finally {
          await p.disconnect().catch(() => {});
        }
      });
      await sleep(250); // spread over ~10 s, so the kills land while messages arrive
    }
    producing = false;
  })();

  // a clerk ships the partner orders as they arrive, through the rules (publishing order_shipping)
  const shipped = new Set<number>();
  let shippingOrders = true;
  const clerk = (async () => {
    while (shippingOrders) {
      const next = nw!.store.all(`SELECT Id FROM "Order" WHERE ShipName LIKE 'chaos-%' AND ShippedDate IS NULL ORDER BY Id LIMIT 5`) as {
        Id: number;
      }[];
      for (const { Id } of next) {
        if (Math.random() < 0.5) continue; // about half of them
        const out = nw!.engine.run([{ update: 'Order', key: Id, set: { ShippedDate: '2026-11-24' } }], { origin: 'test' });
        if (out.ok) shipped.add(Id);
        else if (out.error?.code !== 'busy') throw new Error(`shipping ${Id}: ${out.error?.message}`);
      }
      await sleep(15);
    }
  })();

  // chaos: SIGKILL a worker process or the broker every 1–2.5 s while messages flow
  const started = Date.now();
  const kills: string[] = [];
  const targets: [Supervisor, ChildName, string][] = [
    [northwind, 'workers', 'northwind workers'],
    [northwind, 'broker', 'broker'],
    [shipping, 'workers', 'shipping workers'],
  ];
  while (producing || kills.length < 4) {
    await sleep(rnd(1000, 2500));
    const [sup, name, label] = kills.length < 3 ? targets[kills.length]! : targets[Math.floor(Math.random() * targets.length)]!;
    const child = sup.children.get(name);
    if (child?.status !== 'up' || !child.pid) continue;
    process.kill(child.pid, 'SIGKILL');
    kills.push(label);
  }
  await producer;
  const producedIn = (Date.now() - started) / 1000;

  // let everything drain: every message applied, every shipped order announced and received
  const orders = () =>
    nw!.store.all(`SELECT ShipName, count(*) AS n FROM "Order" WHERE ShipName LIKE 'chaos-%' GROUP BY ShipName`) as {
      ShipName: string;
      n: number;
    }[];
  const deadline = Date.now() + 300_000; // a bound for a hang: a busy machine drains slowly
  while (orders().length < N && Date.now() < deadline) await sleep(200);
  shippingOrders = false;
  await clerk;
  const unsent = () => (nw!.store.all('SELECT count(*) AS n FROM _alsx_outbox WHERE SentAt IS NULL') as { n: number }[])[0]!.n;
  const shipments = () => {
    const db = new Database(shippingDb, { readonly: true });
    try {
      return db.prepare('SELECT OrderId, count(*) AS n FROM Shipment GROUP BY OrderId').all() as { OrderId: number; n: number }[];
    } finally {
      db.close();
    }
  };
  while ((unsent() > 0 || shipments().length < shipped.size) && Date.now() < deadline) await sleep(200);

  const made = orders();
  const received = shipments();
  const kafka = new Kafka({ clientId: 'chaos-check', brokers: northwind.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = await admin.listTopics();
  const dlq = async (t: string) => (topics.includes(t) ? (await admin.fetchTopicOffsets(t)).reduce((n, p) => n + Number(p.high), 0) : 0);
  const deadLetters = { order_b2b: await dlq('order_b2b.dlq'), order_shipping: await dlq('order_shipping.dlq') };
  const b2bLog = (await admin.fetchTopicOffsets('order_b2b')).reduce((n, p) => n + Number(p.high), 0);
  await admin.disconnect();

  console.log(
    `chaos: ${N} messages produced in ${producedIn.toFixed(1)} s (${b2bLog} in the log, ${b2bLog - N} sent twice), kills: ${kills.join(', ')}\n` +
      `       orders made ${made.length} (doubled ${made.filter((o) => o.n > 1).length}), shipped ${shipped.size}, ` +
      `shipments ${received.length} (doubled ${received.filter((s) => s.n > 1).length}), outbox unsent ${unsent()}, ` +
      `dead letters ${JSON.stringify(deadLetters)}`,
  );
  expect(kills.length).toBeGreaterThanOrEqual(4);
  expect(made.length).toBe(N);
  expect(made.every((o) => o.n === 1)).toBe(true);
  expect(received.map((s) => s.OrderId).sort((a, b) => a - b)).toEqual([...shipped].sort((a, b) => a - b));
  expect(received.every((s) => s.n === 1)).toBe(true);
  expect(unsent()).toBe(0);
  expect(deadLetters).toEqual({ order_b2b: 0, order_shipping: 0 });
}, 420_000);
