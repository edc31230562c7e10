/**
 * Request/reply over Kafka: parameters checked as declared, Northwind's service answering through a
 * real broker, replies reaching only the caller that asked, timeouts on both sides, and the HTTP
 * route /api/rpc/<service>/<method> a user calls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { Broker } from '../../src/kafka/broker/broker.js';
import { createApi } from '../../src/api/server.js';
import { connectProducer, runConsumer, type MessageConsumer } from '../../src/kafka/client.js';
import { method, service, type Service } from '../../src/kafka/integration/declare.js';
import { checkParams, ParamError, RpcClient, serveRequests, type RpcReply } from '../../src/kafka/integration/rpc.js';
import integrationModule from '../../projects/northwind/integration/index.js';
import { freshNorthwind } from '../helpers/northwind.js';
import { waitFor } from '../helpers/wait.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

const northwind = integrationModule.services!.find((s) => s.name === 'northwind')!;
const nobody: Service = service({ name: 'nobody', methods: { ping: method({}, () => 'pong') } });

describe('checkParams', () => {
  const m = method({ id: 'integer', amount: 'number', flag: 'boolean', 'name?': 'string' }, () => null);
  const fail = (input: Record<string, unknown>, fromText: boolean): ParamError => {
    try {
      checkParams(m, input, fromText);
    } catch (e) {
      expect(e).toBeInstanceOf(ParamError);
      return e as ParamError;
    }
    throw new Error(`accepted ${JSON.stringify(input)}`);
  };

  it('converts a query string to the declared types', () => {
    expect(checkParams(m, { id: '42', amount: '2.5', flag: 'true', name: 'x' }, true)).toEqual({
      id: 42,
      amount: 2.5,
      flag: true,
      name: 'x',
    });
    expect(checkParams(m, { id: '-3', amount: '7', flag: 'false' }, true)).toEqual({ id: -3, amount: 7, flag: false });
    expect(fail({ id: '1.5', amount: '1', flag: 'true' }, true).message).toBe('parameter "id" must be an integer (got 1.5)');
    expect(fail({ id: 'abc', amount: '1', flag: 'true' }, true).message).toBe('parameter "id" must be an integer (got "abc")');
    expect(fail({ id: '1', amount: '1e3', flag: 'true' }, true).message).toBe('parameter "amount" must be a number (got "1e3")');
    const flag = fail({ id: '1', amount: '1', flag: 'yes' }, true);
    expect(flag.message).toBe('parameter "flag" must be a boolean (got "yes")');
    expect(flag.param).toBe('flag');
  });

  it('takes JSON as it is: a number in a string is not a number', () => {
    expect(checkParams(m, { id: 42, amount: 2.5, flag: false }, false)).toEqual({ id: 42, amount: 2.5, flag: false });
    expect(fail({ id: '42', amount: 2.5, flag: false }, false).message).toBe('parameter "id" must be an integer (got "42")');
    expect(fail({ id: 42, amount: 2.5, flag: 'true' }, false).message).toBe('parameter "flag" must be a boolean (got "true")');
    expect(fail({ id: 42, amount: 2.5, flag: true, name: 7 }, false).message).toBe('parameter "name" must be a string (got 7)');
  });

  it('names an unknown parameter and what the method takes', () => {
    const e = fail({ id: 1, amount: 1, flag: true, colour: 'red' }, false);
    expect(e.message).toBe('unknown parameter "colour"; the method takes id, amount, flag, name');
    expect(e.param).toBe('colour');
    expect(() =>
      checkParams(
        method({}, () => null),
        { x: '1' },
        true,
      ),
    ).toThrow('unknown parameter "x"; the method takes none');
  });

  it('names a missing parameter and its type', () => {
    const e = fail({ amount: 1, flag: true }, false);
    expect(e.message).toBe('parameter "id" (integer) is missing');
    expect(e.param).toBe('id');
    expect(fail({ id: '', amount: '1', flag: 'true' }, true).message).toBe('parameter "id" (integer) is missing'); // ?id=
  });

  it('leaves out an optional parameter not given', () => {
    expect(checkParams(m, { id: 1, amount: 1, flag: true }, false)).toEqual({ id: 1, amount: 1, flag: true });
    expect(checkParams(m, { id: '1', amount: '1', flag: 'true', name: '' }, true)).toEqual({ id: 1, amount: 1, flag: true });
  });
});

describe('request/reply through a broker', () => {
  let dir: string;
  let broker: Broker;
  let address: string;
  let nw: Awaited<ReturnType<typeof freshNorthwind>>;
  let worker: MessageConsumer;
  const workerLog: string[] = [];
  let a: RpcClient;
  let b: RpcClient;
  // the HTTP side
  let spare: Broker; // a broker where no worker serves northwind
  let lonely: RpcClient;
  const servers: Server[] = [];
  let withRpc: string;
  let withoutWorker: string;
  let withoutRpc: string;
  let token: string;

  const listen = async (app: import('express').Express): Promise<string> => {
    const server: Server = await new Promise((ok) => {
      const s = app.listen(0, '127.0.0.1', () => ok(s));
    });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as { port: number }).port}/api`;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'alsx-rpc-'));
    broker = new Broker({ dataDir: join(dir, 'main'), port: 0, initialRebalanceDelayMs: 50 });
    address = `127.0.0.1:${await broker.start()}`;
    spare = new Broker({ dataDir: join(dir, 'spare'), port: 0, initialRebalanceDelayMs: 50 });
    const spareAddress = `127.0.0.1:${await spare.start()}`;
    nw = await freshNorthwind();
    worker = await serveRequests(northwind, nw.store, [address], (line) => workerLog.push(line));
    a = new RpcClient([address]);
    b = new RpcClient([address]);
    lonely = new RpcClient([spareAddress]);
    await Promise.all([a.start(), b.start(), lonely.start()]);
    withRpc = await listen((await createApi(nw, { rpc: a })).app);
    withoutWorker = await listen((await createApi(nw, { rpc: lonely })).app);
    withoutRpc = await listen((await createApi(nw)).app);
    const login = await fetch(`${withRpc}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'p' }),
    });
    expect(login.status).toBe(200);
    token = ((await login.json()) as { access_token: string }).access_token;
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
    await Promise.all([a?.stop(), b?.stop(), lonely?.stop()]);
    await worker?.close();
    await broker?.stop();
    await spare?.stop();
    nw?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const ok = (r: RpcReply | undefined): any => {
    expect(r, 'a reply').toBeDefined();
    expect(r!.ok, JSON.stringify(r)).toBe(true);
    return r!.result;
  };

  describe('RpcClient and serveRequests', () => {
    it('find_customer ALFKI answers with the balance and the credit limit', async () => {
      const c = ok(await a.call(northwind, 'find_customer', { id: 'ALFKI' }, 30_000));
      expect(c).toMatchObject({ id: 'ALFKI', company_name: 'Alfreds Futterkiste', balance: 2102, credit_limit: 2300 });
    });

    it('find_order 10248 returns the order with its items', async () => {
      const o = ok(await a.call(northwind, 'find_order', { id: 10248 }, 30_000));
      expect(o).toMatchObject({ id: 10248, customer_id: 'HUNGO', total: 2596.15 });
      expect(o.items).toHaveLength(5);
      expect(o.items[0]).toEqual({ quantity: 45, product_name: 'Nord-Ost Matjeshering', unit_price: 20.71, amount: 931.95 });
      expect(o.items.reduce((s: number, i: { amount: number }) => s + i.amount, 0)).toBeCloseTo(2596.15, 2);
    });

    it('customer_balance says what is available under the credit limit', async () => {
      expect(ok(await b.call(northwind, 'customer_balance', { id: 'ALFKI' }, 30_000))).toEqual({
        id: 'ALFKI',
        balance: 2102,
        credit_limit: 2300,
        available: 198,
        unpaid_orders: 3,
      });
    });

    it('an unknown customer is ok:false with status 404; bad parameters are 400', async () => {
      expect(await a.call(northwind, 'find_customer', { id: 'NOBODY' }, 30_000)).toMatchObject({
        ok: false,
        error: { status: 404, message: 'no customer NOBODY' },
      });
      expect(await a.call(northwind, 'find_order', { id: 999 }, 30_000)).toMatchObject({
        ok: false,
        error: { status: 404, message: 'no order 999' },
      });
      // the worker checks too: a caller that is not the HTTP route may send anything
      expect(await a.call(northwind, 'find_order', { id: '10248' }, 30_000)).toMatchObject({
        ok: false,
        error: { status: 400, message: 'parameter "id" must be an integer (got "10248")' },
      });
      expect(await a.call(northwind, 'find_customer', {}, 30_000)).toMatchObject({
        ok: false,
        error: { status: 400, message: 'parameter "id" (string) is missing' },
      });
      expect(await a.call(northwind, 'find_customer', { id: 'ALFKI', x: 1 }, 30_000)).toMatchObject({ ok: false, error: { status: 400 } });
      expect(await a.call(northwind, 'no_such', {}, 30_000)).toMatchObject({
        ok: false,
        error: { status: 404, message: 'northwind has no method no_such' },
      });
    });

    it('two callers at once each get only their own replies, right for each request', async () => {
      expect(a.sink).not.toBe(b.sink);
      const customers = (sqliteDb(nw).prepare('SELECT Id FROM Customer ORDER BY Id LIMIT 40').all() as { Id: string }[]).map((r) => r.Id);
      expect(customers).toHaveLength(40);
      const asA = customers.slice(0, 20);
      const asB = customers.slice(20);
      const calls: Promise<[RpcClient, string, RpcReply | undefined]>[] = [];
      for (let i = 0; i < 20; i++) {
        calls.push(a.call(northwind, 'customer_balance', { id: asA[i] }, 30_000).then((r) => [a, asA[i]!, r]));
        calls.push(b.call(northwind, 'customer_balance', { id: asB[i] }, 30_000).then((r) => [b, asB[i]!, r]));
      }
      const replies = await Promise.all(calls);
      const ids = { a: new Set<string>(), b: new Set<string>() };
      for (const [client, id, r] of replies) {
        const row = nw.row('Customer', id)!;
        expect(ok(r)).toMatchObject({ id, balance: row.Balance, credit_limit: row.CreditLimit });
        ids[client === a ? 'a' : 'b'].add(r!.request_id);
      }
      expect(ids.a.size).toBe(20);
      expect(ids.b.size).toBe(20);
      // what each sink holds: replies to that caller's requests, never the other's
      const inSink = async (sink: string): Promise<Set<string>> => {
        const seen = new Set<string>();
        const kafka = new Kafka({ clientId: 'test', brokers: [address], logLevel: logLevel.NOTHING });
        const c = kafka.consumer({ groupId: `peek-${sink}`, maxWaitTimeInMs: 100 });
        await c.connect();
        await c.subscribe({ topic: sink, fromBeginning: true });
        const admin = kafka.admin();
        await admin.connect();
        const high = Number((await admin.fetchTopicOffsets(sink))[0]!.high);
        await admin.disconnect();
        expect(high).toBeGreaterThanOrEqual(20);
        await new Promise<void>(
          (done) =>
            void c.run({
              eachMessage: async ({ message }) => {
                seen.add((JSON.parse(message.value!.toString()) as RpcReply).request_id);
                if (Number(message.offset) + 1 >= high) done();
              },
            }),
        );
        await c.disconnect();
        return seen;
      };
      const sinkA = await inSink(a.sink);
      const sinkB = await inSink(b.sink);
      for (const id of ids.a) expect(sinkA.has(id)).toBe(true);
      for (const id of ids.b) expect(sinkB.has(id)).toBe(true);
      for (const id of ids.b) expect(sinkA.has(id)).toBe(false);
      for (const id of ids.a) expect(sinkB.has(id)).toBe(false);
    });

    it('a call nobody serves answers undefined after the timeout', async () => {
      const started = Date.now();
      expect(await a.call(nobody, 'ping', {}, 800)).toBeUndefined();
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(790);
      expect(took).toBeLessThan(60_000); // gave up on its own (a generous bound: only a hang fails it)
    });

    it('a worker skips a request whose caller stopped waiting: no late reply', async () => {
      const sink = 'test.late-replies';
      const got: RpcReply[] = [];
      const reader = await runConsumer(
        [address],
        'test-late',
        sink,
        async (m) => void got.push(JSON.parse(m.value!.toString()) as RpcReply),
      );
      const producer = await connectProducer([address]);
      try {
        const request = (id: string, deadline: number) => ({
          topic: 'northwind.requests',
          key: id,
          value: Buffer.from(JSON.stringify({ request_id: id, sink, method: 'find_customer', params: { id: 'ALFKI' }, deadline })),
          headers: {},
        });
        await producer.send([request('late-1', Date.now() - 1000), request('in-time-1', Date.now() + 120_000)]);
        // one partition: 'late-1' was handled first, so a reply to it would be in the sink before
        // 'in-time-1''s and reach the reader first
        await waitFor(() => got.some((r) => r.request_id === 'in-time-1'), {
          what: "the reply to 'in-time-1'",
          detail: () => JSON.stringify(got),
        });
        expect(got.map((r) => r.request_id)).toEqual(['in-time-1']);
        expect(workerLog).toContain('northwind.find_customer late-1: the caller stopped waiting; skipped');
      } finally {
        await producer.close();
        await reader.close();
      }
    });
  });

  describe('GET|POST /api/rpc/<service>/<method>', () => {
    // replies come as fast as the machine allows: the API waits generously (the 504 test sets its own)
    let timeout: string | undefined;
    beforeAll(() => {
      timeout = process.env.ALSX_RPC_TIMEOUT_MS;
      process.env.ALSX_RPC_TIMEOUT_MS = '30000';
    });
    afterAll(() => {
      if (timeout === undefined) delete process.env.ALSX_RPC_TIMEOUT_MS;
      else process.env.ALSX_RPC_TIMEOUT_MS = timeout;
    });
    const call = async (base: string, path: string, init: { method?: string; body?: string } = {}) => {
      const res = await fetch(`${base}${path}`, {
        method: init.method ?? 'GET',
        body: init.body,
        headers: { Authorization: `Bearer ${token}`, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const detail = (body: any): string => body.errors[0].detail;

    it('GET with the parameters in the query answers the reply, with the request id', async () => {
      const r = await call(withRpc, '/rpc/northwind/find_customer?id=ALFKI');
      expect(r.status).toBe(200);
      expect(r.body.data).toMatchObject({ id: 'ALFKI', balance: 2102, credit_limit: 2300 });
      expect(r.body.meta).toMatchObject({
        service: 'northwind',
        method: 'find_customer',
        request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(typeof r.body.meta.ms).toBe('number');
      const o = await call(withRpc, '/rpc/northwind/find_order?id=10248'); // "10248" from the query is an integer
      expect(o.status).toBe(200);
      expect(o.body.data.items).toHaveLength(5);
    });

    it('POST takes a JSON object', async () => {
      const r = await call(withRpc, '/rpc/northwind/customer_balance', { method: 'POST', body: JSON.stringify({ id: 'ALFKI' }) });
      expect(r.status).toBe(200);
      expect(r.body.data).toEqual({ id: 'ALFKI', balance: 2102, credit_limit: 2300, available: 198, unpaid_orders: 3 });
      const strict = await call(withRpc, '/rpc/northwind/find_order', { method: 'POST', body: '{"id":"10248"}' });
      expect(strict.status).toBe(400);
      expect(strict.body.errors[0]).toMatchObject({ code: 'bad-params', source: { pointer: '/id' } });
      const array = await call(withRpc, '/rpc/northwind/find_order', { method: 'POST', body: '[1]' });
      expect(array.status).toBe(400);
      expect(detail(array.body)).toBe('POST a JSON object of parameters');
    });

    it('an unknown service or method is 404 naming what exists; a missing customer is 404', async () => {
      const s = await call(withRpc, '/rpc/shop/find_customer?id=ALFKI');
      expect(s.status).toBe(404);
      expect(detail(s.body)).toBe('no service shop; the project declares northwind (integration/index.ts)');
      const m = await call(withRpc, '/rpc/northwind/find_supplier?id=1');
      expect(m.status).toBe(404);
      expect(detail(m.body)).toBe(
        'northwind has no method find_supplier; it has find_customer, find_order, customer_balance, find_product, credit_report',
      );
      const c = await call(withRpc, '/rpc/northwind/find_customer?id=NOBODY');
      expect(c.status).toBe(404);
      expect(detail(c.body)).toBe('no customer NOBODY');
    });

    it('bad parameters are 400, naming the parameter', async () => {
      const r = await call(withRpc, '/rpc/northwind/find_order?id=abc');
      expect(r.status).toBe(400);
      expect(r.body.errors[0]).toMatchObject({
        code: 'bad-params',
        detail: 'parameter "id" must be an integer (got "abc")',
        source: { parameter: 'id' },
      });
      const missing = await call(withRpc, '/rpc/northwind/find_customer');
      expect(missing.status).toBe(400);
      expect(detail(missing.body)).toBe('parameter "id" (string) is missing');
      const unknown = await call(withRpc, '/rpc/northwind/find_customer?id=ALFKI&customer=ALFKI');
      expect(unknown.status).toBe(400);
      expect(detail(unknown.body)).toBe('unknown parameter "customer"; the method takes id');
    });

    it("needs a token when the project's security is on", async () => {
      const res = await fetch(`${withRpc}/rpc/northwind/find_customer?id=ALFKI`);
      expect(res.status).toBe(401);
    });

    it('504 when no worker answers in time (ALSX_RPC_TIMEOUT_MS)', async () => {
      const before = process.env.ALSX_RPC_TIMEOUT_MS;
      process.env.ALSX_RPC_TIMEOUT_MS = '600';
      try {
        const started = Date.now();
        const r = await call(withoutWorker, '/rpc/northwind/find_customer?id=ALFKI');
        expect(r.status).toBe(504);
        expect(detail(r.body)).toBe("no reply from northwind.find_customer within 600 ms; are the project's workers running?");
        expect(Date.now() - started).toBeGreaterThanOrEqual(590);
      } finally {
        if (before === undefined) delete process.env.ALSX_RPC_TIMEOUT_MS;
        else process.env.ALSX_RPC_TIMEOUT_MS = before;
      }
    });

    it('503 when the API has no request/reply client (no Kafka)', async () => {
      const r = await call(withoutRpc, '/rpc/northwind/find_customer?id=ALFKI');
      expect(r.status).toBe(503);
      expect(detail(r.body)).toMatch(/^request\/reply needs Kafka .*alsx serve$/);
      // parameters are checked before that
      expect((await call(withoutRpc, '/rpc/northwind/find_customer')).status).toBe(400);
    });
  });
});
