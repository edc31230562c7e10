/**
 * Custom endpoints limited to roles or public, over real HTTP: a public one answers without a token
 * (as the anonymous user, whose grants decide what it may read and write), every other route still
 * needs one, and a role not listed is 403 naming the endpoint and its roles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type EndpointCall } from '../../src/api/endpoints.js';
import { startApi, type TestApi } from '../helpers/api.js';
import { OrderB2B, orderB2BExample } from '../../projects/northwind/integration/OrderB2B.js';
import grants from '../../projects/northwind/security/grants.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

const json = (body: unknown) => ({ body, type: 'application/json' });
const who = (call: EndpointCall) => json({ user: call.user && { name: call.user.name, roles: call.user.roles } });

const lab = endpoints({
  'Lab/Whoami': { method: 'GET', public: true, handle: who },
  // a private route declared before a public one it also matches: the private one serves it, with a token
  'Lab/Items/:id': { method: 'GET', handle: who },
  'Lab/Items/summary': { method: 'GET', public: true, handle: () => json('never reached') },
  'Lab/Private': { method: 'GET', handle: who },
  'Lab/SalesOnly': { method: 'GET', roles: ['sales', 'admin'], handle: who },
  'Lab/Order': { method: 'POST', public: true, handle: (call) => call.create(OrderB2B, call.body) },
});

describe('custom endpoints: roles and public', () => {
  let api: TestApi;
  beforeAll(async () => {
    // Northwind's grants, with anonymous callers allowed to read everything (and to write nothing)
    api = await startApi({ endpoints: lab, security: { ...grants, roles: { ...grants.roles, anonymous: { '*': 'r' } } } });
  });
  afterAll(() => api.close());

  const get = (path: string, token?: string | null) => api.req('GET', path, { token, headers: { Accept: 'application/json' } });

  it('a public endpoint answers without a token, as the anonymous user; with one, as the user', async () => {
    expect(await get('/Lab/Whoami', null)).toMatchObject({ status: 200, body: { user: { name: 'anonymous', roles: ['anonymous'] } } });
    expect((await get('/Lab/Whoami', await api.login('ALFKI'))).body).toEqual({ user: { name: 'ALFKI', roles: ['customer'] } });
    expect((await get('/lab/whoami/', null)).status).toBe(200); // matched as Express matches the route
    // a bad token is refused even there
    expect((await get('/Lab/Whoami', 'forged')).status).toBe(401);
  });

  it('every other route still needs a token', async () => {
    for (const path of [
      '/Lab/Items/summary',
      '/Lab/Private',
      '/Customer/ALFKI',
      '/Lab/Whoami%2F..%2FCustomer',
      '/rpc/northwind/find_customer?id=ALFKI',
    ])
      expect((await get(path, null)).status, path).toBe(401);
    // public is per method and path: POST to the public GET is not public
    expect((await api.req('POST', '/Lab/Whoami', { token: null, raw: '{}' })).status).toBe(401);
    expect((await get('/Lab/Private')).status).toBe(200);
  });

  it('a role not listed is 403, naming the endpoint and its roles', async () => {
    const r = await get('/Lab/SalesOnly', await api.login('ALFKI'));
    expect(r.status).toBe(403);
    expect(r.body.errors[0].detail).toBe('GET /api/Lab/SalesOnly is for the roles sales, admin; ALFKI has customer');
    expect((await get('/Lab/SalesOnly', await api.login('s1'))).body.user.name).toBe('s1');
    expect((await get('/Lab/SalesOnly')).body.user.name).toBe('admin');
    expect((await get('/Lab/SalesOnly', null)).status).toBe(401);
  });

  it("a public endpoint's reads and writes go through the anonymous user's grants: its lookups find, its insert is refused", async () => {
    const before = sqliteDb(api.nw).prepare('SELECT COUNT(*) FROM "Order"').pluck().get();
    const r = await api.req('POST', '/Lab/Order', { token: null, body: orderB2BExample, headers: { 'Content-Type': 'application/json' } });
    expect(r.status).toBe(403);
    expect(r.body.errors[0].detail).toBe('anonymous may not insert Order');
    expect(sqliteDb(api.nw).prepare('SELECT COUNT(*) FROM "Order"').pluck().get()).toBe(before);
  });

  it('the OpenAPI document says which endpoints are public and which roles the others are for', async () => {
    const doc = (await get('/openapi.json', null)).body;
    expect(doc.paths['/api/Lab/Whoami'].get.security).toEqual([]);
    expect(doc.paths['/api/Lab/Private'].get.security).toBeUndefined();
    expect(doc.paths['/api/Lab/SalesOnly'].get.description).toBe('For the roles sales, admin.');
  });

  it('endpoints() refuses an endpoint both public and limited to roles', () => {
    expect(() => endpoints({ X: { method: 'GET', public: true, roles: ['a'], handle: () => json(1) } })).toThrow(
      'endpoint X: it is public (anyone) or limited to roles, not both',
    );
  });
});
