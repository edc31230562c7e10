/**
 * A fuzzer's view of the API: requests drawn from every route of the OpenAPI document (and the
 * request/reply methods), with malformed JSON, wrong types, huge and deep values, unicode and NUL
 * bytes, SQL-looking text in ids, filters, sorts, fields and includes, unknown parameters, wrong
 * content types, huge `in` lists and page sizes. Nothing may answer 5xx, and a refused request
 * changes nothing. Seeded and bounded: ALSX_FUZZ_SEED / ALSX_FUZZ_REQUESTS repeat or widen a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATOMIC, JSONAPI, startApi, type TestApi } from '../helpers/api.js';
import { seeded } from '../helpers/random.js';
import { databaseDigest } from '../helpers/northwind.js';

let api: TestApi;
let alfki: string;
let admin: string;
beforeAll(async () => {
  api = await startApi();
  alfki = await api.login('ALFKI');
  admin = await api.login('admin');
});
afterAll(() => api.close());

/** percent-encoding that also sends what encodeURIComponent refuses (a lone surrogate: invalid UTF-8 bytes) */
const enc = (s: string): string => {
  try {
    return encodeURIComponent(s);
  } catch {
    return s.replace(/[\uD800-\uDFFF]/g, '%ED%A0%80').replace(/[^%\w.-]/g, (c) => encodeURIComponent(c));
  }
};

const NASTY_TEXT = [
  "1' OR '1'='1",
  '1; DROP TABLE "Customer"; --',
  '") OR 1=1 --',
  'x\u0000y',
  '\u0000',
  'ü✓💥',
  '\uD800', // a lone surrogate
  '%',
  '_',
  '..%2F..%2Fetc%2Fpasswd',
  '',
  ' ',
  'null',
  '[]',
  '{}',
  '-1',
  '0',
  '1e309',
  '99999999999999999999999',
  '9007199254740993',
  'NaN',
  'a'.repeat(5000),
  'ALFKI',
  '10643',
  'Id',
  'Customer.Balance',
  'OrderDetailList.Order.Customer',
  '-Id,Id,Id',
];
const NASTY_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  -1e308,
  2 ** 53 + 1,
  0.1,
  '',
  'x'.repeat(100_000),
  '\u0000',
  'ü✓💥',
  '\'; DELETE FROM "Order"; --',
  [],
  [1, 2, 3],
  {},
  { a: { b: { c: 1 } } },
  'NaN',
  '2026-13-45',
];

describe('fuzzing every route', () => {
  it('answers every malformed request below 500, and a refused one changes nothing', async () => {
    const seed = Number(process.env.ALSX_FUZZ_SEED ?? 1);
    const count = Number(process.env.ALSX_FUZZ_REQUESTS ?? 400);
    const rnd = seeded(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const chance = (p: number) => rnd() < p;

    const doc = (await api.req('GET', '/openapi.json', { validate: false })).body as {
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
    };
    const routes: { method: string; path: string; params: string[] }[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (method === 'parameters') continue;
        routes.push({ method: method.toUpperCase(), path: path.replace(/^\/api/, ''), params: (op.parameters ?? []).map((p) => p.name) });
      }
    }
    // request/reply methods are not in the OpenAPI document: add them
    for (const m of ['find_customer', 'customer_balance', 'find_order'])
      for (const method of ['GET', 'POST']) routes.push({ method, path: `/rpc/northwind/${m}`, params: ['id'] });
    routes.push({ method: 'POST', path: '/auth/login', params: [] });
    expect(routes.length).toBeGreaterThan(100);

    const attributeNames = [
      'CompanyName',
      'CreditLimit',
      'Balance',
      'Quantity',
      'ShippedDate',
      'NoSuchColumn',
      'Id',
      'CustomerId',
      'Discount',
    ];
    const types = ['Customer', 'Order', 'OrderDetail', 'Product', 'NoSuchType', 'customer', ''];

    const queryString = (params: string[]): string => {
      const out: string[] = [];
      const n = Math.floor(rnd() * 4);
      for (let i = 0; i < n; i++) {
        const name =
          chance(0.7) && params.length
            ? pick(params)
            : pick([
                'filter[NoCol]',
                'foo',
                'page[number]',
                'filter[Id][nope]',
                'filter[Customer.Balance][gt]',
                'fields[NoType]',
                'filter',
              ]);
        const op = name.startsWith('filter[') && chance(0.4) ? `[${pick(['in', 'like', 'gt', 'isnull', 'ne', 'bogus'])}]` : '';
        const value =
          chance(0.1) && op === '[in]'
            ? Array.from({ length: 600 }, (_, k) => k).join(',')
            : name.startsWith('page')
              ? pick(['-1', '0', '1', '1000', '1001', '1e9', '99999999999999999999', 'x', ''])
              : pick(NASTY_TEXT);
        out.push(`${enc(name + op)}=${enc(value)}`);
      }
      return out.length ? `?${out.join('&')}` : '';
    };

    const body = (): { raw?: string; body?: unknown } => {
      const r = rnd();
      const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
      if (r < 0.05)
        return {
          raw: pick([
            `{"data":{"type":"${pick(types)}","id":"ALFKI","attributes":{"${pick(attributeNames)}":${deep}}}}`,
            `{"data":{"type":"Order","id":${deep}}}`,
            `{"atomic:operations":[{"op":${deep}}]}`,
            `{"AccountId":"ALFKI","Items":[{"ProductName":${deep}}]}`,
            `{"id":${deep}}`,
          ]),
        };
      if (r < 0.15)
        return {
          raw: pick([
            '{',
            '{"data":',
            'null',
            '[]',
            '"x"',
            '1e999',
            '{"data":{"type":"Customer",}}',
            '\u0000',
            `${'['.repeat(3000)}${']'.repeat(3000)}`,
            '',
          ]),
        };
      const attributes: Record<string, unknown> = {};
      for (let i = Math.floor(rnd() * 3); i >= 0; i--) attributes[pick(attributeNames)] = pick(NASTY_VALUES);
      const data: Record<string, unknown> = { type: pick(types), attributes: chance(0.1) ? pick(NASTY_VALUES) : attributes };
      if (chance(0.5)) data.id = chance(0.8) ? pick(NASTY_TEXT) : pick(NASTY_VALUES);
      if (chance(0.2)) data.relationships = { Customer: { data: pick([null, { type: 'Customer', id: pick(NASTY_TEXT) }, [], 'x']) } };
      if (chance(0.1)) data[pick(['bogus', 'links', 'meta'])] = pick(NASTY_VALUES);
      if (r < 0.25)
        return {
          body: {
            'atomic:operations': pick([
              [],
              'x',
              [{ op: pick(['add', 'update', 'remove', 'x']), data, ref: pick([undefined, { type: 'Order', id: '10643' }, 'x']) }],
            ]),
          },
        };
      if (r < 0.35)
        return {
          body: {
            AccountId: pick(NASTY_TEXT),
            Items: pick([[], 'x', [{ ProductName: pick(NASTY_TEXT), QuantityOrdered: pick(NASTY_VALUES) }]]),
          },
        };
      if (r < 0.4) return { body: { id: pick(NASTY_VALUES), username: pick(NASTY_VALUES), password: pick(NASTY_VALUES) } };
      return { body: chance(0.9) ? { data: chance(0.1) ? pick(NASTY_VALUES) : data } : pick(NASTY_VALUES) };
    };

    const statuses = new Map<number, number>();
    let digest = databaseDigest(api.nw);
    for (let i = 0; i < count; i++) {
      const route = pick(routes);
      const path = route.path.replace('{id}', () => enc(chance(0.5) ? pick(['ALFKI', '10643', '1', 'ANATR', '10750']) : pick(NASTY_TEXT)));
      // mostly the right media types, so most requests reach the code behind negotiation
      const right = path.startsWith('/operations')
        ? ATOMIC
        : path.startsWith('/rpc') || path.startsWith('/Services') || path.startsWith('/auth')
          ? 'application/json'
          : JSONAPI;
      const headers: Record<string, string> = {
        'Content-Type': chance(0.75)
          ? right
          : pick([JSONAPI, 'application/json', ATOMIC, 'text/plain', `${JSONAPI}; charset=utf-8`, `${JSONAPI}; ext="bogus"`, '']),
        Accept: chance(0.75)
          ? `${right}, application/json`
          : pick([JSONAPI, ATOMIC, 'application/json', '*/*', 'text/html', `${JSONAPI}; profile="x"`]),
      };
      const takesBody = route.method !== 'GET' && route.method !== 'DELETE';
      const request = `${route.method} ${path}${queryString(route.params)}`;
      const r = await api.req(route.method, `${path}${request.slice(route.method.length + 1 + path.length)}`, {
        ...(takesBody ? body() : {}),
        headers,
        token: chance(0.5) ? admin : chance(0.8) ? alfki : pick([null, 'forged.token.value']),
        validate: false,
      });
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      // this server has no Kafka: a well-formed request/reply call is rightly 503 (its 4xx answers still count)
      const noKafka = r.status === 503 && r.body?.errors?.[0]?.code === 'no-kafka';
      if (!noKafka)
        expect(r.status, `request ${i} (seed ${seed}): ${request.slice(0, 300)} → ${JSON.stringify(r.body)?.slice(0, 300)}`).toBeLessThan(
          500,
        );
      if (route.method !== 'GET') {
        const after = databaseDigest(api.nw);
        if (r.status >= 400)
          expect(after, `request ${i} (seed ${seed}) was refused but changed data: ${request.slice(0, 300)}`).toBe(digest);
        digest = after;
      }
    }
    console.log(
      `fuzz: ${count} requests over ${routes.length} routes (seed ${seed}), answered ${[...statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
    );
  });
});
