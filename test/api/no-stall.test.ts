/**
 * One client's heaviest request does not stall everyone: an atomic request at the operations cap is
 * applied a slice at a time, and the largest read the limits allow is read and written a slice at a
 * time — other clients are answered in between. Their reads never see the long write half-done, and
 * their writes wait their turn instead of landing inside it. (The server runs in this process, so
 * the test can see the long transaction open while it asks.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Customer } from '../../projects/northwind/models.js';
import { TopicWorker } from '../../src/kafka/integration/topic-worker.js';
import { ATOMIC, startApi, type TestApi } from '../helpers/api.js';
import { sqliteDb } from '../helpers/sqlite-db.js';
import type { ReadConnections } from '../../src/store/sqlite-reads.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** waits, a turn of the event loop at a time, until `ready` holds — or `done` says the chance has passed */
async function until(ready: () => boolean, done: () => boolean): Promise<boolean> {
  for (let i = 0; i < 1_000_000 && !done(); i++) {
    if (ready()) return true;
    await turn();
  }
  return ready();
}

/** 500 updates of OrderDetail 1…500 (the cap), then whatever `last` adds */
const atomicBody = (discount: number, last: unknown[] = []) => ({
  'atomic:operations': [
    ...Array.from({ length: 500 - last.length }, (_, i) => ({
      op: 'update',
      data: { type: 'OrderDetail', id: String(i + 1), attributes: { Discount: discount } },
    })),
    ...last,
  ],
});

const sendAtomic = (body: unknown) => {
  const state = { done: false };
  const reply = api.req('POST', '/operations', { body, headers: { 'Content-Type': ATOMIC, Accept: ATOMIC } }).finally(() => {
    state.done = true;
  });
  return { state, reply };
};

describe('an atomic request at the operations cap', () => {
  it('leaves the event loop between its operations: a GET sent meanwhile is answered before it ends, from the last commit', async () => {
    const before = (await api.req('GET', '/OrderDetail/1')).body.data.attributes.Discount;
    const heavy = sendAtomic(atomicBody(before === 0.05 ? 0.1 : 0.05));
    const open = await until(
      () => sqliteDb(api.nw).inTransaction,
      () => heavy.state.done,
    );
    expect(open, 'the atomic request held the event loop from start to finish: no one could be answered meanwhile').toBe(true);

    const read = await api.req('GET', '/OrderDetail/1');
    expect(heavy.state.done, 'the GET waited for the whole atomic request').toBe(false);
    expect(read.status).toBe(200);
    expect(read.body.data.attributes.Discount, 'a read saw the write before it committed').toBe(before);

    const r = await heavy.reply;
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
    expect(r.body['atomic:results']).toHaveLength(500);
    expect((await api.req('GET', '/OrderDetail/1')).body.data.attributes.Discount).not.toBe(before);
  });

  it('a write sent meanwhile waits its turn: it is not rolled back with the atomic request when that is refused', async () => {
    // the last operation orders far beyond ALFKI's credit (OrderDetail 1317 is on ALFKI's unshipped order 10692)
    const heavy = sendAtomic(
      atomicBody(0.2, [{ op: 'update', data: { type: 'OrderDetail', id: '1317', attributes: { Quantity: 30000 } } }]),
    );
    expect(
      await until(
        () => sqliteDb(api.nw).inTransaction,
        () => heavy.state.done,
      ),
    ).toBe(true);

    const patch = await api.req('PATCH', '/Customer/ANATR', {
      body: { data: { type: 'Customer', id: 'ANATR', attributes: { ContactName: 'Written meanwhile' } } },
    });
    expect(patch.status, JSON.stringify(patch.body)).toBe(200);

    const refused = await heavy.reply;
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].source.pointer).toBe('/atomic:operations/499');
    expect(api.nw.row('Customer', 'ANATR')!.ContactName).toBe('Written meanwhile');
    expect(api.nw.row('OrderDetail', 1)!.Discount).not.toBe(0.2);
  });
});

describe('a Kafka message applied in the same process (as in a scenario: API and workers together)', () => {
  it('waits its turn while an atomic request is paused between slices, and is not rolled back with it', async () => {
    const worker = new TopicWorker(
      api.nw.store,
      api.nw.engine,
      {
        topic: 'customer_notes',
        group: 'no-stall',
        handle: (m, tx) => void tx.update(Customer, 'AROUT', { ContactName: String(m.value.note) }),
      },
      async () => {
        throw new Error('no dead letters expected');
      },
    );
    const heavy = sendAtomic(
      atomicBody(0.3, [{ op: 'update', data: { type: 'OrderDetail', id: '1317', attributes: { Quantity: 30000 } } }]),
    );
    expect(
      await until(
        () => sqliteDb(api.nw).inTransaction,
        () => heavy.state.done,
      ),
    ).toBe(true);
    const message = {
      topic: 'customer_notes',
      partition: 0,
      offset: '0',
      key: null,
      headers: {},
      value: Buffer.from('{"note":"from Kafka meanwhile"}'),
    };
    const applied = await worker.handle(message as never);
    expect(applied.status).toBe('applied');
    expect((await heavy.reply).status).toBe(422);
    expect(api.nw.row('Customer', 'AROUT')!.ContactName).toBe('from Kafka meanwhile');
  });
});

describe('a mapped document at the items cap (OrderB2B, 1,000 items)', () => {
  it('is inserted a slice at a time: a GET sent meanwhile is answered before it ends', async () => {
    const products = ['Geitost', 'Konbu']; // cheap: 1,000 of them fit ANTON's credit
    const order = {
      AccountId: 'ANTON',
      Given: 'Steven',
      Surname: 'Buchanan',
      Items: Array.from({ length: 1000 }, (_, i) => ({ ProductName: products[i % products.length], QuantityOrdered: 1 })),
    };
    const state = { done: false };
    const heavy = api
      .req('POST', '/ServicesEndPoint/OrderB2B', { body: order, headers: { 'Content-Type': 'application/json' } })
      .finally(() => {
        state.done = true;
      });
    expect(
      await until(
        () => sqliteDb(api.nw).inTransaction,
        () => state.done,
      ),
      'the order held the event loop from start to finish',
    ).toBe(true);
    const one = await api.req('GET', '/Customer/ALFKI');
    expect(state.done, 'the GET waited for the whole order').toBe(false);
    expect(one.status).toBe(200);
    const r = await heavy;
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(201);
    expect(r.body.included).toHaveLength(1000);
  });
});

describe('the heaviest read the limits allow', () => {
  const HEAVY = '/Order?page%5Blimit%5D=600&include=OrderDetailList,Customer,Employee';

  it('is read a slice at a time: a GET by id sent meanwhile is answered before it ends', async () => {
    const state = { done: false };
    const heavy = api.req('GET', HEAVY, { validate: false }).finally(() => {
      state.done = true;
    });
    const reading = await until(
      () => (api.nw.store.reads as ReadConnections).reading > 0,
      () => state.done,
    );
    expect(reading, 'the read held the event loop from start to finish').toBe(true);
    const one = await api.req('GET', '/Customer/ALFKI');
    expect(state.done, 'the GET by id waited for the whole heavy read').toBe(false);
    expect(one.status).toBe(200);
    const r = await heavy;
    expect(r.status).toBe(200);
    expect(r.body.data).toHaveLength(600);
  });

  it('is one snapshot: every order’s AmountTotal is the sum of its included items, though writes commit while it is read', async () => {
    const q = (s: string) => s.replace(/\[/g, '%5B').replace(/\]/g, '%5D');
    for (let round = 0; round < 3; round++) {
      const read = api.req('GET', q('/Order?page[limit]=600&sort=Id&include=OrderDetailList&fields[OrderDetail]=Amount,Order'), {
        validate: false,
      });
      // quantities of items spread over the orders change (and with them their orders' totals) while the read runs
      const writes = sendAtomic({
        'atomic:operations': Array.from({ length: 200 }, (_, i) => ({
          op: 'update',
          data: { type: 'OrderDetail', id: String(1 + i * 7), attributes: { Quantity: 1 + ((i + round) % 9) } },
        })),
      });
      const [r, w] = await Promise.all([read, writes.reply]);
      expect(w.status).toBe(200);
      expect(r.status).toBe(200);
      const amounts = new Map<string, number>(r.body.included.map((d: any) => [d.id, Number(d.attributes.Amount)]));
      for (const order of r.body.data) {
        const items = order.relationships.OrderDetailList.data as { id: string }[];
        const sum = items.reduce((s, d) => s + amounts.get(d.id)!, 0);
        expect(Math.round(sum * 100), `Order ${order.id}`).toBe(Math.round(Number(order.attributes.AmountTotal) * 100));
      }
    }
  });
});
