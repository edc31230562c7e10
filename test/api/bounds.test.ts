/**
 * Bodies no one should send, answered in the caller's terms: JSON nested thousands of levels deep
 * is refused (400) on every route that takes a body — it once overflowed the stack in error
 * messages and answered 500 — and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATOMIC, startApi, type TestApi } from '../helpers/api.js';
import { databaseDigest } from '../helpers/northwind.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

/** ≈5,000 levels, ~10 KB: what a fuzzer sent */
const deep = (inner: string) => `${'['.repeat(5000)}${inner}${']'.repeat(5000)}`;

const ROUTES: [string, string, string, string][] = [
  ['POST', '/Customer', 'application/vnd.api+json', `{"data":{"type":"Customer","id":"DEEP1","attributes":{"CompanyName":${deep('1')}}}}`],
  [
    'PATCH',
    '/Customer/ALFKI',
    'application/vnd.api+json',
    `{"data":{"type":"Customer","id":"ALFKI","attributes":{"ContactName":${deep('"x"')}}}}`,
  ],
  ['POST', '/operations', ATOMIC, `{"atomic:operations":[{"op":"update","data":${deep('{}')}}]}`],
  ['POST', '/ServicesEndPoint/OrderB2B', 'application/json', `{"AccountId":"ALFKI","Items":${deep('{}')}}`],
  ['POST', '/rpc/northwind/find_customer', 'application/json', `{"id":${deep('"ALFKI"')}}`],
  ['POST', '/auth/login', 'application/json', `{"username":${deep('"admin"')},"password":"p"}`],
  ['PATCH', '/Order/10702/relationships/Customer', 'application/vnd.api+json', deep('null')],
];

describe('deeply nested JSON', () => {
  for (const [method, path, type, raw] of ROUTES) {
    it(`${method} ${path} → 400 naming the depth, nothing written`, async () => {
      const before = databaseDigest(api.nw);
      const r = await api.req(method, path, { raw, headers: { 'Content-Type': type, Accept: `${type}, application/json` } });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.errors[0].detail).toMatch(/nests deeper than 64 levels/);
      expect(databaseDigest(api.nw)).toBe(before);
    });
  }

  it('nesting within the bound is just JSON (a string that looks deep is not deep)', async () => {
    const r = await api.req('PATCH', '/Customer/ALFKI', {
      raw: JSON.stringify({ data: { type: 'Customer', id: 'ALFKI', attributes: { ContactName: `${'['.repeat(500)}"}` } } }),
      headers: { 'Content-Type': 'application/vnd.api+json' },
    });
    expect(r.status).toBe(200);
    expect(r.body.data.attributes.ContactName).toBe(`${'['.repeat(500)}"}`);
  });
});

describe('what one request may cost', () => {
  const q = (s: string) => s.replace(/\[/g, '%5B').replace(/\]/g, '%5D');

  it('an include path deeper than 3 relationships is 400 naming the limit (one once took 5 s of everyone’s time)', async () => {
    const cyclic = Array.from({ length: 150 }, () => 'OrderDetailList.Order').join('.');
    for (const include of [cyclic, 'OrderDetailList.Order.OrderDetailList.Order']) {
      const r = await api.req('GET', q(`/Order?page[limit]=1000&include=${include}`));
      expect(r.status).toBe(400);
      expect(r.body.errors[0]).toMatchObject({ code: 'limit', source: { parameter: 'include' } });
      expect(r.body.errors[0].detail).toMatch(/relationships deep; the limit is 3 \(api\.limits\.includeDepth in alsx\.config\.ts\)/);
    }
    expect((await api.req('GET', q('/Order?page[limit]=5&include=OrderDetailList.Product.Category'))).status).toBe(200);
  });

  it('more than 2,000 included resources is 400 naming the limit; a smaller page is answered', async () => {
    const r = await api.req('GET', q('/Order?page[limit]=1000&include=OrderDetailList'));
    expect(r.status).toBe(400);
    expect(r.body.errors[0].detail).toMatch(/more than 2000 included resources.*api\.limits\.included/);
    const ok = await api.req('GET', q('/Order?page[limit]=100&include=OrderDetailList'));
    expect(ok.status).toBe(200);
    expect(ok.body.included.length).toBeGreaterThan(100);
  });

  it('more than 500 atomic operations is 400, and nothing is written', async () => {
    const before = databaseDigest(api.nw);
    const ops = Array.from({ length: 501 }, () => ({ op: 'update', data: { type: 'Customer', id: 'ALFKI', attributes: { Fax: 'x' } } }));
    const r = await api.req('POST', '/operations', {
      body: { 'atomic:operations': ops },
      headers: { 'Content-Type': ATOMIC, Accept: ATOMIC },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].detail).toMatch(/501 operations in one request; the limit is 500 \(api\.limits\.operations/);
    expect(databaseDigest(api.nw)).toBe(before);
  });

  it('a partner order of more than 1,000 items is refused naming the list and the limit', async () => {
    const before = databaseDigest(api.nw);
    const Items = Array.from({ length: 1001 }, () => ({ ProductName: 'Chai', QuantityOrdered: 1 }));
    const r = await api.req('POST', '/ServicesEndPoint/OrderB2B', {
      body: { AccountId: 'ALFKI', Given: 'Steven', Surname: 'Buchanan', Items },
      headers: { 'Content-Type': 'application/json' },
    });
    expect(r.status).toBe(422);
    expect(r.body.errors[0]).toMatchObject({ source: { pointer: '/Items' } });
    expect(r.body.errors[0].detail).toMatch(/has 1001 items; at most 1000/);
    expect(databaseDigest(api.nw)).toBe(before);
  });

  it('a filter[…][in] of more than 500 values is 400 naming the limit', async () => {
    const values = Array.from({ length: 501 }, (_, i) => i).join(',');
    const r = await api.req('GET', q(`/Order?filter[Id][in]=${values}`));
    expect(r.status).toBe(400);
    expect(r.body.errors[0].detail).toMatch(/lists 501 values; the limit is 500/);
  });
});

describe('a large answer does not hold everyone else', () => {
  const q = (s: string) => s.replace(/\[/g, '%5B').replace(/\]/g, '%5D');
  const BIG = '/Order?page[limit]=600&include=OrderDetailList,Customer,Employee&sort=Id';

  it('is the same document as ever, written in slices', async () => {
    const r = await api.req('GET', q(BIG));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/vnd.api+json');
    expect(r.body.data).toHaveLength(600);
    expect(r.body.meta.count).toBe(830);
    expect(r.body.included.length).toBeGreaterThan(1500);
    const ids = r.body.data.map((o: { id: string }) => Number(o.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const small = await api.req('GET', q('/Order?page[limit]=5&include=OrderDetailList,Customer,Employee&sort=Id'));
    expect(r.body.data.slice(0, 5)).toEqual(small.body.data);
    for (const inc of small.body.included) expect(r.body.included).toContainEqual(inc);
  });
});
