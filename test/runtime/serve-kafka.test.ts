/**
 * The projects running as `alsx serve` runs them — broker, API and workers as child processes —
 * driven from outside like a user and a partner would: over HTTP and over Kafka with kafkajs.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProject } from '../../src/project/load.js';
import { Supervisor } from '../../src/runtime/supervisor.js';
import { waitFor } from '../helpers/wait.js';

const ROOT = resolve(import.meta.dirname, '../..');
let northwind: Supervisor;
let shipping: Supervisor | undefined;
let base: string;
let token: string;
let kafka: Kafka;

beforeAll(async () => {
  northwind = new Supervisor(await readProject(join(ROOT, 'projects/northwind')), {
    port: 0,
    // how long the API waits for a worker's reply: long enough for a busy machine (the 504 below
    // waits it out once)
    env: { ...process.env, ALSX_RPC_TIMEOUT_MS: '8000' },
  });
  await northwind.start();
  base = `http://127.0.0.1:${northwind.children.get('api')!.port}/api`;
  kafka = new Kafka({ clientId: 'test', brokers: northwind.brokers, logLevel: logLevel.NOTHING });
  const login = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{"username":"admin","password":"p"}',
  });
  token = ((await login.json()) as { access_token: string }).access_token;
});

async function loginAs(user: string): Promise<string> {
  const r = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user, password: 'p' }),
  });
  return ((await r.json()) as { access_token: string }).access_token;
}

/** GET /api/rpc/northwind/<path> with this token (none: no Authorization header) */
async function rpc(path: string, bearer?: string): Promise<{ status: number; body: any }> {
  const r = await fetch(`${base}/rpc/northwind/${path}`, { headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} });
  return { status: r.status, body: await r.json() };
}
afterAll(async () => {
  await shipping?.stop();
  await northwind?.stop();
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/vnd.api+json' };
  const atomic = path === '/operations';
  if (body)
    headers['Content-Type'] = atomic ? 'application/vnd.api+json; ext="https://jsonapi.org/ext/atomic"' : 'application/vnd.api+json';
  if (atomic) headers.Accept = headers['Content-Type']!;
  const r = await fetch(`${base}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
}

const ship = (id: string | number, date = '2026-11-24') =>
  api('PATCH', `/Order/${id}`, { data: { type: 'Order', id: String(id), attributes: { ShippedDate: date } } });

async function unshippedOrders(customer: string): Promise<string[]> {
  const r = await api('GET', `/Order?filter[CustomerId]=${customer}&filter[ShippedDate][isnull]=true&page[limit]=50`);
  return r.body.data.map((o: { id: string }) => o.id);
}

/** every message on a topic so far */
async function messages(topic: string): Promise<{ key: string | null; headers: Record<string, string>; value: any }[]> {
  const admin = kafka.admin();
  await admin.connect();
  const end = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  await admin.disconnect();
  const got: { key: string | null; headers: Record<string, string>; value: any }[] = [];
  if (end === 0) return got;
  const c = kafka.consumer({ groupId: `read-${Math.random()}`, maxWaitTimeInMs: 100 });
  await c.connect();
  await c.subscribe({ topic, fromBeginning: true });
  await new Promise<void>(
    (done) =>
      void c.run({
        eachMessage: async ({ message }) => {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
          got.push({ key: message.key?.toString() ?? null, headers, value: JSON.parse(message.value!.toString()) });
          if (got.length >= end) done();
        },
      }),
  );
  await c.disconnect();
  return got;
}

/** the probe's value, once `ok` holds for it */
async function eventually<T>(what: string, probe: () => Promise<T> | T, ok: (v: T) => boolean): Promise<T> {
  let last: T | undefined;
  await waitFor(async () => ok((last = await probe())), { what, every: 100, detail: () => `last: ${JSON.stringify(last)}` });
  return last as T;
}

function shipments(): { OrderId: number; Total: number; ItemCount: number }[] {
  const file = join(process.env.ALSX_STATE_DIR!, 'shipping', 'db.sqlite');
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT OrderId, Total, ItemCount FROM Shipment ORDER BY OrderId').all() as never;
  } finally {
    db.close();
  }
}

describe('alsx serve with Kafka', () => {
  it('starts the broker, the API and the workers as child processes', () => {
    const states = Object.fromEntries([...northwind.children.values()].map((c) => [c.name, c.status]));
    expect(states).toEqual({ broker: 'up', api: 'up', workers: 'up' });
    const pids = [...northwind.children.values()].map((c) => c.pid);
    expect(new Set(pids).size).toBe(3);
    expect(pids).not.toContain(process.pid);
  });

  it('publishes one order_shipping message, with the order as OrderShipping, when an order ships through the API', async () => {
    const [id] = await unshippedOrders('ALFKI');
    const order = (await api('GET', `/Order/${id}?include=OrderDetailList`)).body;
    expect((await ship(id!)).status).toBe(200);
    const sent = await eventually(
      'order_shipping',
      () => messages('order_shipping'),
      (m) => m.some((x) => x.key === id),
    );
    const mine = sent.filter((m) => m.key === id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.headers['message-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(mine[0]!.value).toMatchObject({
      order_id: Number(id),
      customer_name: 'Alfreds Futterkiste',
      total: order.data.attributes.AmountTotal,
    });
    expect(mine[0]!.value.items).toHaveLength(order.included.length);
    expect(mine[0]!.value.items[0]).toEqual({
      quantity: expect.any(Number),
      product_name: expect.any(String),
      unit_price: expect.any(Number),
    });
  });

  it('publishes nothing for a transaction that rolled back', async () => {
    const [id] = await unshippedOrders('ANATR');
    // ship the order and, in the same atomic request, break ALFKI's credit: all or nothing
    const r = await api('POST', '/operations', {
      'atomic:operations': [
        { op: 'update', data: { type: 'Order', id, attributes: { ShippedDate: '2026-11-24' } } },
        {
          op: 'add',
          data: {
            type: 'Order',
            lid: 'o',
            attributes: { EmployeeId: 5 },
            relationships: { Customer: { data: { type: 'Customer', id: 'ALFKI' } } },
          },
        },
        {
          op: 'add',
          data: {
            type: 'OrderDetail',
            attributes: { Quantity: 2000 },
            relationships: { Order: { data: { type: 'Order', lid: 'o' } }, Product: { data: { type: 'Product', id: '2' } } },
          },
        },
      ],
    });
    expect(r.status).toBe(422);
    expect((await api('GET', `/Order/${id}`)).body.data.attributes.ShippedDate).toBeNull();
    // an order shipped after it: once its message is on the topic, the relay (one outbox, sent in
    // order) is past whatever the rolled-back request could have written
    const [later] = await unshippedOrders('ALFKI');
    expect((await ship(later!)).status).toBe(200);
    const sent = await eventually(
      'the later order_shipping',
      () => messages('order_shipping'),
      (m) => m.some((x) => x.key === later),
    );
    expect(sent.filter((m) => m.key === id)).toEqual([]);
  });

  it('turns an order_b2b message into an order, with its items and derived values, through the rules', async () => {
    const before = (await api('GET', '/Customer/ANTON')).body.data.attributes.Balance;
    const p = kafka.producer();
    await p.connect();
    await p.send({
      topic: 'order_b2b',
      messages: [
        {
          key: 'b2b-t1',
          value: JSON.stringify({
            AccountId: 'ANTON',
            Given: 'Steven',
            Surname: 'Buchanan',
            ShipName: 'b2b-t1',
            Items: [
              { ProductName: 'Chai', QuantityOrdered: 1 },
              { ProductName: 'Chang', QuantityOrdered: 2 },
            ],
          }),
        },
      ],
    });
    await p.disconnect();
    const found = await eventually(
      'the b2b order',
      () => api('GET', '/Order?filter[ShipName]=b2b-t1&include=OrderDetailList'),
      (r) => r.body.data.length === 1,
    );
    const o = found.body.data[0].attributes;
    expect(o).toMatchObject({ CustomerId: 'ANTON', EmployeeId: 5, AmountTotal: 56, OrderDetailCount: 2 });
    expect(
      found.body.included.map((d: any) => [d.attributes.ProductId, d.attributes.Quantity, d.attributes.UnitPrice, d.attributes.Amount]),
    ).toEqual([
      [1, 1, 18, 18],
      [2, 2, 19, 38],
    ]);
    expect((await api('GET', '/Customer/ANTON')).body.data.attributes.Balance).toBeCloseTo(before + 56, 2);
    // every transaction of the run is kept in traces.jsonl, with where it came from
    const traces = readFileSync(join(process.env.ALSX_STATE_DIR!, 'northwind', 'traces.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const b2b = traces.find(
      (t) => t.origin === 'kafka' && t.changes.some((c: any) => c.table === 'Order' && c.values.ShipName?.[1] === 'b2b-t1'),
    );
    expect(b2b).toMatchObject({ ok: true, child: 'workers' });
    expect(b2b.trace.map((s: any) => s.kind)).toEqual(expect.arrayContaining(['copy', 'formula', 'sum', 'constraint']));
    expect(traces.filter((t) => t.origin === 'api' && !t.ok)).toHaveLength(1); // the refused atomic request
  });

  it('shipping, started after orders shipped, catches up on everything it missed; and again after being down', async () => {
    const shippedSoFar = (await messages('order_shipping')).map((m) => m.value.order_id as number);
    const [a, b] = await unshippedOrders('HUNGC'); // HUNGC has 6 unshipped orders in the seed
    await ship(a!);
    await ship(b!);
    shipping = new Supervisor(await readProject(join(ROOT, 'projects/shipping')), { port: 0 });
    await shipping.start();
    expect(shipping.children.get('broker')).toMatchObject({ status: 'shared', pid: northwind.children.get('broker')!.pid });
    const want = [...new Set([...shippedSoFar, Number(a), Number(b)])].sort((x, y) => x - y);
    const got = await eventually(
      'shipments',
      () => shipments().map((s) => s.OrderId),
      (ids) => ids.length === want.length,
    );
    expect(got).toEqual(want);

    await shipping.stop();
    const [c] = await unshippedOrders('HUNGC');
    await ship(c!);
    await eventually(
      'order_shipping',
      () => messages('order_shipping'),
      (m) => m.some((x) => x.key === c),
    );
    shipping = new Supervisor(await readProject(join(ROOT, 'projects/shipping')), { port: 0 });
    await shipping.start();
    const after = await eventually(
      'shipments',
      () => shipments(),
      (s) => s.some((x) => x.OrderId === Number(c)),
    );
    expect(after.map((s) => s.OrderId)).toEqual([...want, Number(c)].sort((x, y) => x - y));
    const order = (await api('GET', `/Order/${c}`)).body.data.attributes;
    expect(after.find((s) => s.OrderId === Number(c))).toEqual({
      OrderId: Number(c),
      Total: order.AmountTotal,
      ItemCount: order.OrderDetailCount,
    });
  });

  describe('request/reply runs as the caller', () => {
    let alfki: string;
    beforeAll(async () => {
      alfki = await loginAs('ALFKI');
    });

    it("answers another customer's id as an id that does not exist: same status, same words", async () => {
      for (const [method, theirs, missing] of [
        ['find_customer', 'ANATR', 'NOSUCH'],
        ['customer_balance', 'GOURL', 'NOSUCH'],
        ['find_order', '10750', '99999'], // ANATR's order
      ] as const) {
        const hidden = await rpc(`${method}?id=${theirs}`, alfki);
        const none = await rpc(`${method}?id=${missing}`, alfki);
        expect(hidden.status, `${method} ${theirs}`).toBe(404);
        expect(JSON.stringify(hidden.body).replaceAll(theirs, 'ID')).toBe(JSON.stringify(none.body).replaceAll(missing, 'ID'));
        // an admin sees it
        expect((await rpc(`${method}?id=${theirs}`, token)).status).toBe(200);
      }
    });

    it('answers the caller their own rows', async () => {
      expect((await rpc('find_customer?id=ALFKI', alfki)).body.data).toMatchObject({ id: 'ALFKI', company_name: 'Alfreds Futterkiste' });
      expect((await rpc('customer_balance?id=ALFKI', alfki)).body.data).toMatchObject({ id: 'ALFKI', credit_limit: 2300 });
      const order = await rpc('find_order?id=10702', alfki);
      expect(order.status).toBe(200);
      expect(order.body.data).toMatchObject({ id: 10702, customer_id: 'ALFKI' });
      expect(order.body.data.items).toEqual((await rpc('find_order?id=10702', token)).body.data.items);
      expect(order.body.data.items.length).toBeGreaterThan(0);
    });

    it('a public method needs no token (it reads as the anonymous user); others still answer 401 without one', async () => {
      const chai = await rpc('find_product?name=Chai');
      expect(chai.status).toBe(200);
      expect(chai.body.data).toMatchObject({ name: 'Chai', unit_price: 18 });
      expect((await rpc('find_customer?id=ALFKI')).status).toBe(401);
      expect((await rpc('find_product?name=Chai', 'not-a-token')).status).toBe(401); // a bad token is still refused
    });

    it('a method limited to roles answers 403 to other roles, naming the method and the roles', async () => {
      const r = await rpc('credit_report', alfki);
      expect(r.status).toBe(403);
      expect(r.body.errors[0].detail).toBe('northwind.credit_report is for the roles sales, admin; ALFKI has customer');
      const report = await rpc('credit_report?over=0.5', token);
      expect(report.status).toBe(200);
      expect(report.body.data.length).toBeGreaterThan(0);
    });

    it('a request produced straight to Kafka cannot name its caller: unsigned, forged or reused signatures are refused', async () => {
      const sink = 'test.forged-replies';
      // a request the API signed for admin, as anyone who can read the request topic finds it
      const signed = (await messages('northwind.requests')).map((m) => m.value).find((v) => v.caller?.name === 'admin');
      expect(signed?.caller_sig).toEqual(expect.any(String));
      const deadline = Date.now() + 60_000;
      const request = (id: string, extra: object) => ({
        key: id,
        value: JSON.stringify({ request_id: id, sink, method: 'find_customer', params: { id: 'ANATR' }, deadline, ...extra }),
      });
      const p = kafka.producer();
      await p.connect();
      await p.send({
        topic: 'northwind.requests',
        messages: [
          request('no-caller', {}),
          request('forged', { caller: { name: 'admin', roles: ['admin'] } }),
          request('bad-signature', { caller: { name: 'admin', roles: ['admin'] }, caller_sig: 'x'.repeat(43) }),
          // the admin's signed caller, on other parameters and another reply topic
          request('reused', { caller: signed.caller, caller_sig: signed.caller_sig }),
          // the admin's request as it was, only answered to another topic
          { key: 'redirected', value: JSON.stringify({ ...signed, request_id: 'redirected', sink }) },
        ],
      });
      await p.disconnect();
      const replies = await eventually(
        'five replies',
        () => messages(sink).catch(() => []),
        (m) => m.length === 5,
      );
      const byId = Object.fromEntries(replies.map((r) => [r.value.request_id, r.value]));
      expect(byId['no-caller']).toEqual({
        request_id: 'no-caller',
        ok: false,
        error: {
          status: 401,
          message:
            "northwind.find_customer needs a caller: call it through /api/rpc/northwind/find_customer with a token (requests produced straight to Kafka run as the service's kafkaUser, and it names none)",
        },
      });
      for (const id of ['forged', 'bad-signature', 'reused', 'redirected'])
        expect(byId[id], id).toEqual({
          request_id: id,
          ok: false,
          error: {
            status: 401,
            message: `northwind.${id === 'redirected' ? signed.method : 'find_customer'}: the request's caller is not signed by this project's API; call the method through /api/rpc`,
          },
        });
    });

    it('the trace of a transaction names its user (traces.jsonl)', async () => {
      const [id] = await unshippedOrders('ALFKI');
      const r = await fetch(`${base}/Order/${id}`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${alfki}`, 'Content-Type': 'application/vnd.api+json' },
        body: JSON.stringify({ data: { type: 'Order', id, attributes: { ShipName: 'traced' } } }),
      });
      expect(r.status).toBe(200);
      const record = await eventually(
        'the PATCH in traces.jsonl',
        () =>
          readFileSync(join(process.env.ALSX_STATE_DIR!, 'northwind', 'traces.jsonl'), 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l))
            .find((t) => t.changes.some((c: any) => c.values.ShipName?.[1] === 'traced')),
        (t) => t !== undefined,
      );
      expect(record).toMatchObject({ origin: 'api', user: 'ALFKI', ok: true });
    });
  });

  it('answers request/reply over Kafka, and 504 when no worker serves it', async () => {
    const r = await fetch(`${base}/rpc/northwind/customer_balance?id=ALFKI`, { headers: { Authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    const body = (await r.json()) as any;
    expect(body.data).toMatchObject({ id: 'ALFKI', credit_limit: 2300 });
    expect(body.meta.request_id).toMatch(/^[0-9a-f-]{36}$/);

    await northwind.stopChild('workers');
    const late = await fetch(`${base}/rpc/northwind/find_customer?id=ALFKI`, { headers: { Authorization: `Bearer ${token}` } });
    expect(late.status).toBe(504);
    expect(((await late.json()) as any).errors[0].detail).toMatch(/no reply from northwind\.find_customer within 8000 ms/);
    await northwind.restart('workers');
    expect(northwind.children.get('workers')!.status).toBe('up');
  });

  it('stops every child when it stops', async () => {
    await shipping?.stop();
    const pids = [...northwind.children.values()].map((c) => c.pid!);
    await northwind.stop();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
