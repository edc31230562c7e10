/**
 * A consumer that applies messages as a user: a partner's order feed (as customer ALFKI) places
 * ALFKI's orders and nobody else's — through the real broker, the real worker and the rules; a
 * message naming another customer is dead-lettered exactly as one naming a customer that does not exist.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderB2B } from '../../projects/northwind/integration/OrderB2B.js';
import { buildModel } from '../../src/api/jsonapi/model.js';
import { Auth, loadSecurity } from '../../src/api/security/auth.js';
import { Broker } from '../../src/kafka/broker/broker.js';
import { connectProducer, runConsumer, type MessageConsumer, type MessageProducer } from '../../src/kafka/client.js';
import type { ConsumerSecurity } from '../../src/kafka/integration/as-user.js';
import { Customer, Order } from '../../projects/northwind/models.js';
import { TopicWorker, type Outcome } from '../../src/kafka/integration/topic-worker.js';
import { freshNorthwind } from '../helpers/northwind.js';
import { waitFor } from '../helpers/wait.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

let dir: string;
let broker: Broker;
let address: string;
let nw: Awaited<ReturnType<typeof freshNorthwind>>;
const consumers: MessageConsumer[] = [];
let dlq: MessageProducer | undefined;
let kafka: Kafka;
const outcomes: Record<string, Outcome[]> = { mapped: [], handled: [] };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alsx-as-user-'));
  broker = new Broker({ dataDir: dir, port: 0, initialRebalanceDelayMs: 50 });
  address = `127.0.0.1:${await broker.start()}`;
  kafka = new Kafka({ clientId: 'test', brokers: [address], logLevel: logLevel.NOTHING });
  nw = await freshNorthwind();
  const config = await loadSecurity(nw);
  const auth = new Auth(nw, config);
  const security: ConsumerSecurity = {
    ctx: { project: nw, model: buildModel(nw.store.schema), security: config },
    user: (n) => auth.trusted(n),
  };
  const deadLetters = async () => (dlq ??= await connectProducer([address]));
  const mapped = new TopicWorker(
    nw.store,
    nw.engine,
    { topic: 'partner_orders', group: 'as-user-1', mapping: OrderB2B, user: 'ALFKI' },
    deadLetters,
    () => {},
    security,
  );
  // a handler function, with the user named by the message's key
  const handled = new TopicWorker(
    nw.store,
    nw.engine,
    {
      topic: 'customer_events',
      group: 'as-user-2',
      user: (m) => m.key,
      handle: (m, tx) => {
        const customer = tx.get(Customer, m.value.customer);
        if (!customer) throw new Error(`no customer ${m.value.customer}`);
        tx.insert(Order, { CustomerId: m.value.customer, EmployeeId: 5 });
      },
    },
    deadLetters,
    () => {},
    security,
  );
  consumers.push(
    await runConsumer([address], 'as-user-1', 'partner_orders', async (m) => void outcomes.mapped!.push(await mapped.handle(m))),
    await runConsumer([address], 'as-user-2', 'customer_events', async (m) => void outcomes.handled!.push(await handled.handle(m))),
  );
});
afterAll(async () => {
  for (const c of consumers) await c.close();
  await dlq?.close();
  await broker.stop();
  nw.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function send(topic: string, value: unknown, key?: string): Promise<void> {
  const p = kafka.producer();
  await p.connect();
  await p.send({ topic, messages: [{ key, value: JSON.stringify(value) }] });
  await p.disconnect();
}
async function readDlq(topic: string, count: number): Promise<KafkaMessage[]> {
  const c = kafka.consumer({ groupId: `dlq-${Math.random()}`, maxWaitTimeInMs: 200 });
  const got: KafkaMessage[] = [];
  await c.connect();
  await c.subscribe({ topic: `${topic}.dlq`, fromBeginning: true });
  await new Promise<void>(
    (ok) =>
      void c.run({
        eachMessage: async ({ message }) => {
          got.push(message);
          if (got.length >= count) ok();
        },
      }),
  );
  await c.disconnect();
  return got;
}
const order = (account: string) => ({
  AccountId: account,
  Given: 'Steven',
  Surname: 'Buchanan',
  Items: [{ ProductName: 'Chai', QuantityOrdered: 1 }],
});
const orders = (customer: string) =>
  (sqliteDb(nw).prepare('SELECT count(*) AS n FROM "Order" WHERE CustomerId = ?').get(customer) as { n: number }).n;
const error = (m: KafkaMessage) => m.headers!['alsx-error']?.toString();

describe('a consumer that applies messages as a user', () => {
  it("places the user's own orders, and answers another customer's as one that does not exist", async () => {
    const [alfki, anatr] = [orders('ALFKI'), orders('ANATR')];
    await send('partner_orders', order('ALFKI'));
    await send('partner_orders', order('ANATR'));
    await send('partner_orders', order('NOSUCH'));
    await waitFor(() => outcomes.mapped!.length >= 3, { what: '3 partner orders handled' });
    expect(outcomes.mapped!.map((o) => o.status)).toEqual(['applied', 'dead-lettered', 'dead-lettered']);
    expect([orders('ALFKI'), orders('ANATR')]).toEqual([alfki + 1, anatr]);
    const [other, missing] = await readDlq('partner_orders', 2);
    expect(error(other!)!.replace('ANATR', 'X')).toBe(error(missing!)!.replace('NOSUCH', 'X'));
  });

  it("a handler's reads and writes go through the user's grants too", async () => {
    const anatr = orders('ANATR');
    await send('customer_events', { customer: 'ALFKI' }, 'ALFKI');
    await send('customer_events', { customer: 'ANATR' }, 'ALFKI'); // ALFKI cannot see ANATR: as if there were none
    await send('customer_events', { customer: 'ANATR' }, 'NOBODY'); // not a user of the project
    await waitFor(() => outcomes.handled!.length >= 3, { what: '3 customer events handled' });
    expect(outcomes.handled!.map((o) => o.status)).toEqual(['applied', 'dead-lettered', 'dead-lettered']);
    expect(orders('ANATR')).toBe(anatr);
    const dead = await readDlq('customer_events', 2);
    expect(error(dead[0]!)).toBe('Error: no customer ANATR');
    expect(error(dead[1]!)).toMatch(/no user NOBODY/);
  });
});
