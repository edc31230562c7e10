/**
 * Request/reply methods run as their caller, over real HTTP through a real broker and worker: reads
 * through the caller's row filters and column grants, raw SQL only for a caller who may read
 * everything, methods limited to roles or public, requests from Kafka itself as the service's
 * kafkaUser — and the signature that lets a worker believe the caller the API names.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/api/jsonapi/model.js';
import { Scope } from '../../src/api/jsonapi/scope.js';
import type { SecurityConfig, User } from '../../src/api/security/access.js';
import { Auth, secret } from '../../src/api/security/auth.js';
import { createApi } from '../../src/api/server.js';
import { Broker } from '../../src/kafka/broker/broker.js';
import type { MessageConsumer } from '../../src/kafka/client.js';
import { method, service, type Service } from '../../src/kafka/integration/declare.js';
import { RpcClient, serveRequests, type RpcSecurity } from '../../src/kafka/integration/rpc.js';
import { callerKey, signCall, verifyCall, type SignedCall } from '../../src/kafka/integration/rpc-caller.js';
import grants from '../../projects/northwind/security/grants.js';
import { Customer, Order, Product } from '../../projects/northwind/models.js';
import { freshNorthwind } from '../helpers/northwind.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

/** bcrypt of "p" */
const P = '$2b$10$IwsVRNvybHX3D.r6.iMSOuhC4p/Gpl9ZBrkMpqqexB0J/usz2pMYa';

/** Northwind's grants, and an auditor who reads everything but customers' credit */
const security: SecurityConfig = {
  ...grants,
  users: [...(grants.users ?? []), { name: 'audit', password: P, roles: ['auditor'] }],
  roles: { ...grants.roles, auditor: { Customer: { can: 'r', columns: { except: ['CreditLimit', 'Balance'] } }, '*': 'r' } },
};

const methods = {
  customer: method({ id: 'string' }, ({ id }, db) => db.get(Customer, id) ?? null),
  order_ids: method({ customer: 'string' }, ({ customer }, db) => db.find(Order, { CustomerId: customer }).map((o) => o.Id)),
  customer_count: method({}, (_p, db) => db.sql('SELECT COUNT(*) AS n FROM Customer')[0]),
  sales_only: method({}, () => 'ok', { roles: ['sales'] }),
  ping: method({}, () => 'pong', { public: true, description: 'no login needed' }),
  public_product: method({ id: 'integer' }, ({ id }, db) => db.get(Product, id)?.ProductName ?? null, { public: true }),
  public_customer: method({ id: 'string' }, ({ id }, db) => db.get(Customer, id)?.CompanyName ?? null, { public: true }),
};
const lab: Service = service({ name: 'lab', methods });
/** the same methods; requests produced straight to Kafka run as ALFKI */
const labKafka: Service = service({ name: 'lab_kafka', kafkaUser: 'ALFKI', methods });

describe('request/reply as the caller', () => {
  let dir: string;
  let broker: Broker;
  let nw: Awaited<ReturnType<typeof freshNorthwind>>;
  const workers: MessageConsumer[] = [];
  let client: RpcClient;
  let server: Server;
  let base: string;
  const tokens = new Map<string, string>();
  let previousTimeout: string | undefined;

  beforeAll(async () => {
    previousTimeout = process.env.ALSX_RPC_TIMEOUT_MS;
    process.env.ALSX_RPC_TIMEOUT_MS = '30000';
    dir = mkdtempSync(join(tmpdir(), 'alsx-rpc-caller-'));
    broker = new Broker({ dataDir: dir, port: 0, initialRebalanceDelayMs: 50 });
    const address = `127.0.0.1:${await broker.start()}`;
    nw = await freshNorthwind();
    const ctx = { project: nw, model: buildModel(nw.store.schema), security };
    const auth = new Auth(nw, security);
    const rpcSecurity: RpcSecurity = {
      enabled: true,
      scope: (user) => new Scope(ctx, user, ''),
      user: (name) => auth.trusted(name),
      key: callerKey(secret(nw)),
    };
    for (const s of [lab, labKafka]) workers.push(await serveRequests(s, nw.store, [address], () => {}, rpcSecurity));
    client = new RpcClient([address]);
    await client.start();
    const { app } = await createApi(nw, { rpc: client, security, services: [lab, labKafka] });
    server = await new Promise((ok) => {
      const s = app.listen(0, '127.0.0.1', () => ok(s));
    });
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/api`;
  });

  afterAll(async () => {
    if (previousTimeout === undefined) delete process.env.ALSX_RPC_TIMEOUT_MS;
    else process.env.ALSX_RPC_TIMEOUT_MS = previousTimeout;
    await new Promise((ok) => server?.close(ok));
    await client?.stop();
    await Promise.all(workers.map((w) => w.close()));
    await broker?.stop();
    nw?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const login = async (user: string): Promise<string> => {
    if (!tokens.has(user)) {
      const r = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: user, password: 'p' }),
      });
      tokens.set(user, ((await r.json()) as { access_token: string }).access_token);
    }
    return tokens.get(user)!;
  };
  /** GET /api/rpc/lab/<path> as this user (null: no token) */
  const call = async (user: string | null, path: string): Promise<{ status: number; body: any }> => {
    const headers: Record<string, string> = user ? { Authorization: `Bearer ${await login(user)}` } : {};
    const r = await fetch(`${base}/rpc/lab/${path}`, { headers });
    return { status: r.status, body: await r.json() };
  };
  const detail = (r: { body: any }): string => r.body.errors[0].detail;

  it("reads through the caller's row filters: another customer's rows are not there", async () => {
    expect((await call('ALFKI', 'customer?id=ANATR')).body.data).toBeNull();
    expect((await call('ALFKI', 'customer?id=ALFKI')).body.data).toMatchObject({ Id: 'ALFKI', CreditLimit: 2300 });
    expect((await call('ALFKI', 'order_ids?customer=ANATR')).body.data).toEqual([]);
    const own = (await call('ALFKI', 'order_ids?customer=ALFKI')).body.data;
    expect(own).toEqual(sqliteDb(nw).prepare('SELECT Id FROM "Order" WHERE CustomerId = \'ALFKI\' ORDER BY Id').pluck().all());
    expect((await call('admin', 'customer?id=ANATR')).body.data).toMatchObject({ Id: 'ANATR' });
  });

  it('returns only the columns the caller may read', async () => {
    const seen = (await call('audit', 'customer?id=ANATR')).body.data;
    expect(seen).toMatchObject({ Id: 'ANATR', CompanyName: expect.any(String) });
    expect(Object.keys(seen)).not.toContain('CreditLimit');
    expect(Object.keys(seen)).not.toContain('Balance');
    expect(Object.keys(seen)).toContain('OrderCount');
  });

  it('refuses raw SQL to a caller whose grants limit what they read (403, saying why); allows it to one who reads everything', async () => {
    for (const user of ['ALFKI', 'audit']) {
      const r = await call(user, 'customer_count');
      expect(r.status, user).toBe(403);
      expect(detail(r)).toBe(
        `lab.customer_count: ${user} may not run SQL here: raw SQL cannot be limited to the rows and columns their grants let them read (use db.get and db.find, which are)`,
      );
    }
    for (const user of ['admin', 's1']) expect((await call(user, 'customer_count')).body.data, user).toEqual({ n: 47 });
  });

  it('a method limited to roles answers 403 to the others, naming it and its roles', async () => {
    const r = await call('ALFKI', 'sales_only');
    expect(r.status).toBe(403);
    expect(detail(r)).toBe('lab.sales_only is for the role sales; ALFKI has customer');
    expect((await call('s1', 'sales_only')).body.data).toBe('ok');
  });

  it('a public method needs no token and reads as the anonymous user: what grants give the role anonymous, nothing else', async () => {
    expect(await call(null, 'ping')).toMatchObject({ status: 200, body: { data: 'pong' } });
    expect((await call(null, 'public_product?id=1')).body.data).toBe('Chai');
    expect((await call(null, 'public_customer?id=ALFKI')).body.data).toBeNull();
    // a logged-in caller of a public method is themselves
    expect((await call('ALFKI', 'public_customer?id=ALFKI')).body.data).toBe('Alfreds Futterkiste');
    const closed = await call(null, 'customer?id=ALFKI');
    expect(closed.status).toBe(401);
    // parameters of a public method are checked as any method's
    expect((await call(null, 'public_product?id=x')).status).toBe(400);
  });

  it("a request from Kafka itself runs as the service's kafkaUser; without one, it may call public methods only", async () => {
    const asKafka = (s: Service, name: string, params: Record<string, unknown>) => client.call(s, name, params, 30_000);
    expect(await asKafka(labKafka, 'customer', { id: 'ANATR' })).toMatchObject({ ok: true, result: null });
    expect(await asKafka(labKafka, 'customer', { id: 'ALFKI' })).toMatchObject({ ok: true, result: { Id: 'ALFKI' } });
    expect(await asKafka(labKafka, 'sales_only', {})).toMatchObject({
      ok: false,
      error: { status: 403, message: 'lab_kafka.sales_only is for the role sales; ALFKI has customer' },
    });
    expect(await asKafka(lab, 'customer', { id: 'ALFKI' })).toMatchObject({ ok: false, error: { status: 401 } });
    expect(await asKafka(lab, 'ping', {})).toMatchObject({ ok: true, result: 'pong' });
    expect(await asKafka(lab, 'public_customer', { id: 'ALFKI' })).toMatchObject({ ok: true, result: null });
  });

  it('a caller signed with another key is refused', async () => {
    const admin: User = { name: 'admin', roles: ['admin'] };
    const wrong = await client.call(lab, 'customer', { id: 'ANATR' }, 30_000, { user: admin, key: callerKey('not the secret') });
    expect(wrong).toMatchObject({ ok: false, error: { status: 401 } });
    const right = await client.call(lab, 'customer', { id: 'ANATR' }, 30_000, { user: admin, key: callerKey(secret(nw)) });
    expect(right).toMatchObject({ ok: true, result: { Id: 'ANATR' } });
  });
});

describe('the caller signature', () => {
  const key = callerKey('s3cret');
  const call: SignedCall = {
    service: 'northwind',
    request_id: 'r1',
    sink: 'alsx.replies.x',
    method: 'find_customer',
    params: { id: 'ALFKI', n: 1 },
    deadline: 1_800_000_000_000,
    caller: { name: 'ALFKI', roles: ['customer'], attributes: { region: 'WA' } },
  };
  const sig = signCall(call, key);

  it('verifies the request it was made for, whatever the order of its keys', () => {
    expect(verifyCall(call, sig, key)).toBe(true);
    const reordered = JSON.parse(JSON.stringify({ ...call, params: { n: 1, id: 'ALFKI' } })) as SignedCall;
    expect(verifyCall(reordered, sig, key)).toBe(true);
  });

  it('fails for any change: caller, roles, attributes, parameters, method, service, reply topic, deadline, key', () => {
    const changed: Partial<SignedCall>[] = [
      { caller: { ...call.caller, name: 'ANATR' } },
      { caller: { ...call.caller, roles: ['customer', 'admin'] } },
      { caller: { ...call.caller, attributes: { region: 'OR' } } },
      { params: { id: 'ANATR', n: 1 } },
      { method: 'customer_balance' },
      { service: 'other' },
      { sink: 'attacker' },
      { deadline: call.deadline! + 1 },
      { request_id: 'r2' },
    ];
    for (const c of changed) expect(verifyCall({ ...call, ...c }, sig, key), JSON.stringify(c)).toBe(false);
    expect(verifyCall(call, sig, callerKey('other'))).toBe(false);
    expect(verifyCall(call, undefined, key)).toBe(false);
    expect(verifyCall(call, `${sig}x`, key)).toBe(false);
  });
});

describe('method()', () => {
  it('takes a description, or options with roles or public (not both)', () => {
    expect(method({}, () => 1, 'one').description).toBe('one');
    expect(method({}, () => 1, { description: 'one', roles: ['sales'] })).toMatchObject({ description: 'one', roles: ['sales'] });
    expect(method({}, () => 1, { public: true }).public).toBe(true);
    expect(() => method({}, () => 1, { public: true, roles: ['sales'] })).toThrow(
      'a method is public (anyone) or limited to roles, not both',
    );
    expect(() => method({}, () => 1, { roles: [] })).toThrow('roles is a non-empty list of role names');
  });
});
