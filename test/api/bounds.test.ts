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
