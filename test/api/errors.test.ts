/** Bad input over real HTTP: always a JSON:API error in the client's terms, never a 500. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSONAPI, startApi, type TestApi } from '../helpers/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const q = (s: string) => s.replace(/\[/g, '%5B').replace(/\]/g, '%5D');

describe('query parameters', () => {
  it.each([
    ['/NoSuchType', 404, 'unknown-type', undefined],
    ['/Order?filter[NoSuchCol]=1', 400, 'unknown-field', 'filter[NoSuchCol]'],
    ['/Order?filter[AmountTotal][between]=1', 400, 'unknown-operator', 'filter[AmountTotal][between]'],
    ['/Order?filter[Id]=abc', 400, 'invalid-value', 'filter[Id]'],
    ['/Order?filter[NoRel.Country]=x', 400, 'unknown-relationship', 'filter[NoRel.Country]'],
    ['/Order?sort=NoSuch', 400, 'unknown-field', 'sort'],
    ['/Order?include=NoSuch', 400, 'unknown-relationship', 'include'],
    ['/Order?include=Customer.NoSuch', 400, 'unknown-relationship', 'include'],
    ['/Order?fields[Nope]=x', 400, 'unknown-type', 'fields[Nope]'],
    ['/Order?fields[Order]=Nope', 400, 'unknown-field', 'fields[Order]'],
    ['/Order?page[limit]=-5', 400, 'invalid-parameter', 'page[limit]'],
    ['/Order?page[limit]=0', 400, 'invalid-parameter', 'page[limit]'],
    ['/Order?page[limit]=100000000', 400, 'invalid-parameter', 'page[limit]'],
    ['/Order?page[offset]=x', 400, 'invalid-parameter', 'page[offset]'],
    ['/Order?page[number]=2', 400, 'unknown-parameter', 'page[number]'],
    ['/Order?foo=1', 400, 'unknown-parameter', 'foo'],
    ['/Order/10643?sort=Id', 400, 'invalid-parameter', 'sort'],
    ['/Order/10643/NoSuchRel', 404, 'unknown-relationship', ''],
    ['/Order/10643/relationships/NoSuchRel', 404, 'unknown-relationship', ''],
  ])('GET %s → %s %s', async (path, status, code, parameter) => {
    const r = await api.req('GET', q(path));
    expect(r.status).toBe(status);
    expect(r.body.errors[0]).toMatchObject({ status: String(status), code });
    expect(r.body.errors[0].title).toEqual(expect.any(String));
    expect(r.body.errors[0].detail).toEqual(expect.any(String));
    if (parameter) expect(r.body.errors[0].source).toEqual({ parameter });
  });

  it('SQL text in any parameter is a value or a 400, never SQL', async () => {
    for (const path of [
      "/Customer?filter[Id]=' OR '1'='1",
      '/Customer?filter[Id][in]=ALFKI,x) OR (1=1',
      '/Customer?sort=Id DESC; DROP TABLE Customer',
      '/Customer?include=OrderList) --',
      '/Customer?fields[Customer]=Id FROM Customer; --',
      "/Customer/ALFKI' OR '1'='1",
    ]) {
      const r = await api.req('GET', q(path));
      expect([200, 400, 404], path).toContain(r.status);
      if (r.status === 200) expect(r.body.data.length, path).toBeLessThanOrEqual(1);
    }
    expect((await api.req('GET', '/Customer')).body.meta.count).toBe(47);
  });
});

describe('request bodies', () => {
  const post = (raw: string, type = JSONAPI) => api.req('POST', '/Customer', { raw, headers: { 'Content-Type': type } });

  it.each([
    ['malformed JSON', '{"data": {', 400, 'malformed-json', ''],
    ['no body', '', 400, 'invalid-member', ''],
    ['no data member', '{"meta": {}}', 400, 'invalid-member', ''],
    ['data not an object', '{"data": [1]}', 400, 'invalid-member', '/data'],
    [
      'unknown attribute',
      '{"data": {"type": "Customer", "id": "ZZ1", "attributes": {"Nope": 1}}}',
      400,
      'unknown-attribute',
      '/data/attributes/Nope',
    ],
    [
      'wrong attribute type',
      '{"data": {"type": "Customer", "id": "ZZ2", "attributes": {"CreditLimit": "lots"}}}',
      400,
      'type',
      '/data/attributes/CreditLimit',
    ],
    [
      'an object as an attribute',
      '{"data": {"type": "Customer", "id": "ZZ3", "attributes": {"City": {"x": 1}}}}',
      400,
      'type',
      '/data/attributes/City',
    ],
    [
      'unknown relationship',
      '{"data": {"type": "Customer", "id": "ZZ4", "relationships": {"Nope": {"data": null}}}}',
      400,
      'unknown-relationship',
      '/data/relationships/Nope',
    ],
    [
      'missing text key',
      '{"data": {"type": "Customer", "attributes": {"CompanyName": "Nameless"}}}',
      400,
      'required',
      '/data/attributes/Id',
    ],
  ])('%s → %s', async (_what, raw, status, code, pointer) => {
    const r = await post(raw);
    expect(r.status).toBe(status);
    expect(r.body.errors[0]).toMatchObject({ code, source: { pointer } });
    expect((await api.req('GET', '/Customer')).body.meta.count).toBe(47);
  });

  it('a related resource that does not exist is 404 naming the member', async () => {
    const r = await api.req('POST', '/Order', {
      body: {
        data: { type: 'Order', attributes: { EmployeeId: 5 }, relationships: { Customer: { data: { type: 'Customer', id: 'NOPE' } } } },
      },
    });
    expect(r.status).toBe(404);
    expect(r.body.errors[0].detail).toMatch(/Customer NOPE does not exist/);
  });
});

describe('content negotiation', () => {
  it('415 for a body that is not JSON:API, or carries a parameter other than ext/profile', async () => {
    for (const type of ['application/json', 'text/plain', `${JSONAPI}; charset=utf-8`, `${JSONAPI}; ext="https://example.com/ext"`]) {
      const r = await api.req('POST', '/Customer', {
        raw: '{"data": {"type": "Customer", "id": "X1"}}',
        headers: { 'Content-Type': type },
      });
      expect(r.status, type).toBe(415);
      expect(r.body.errors[0].source).toEqual({ header: 'Content-Type' });
    }
  });

  it('406 when every JSON:API type the client accepts has unsupported parameters; fine otherwise', async () => {
    expect((await api.req('GET', '/Customer/ALFKI', { headers: { Accept: `${JSONAPI}; charset=utf-8` } })).status).toBe(406);
    expect((await api.req('GET', '/Customer/ALFKI', { headers: { Accept: `${JSONAPI}; charset=utf-8, ${JSONAPI}` } })).status).toBe(200);
    expect((await api.req('GET', '/Customer/ALFKI', { headers: { Accept: '*/*' } })).status).toBe(200);
    expect((await api.req('GET', '/Customer/ALFKI', { headers: { Accept: 'application/json' } })).status).toBe(200);
  });

  it('atomic operations need the atomic extension in the Content-Type', async () => {
    const r = await api.req('POST', '/operations', { body: { 'atomic:operations': [] } });
    expect(r.status).toBe(415);
  });

  it('an unknown route or method is a 404 error document, not HTML', async () => {
    const r = await api.req('PUT', '/Customer/ALFKI', { body: { data: {} } });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toBe(JSONAPI);
    expect((await api.req('GET', '/../etc/passwd')).status).toBe(404);
  });
});
