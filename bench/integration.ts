/**
 * (e), (f) The Kafka integration end to end, with both projects running as `alsx serve` runs them
 * (broker, API and workers in child processes; state in a temporary ALSX_STATE_DIR):
 *
 *   (e) an order_b2b message produced → its order committed in Northwind (through the mapping and
 *       the rules, recorded in the inbox in the same transaction);
 *   (f) an Order's ShippedDate set (committed, with its outbox row) → the Shipment committed in the
 *       shipping project (relay → broker → shipping's worker → its rules).
 *
 * Throughput: a burst as fast as the producer goes, first send to last commit. Latency: messages
 * paced well below capacity, each timed from its send (e) or its commit (f) to the commit it caused,
 * by the timestamps the inboxes and the outbox record. Baseline for latency: a bare kafkajs
 * produce → consume round trip on the same broker, paced the same.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kafka, logLevel } from 'kafkajs';
import { openProject, readProject, type OpenProject } from '../src/project/load.js';
import { Supervisor } from '../src/runtime/supervisor.js';
import { sqliteDb } from '../test/helpers/sqlite-db.js';

const ROOT = resolve(import.meta.dirname, '..');
const BURST = 2000;
const PACED = 400;
const PACE_PER_SECOND = 100;
const SHIP_BURST = 1000;
const SHIP_PACED = 300;

export interface Latency {
  p50: number;
  p99: number;
}
export interface IntegrationFigures {
  b2bPerSecond: number;
  b2bLatency: Latency;
  shipPerSecond: number;
  shipLatency: Latency;
  bareLatency: Latency;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const latency = (xs: number[]): Latency => ({ p50: quantile(xs, 0.5), p99: quantile(xs, 0.99) });

async function until(what: string, done: () => boolean, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`bench (e/f): ${what} did not happen within ${ms / 1000} s`);
    await sleep(20);
  }
}

export async function benchIntegration(progress: (line: string) => void): Promise<IntegrationFigures> {
  const state = mkdtempSync(join(tmpdir(), 'alsx-bench-state-'));
  const saved = process.env.ALSX_STATE_DIR;
  process.env.ALSX_STATE_DIR = state;
  const supervisors: Supervisor[] = [];
  let nw: OpenProject | undefined;
  const dbs: Database.Database[] = [];
  try {
    const northwind = new Supervisor(await readProject(join(ROOT, 'projects/northwind')), { port: 0, autoRestart: true });
    supervisors.push(northwind);
    await northwind.start();
    const shipping = new Supervisor(await readProject(join(ROOT, 'projects/shipping')), { port: 0, autoRestart: true });
    supervisors.push(shipping);
    await shipping.start();
    nw = await openProject(join(ROOT, 'projects/northwind'));
    // nobody hits a credit limit in a benchmark
    sqliteDb(nw).exec('UPDATE Customer SET CreditLimit = 99999999.99');
    const nwRead = new Database(nw.dbFile, { readonly: true });
    const shipRead = new Database(join(state, 'shipping', 'db.sqlite'), { readonly: true });
    dbs.push(nwRead, shipRead);
    const kafka = new Kafka({ clientId: 'bench', brokers: northwind.brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();

    const b2b = (id: string) => ({
      key: id,
      headers: { 'message-id': id, 'sent-at': String(Date.now()) },
      value: JSON.stringify({
        AccountId: 'ALFKI',
        Given: 'Steven',
        Surname: 'Buchanan',
        ShipName: id,
        Items: [
          { ProductName: 'Chai', QuantityOrdered: 1 },
          { ProductName: 'Chang', QuantityOrdered: 2 },
        ],
      }),
    });
    const inboxCount = nwRead.prepare(`SELECT count(*) AS n FROM _alsx_inbox WHERE MessageId LIKE ?`).pluck();
    const applied = (prefix: string) => inboxCount.get(`${prefix}%`) as number;

    // (e) burst
    progress(`(e) ${BURST} order_b2b messages as one burst …`);
    const t0 = Date.now();
    for (let i = 0; i < BURST; i += 100)
      await producer.send({ topic: 'order_b2b', acks: -1, messages: Array.from({ length: 100 }, (_, k) => b2b(`burst-${i + k}`)) });
    await until('the burst to be applied', () => applied('burst-') >= BURST);
    const lastAt = Date.parse(
      nwRead.prepare(`SELECT max(ReceivedAt) FROM _alsx_inbox WHERE MessageId LIKE 'burst-%'`).pluck().get() as string,
    );
    const b2bPerSecond = BURST / ((lastAt - t0) / 1000);

    // (e) paced latency
    progress(`(e) ${PACED} order_b2b messages paced at ${PACE_PER_SECOND}/s …`);
    const sentAt = new Map<string, number>();
    for (let i = 0; i < PACED; i++) {
      const m = b2b(`paced-${i}`);
      sentAt.set(m.key, Date.now());
      await producer.send({ topic: 'order_b2b', acks: -1, messages: [m] });
      await sleep(1000 / PACE_PER_SECOND);
    }
    await until('the paced messages to be applied', () => applied('paced-') >= PACED);
    const received = nwRead.prepare(`SELECT MessageId, ReceivedAt FROM _alsx_inbox WHERE MessageId LIKE 'paced-%'`).all() as {
      MessageId: string;
      ReceivedAt: string;
    }[];
    const b2bLatency = latency(received.map((r) => Date.parse(r.ReceivedAt) - sentAt.get(r.MessageId)!));

    // baseline: the same pacing, bare kafkajs produce → consume on the same broker
    progress('baseline: bare kafkajs round trips, same pacing …');
    const consumer = kafka.consumer({ groupId: 'bench-bare', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'bench-bare', fromBeginning: true });
    const bare: number[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void bare.push(Date.now() - Number(message.value!.toString())) });
    await sleep(1500); // joined
    for (let i = 0; i < PACED; i++) {
      await producer.send({ topic: 'bench-bare', acks: -1, messages: [{ value: String(Date.now()) }] });
      await sleep(1000 / PACE_PER_SECOND);
    }
    await until('the bare messages to arrive', () => bare.length >= PACED);
    await consumer.disconnect();
    const bareLatency = latency(bare);

    // (f) ship: a burst, then paced
    const unshipped = sqliteDb(nw)
      .prepare(`SELECT Id FROM "Order" WHERE ShipName LIKE 'burst-%' AND ShippedDate IS NULL ORDER BY Id LIMIT ?`)
      .pluck();
    const shipmentCount = shipRead.prepare('SELECT count(*) FROM Shipment').pluck();
    const ship = (id: number) => {
      const out = nw!.engine.run([{ update: 'Order', key: id, set: { ShippedDate: '2026-11-24' } }], { origin: 'bench' });
      if (!out.ok) throw new Error(`shipping order ${id}: ${out.error?.message}`);
    };
    progress(`(f) ${SHIP_BURST} orders shipped as one burst …`);
    const s0 = Date.now();
    for (const id of unshipped.all(SHIP_BURST) as number[]) ship(id);
    await until('the shipments of the burst', () => (shipmentCount.get() as number) >= SHIP_BURST);
    const lastShipment = Date.parse(shipRead.prepare('SELECT max(ReceivedAt) FROM _alsx_inbox').pluck().get() as string);
    const shipPerSecond = SHIP_BURST / ((lastShipment - s0) / 1000);

    progress(`(f) ${SHIP_PACED} orders shipped at ${PACE_PER_SECOND}/s …`);
    const pacedIds = unshipped.all(SHIP_PACED) as number[];
    for (const id of pacedIds) {
      ship(id);
      await sleep(1000 / PACE_PER_SECOND);
    }
    await until('the paced shipments', () => (shipmentCount.get() as number) >= SHIP_BURST + SHIP_PACED);
    const published = new Map(
      (
        nwRead
          .prepare(
            `SELECT MessageId, CreatedAt FROM _alsx_outbox WHERE Topic = 'order_shipping' AND Key IN (${pacedIds.map(() => '?').join(',')})`,
          )
          .all(...pacedIds.map(String)) as { MessageId: string; CreatedAt: string }[]
      ).map((r) => [r.MessageId, Date.parse(r.CreatedAt)]),
    );
    const arrivals = shipRead.prepare('SELECT MessageId, ReceivedAt FROM _alsx_inbox').all() as { MessageId: string; ReceivedAt: string }[];
    const shipLatency = latency(
      arrivals.filter((a) => published.has(a.MessageId)).map((a) => Date.parse(a.ReceivedAt) - published.get(a.MessageId)!),
    );
    await producer.disconnect();
    return { b2bPerSecond, b2bLatency, shipPerSecond, shipLatency, bareLatency };
  } finally {
    for (const db of dbs) db.close();
    nw?.close();
    for (const s of supervisors.reverse()) await s.stop();
    if (saved === undefined) delete process.env.ALSX_STATE_DIR;
    else process.env.ALSX_STATE_DIR = saved;
    rmSync(state, { recursive: true, force: true });
  }
}
