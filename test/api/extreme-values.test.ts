/**
 * Derived values never drift, whatever the numbers: a value that does not fit its column is refused
 * (400, naming the column and its limit) and changes nothing; a total the rules would have to round
 * is refused, never stored wrong. Then extreme values through every write path of the API, and
 * `alsx check` (audit) must find nothing to dispute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/rules/audit.js';
import { ATOMIC, startApi, type TestApi } from '../helpers/api.js';
import { seeded } from '../helpers/random.js';
import { databaseDigest } from '../helpers/northwind.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const drift = () => audit(api.nw.store, api.nw.rules).drift;
const patch = (type: string, id: string | number, attributes: Record<string, unknown>) =>
  api.req('PATCH', `/${type}/${id}`, { body: { data: { type, id: String(id), attributes } } });
/** an item of shipped order 10643 (ALFKI's) */
const item10643 = () => Number(api.nw.store.all('SELECT Id FROM OrderDetail WHERE OrderId = 10643 ORDER BY Id LIMIT 1')[0]!.Id);

/** a refusal: 400 naming `what`, and not one row of the database changed */
async function refused(request: () => Promise<{ status: number; body: any }>, what: RegExp) {
  const before = databaseDigest(api.nw);
  const r = await request();
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect(r.body.errors[0].detail).toMatch(what);
  expect(databaseDigest(api.nw)).toBe(before);
  return r.body.errors[0];
}

describe('values that do not fit their column', () => {
  it('a quantity beyond the integers a number holds exactly (1e20, -1e20) is refused; the totals stay right', async () => {
    const id = item10643();
    for (const q of [1e20, -1e20]) {
      const e = await refused(
        () => patch('OrderDetail', id, { Quantity: q }),
        /OrderDetail\.Quantity holds integers up to ±9007199254740991/,
      );
      expect(e.source).toEqual({ pointer: '/data/attributes/Quantity' });
    }
    expect((await patch('OrderDetail', id, { Quantity: 21 })).status).toBe(200);
    expect(drift()).toEqual([]);
  });

  it('a quantity whose amount does not fit DECIMAL(10, 2) (1e15 × 19.50) is refused, naming the derived column and its limit', async () => {
    const id = item10643();
    await refused(
      () => patch('OrderDetail', id, { Quantity: 1e15 }),
      /OrderDetail\.Amount would be .*DECIMAL\(10, 2\): at most ±99999999\.99/,
    );
    expect(drift()).toEqual([]);
  });

  it('a credit limit beyond DECIMAL(10, 2) (1.5e30) is refused with the limit', async () => {
    await refused(
      () => patch('Customer', 'ALFKI', { CreditLimit: 1.5e30 }),
      /Customer\.CreditLimit is DECIMAL\(10, 2\): at most ±99999999\.99, got 1\.5e\+30/,
    );
  });

  it('NaN and Infinity spelled as strings are not numbers', async () => {
    for (const v of ['NaN', 'Infinity', '-Infinity', '1e400'])
      await refused(() => patch('Customer', 'ALFKI', { CreditLimit: v }), /Customer\.CreditLimit expects a (finite )?number/);
  });

  it('an explicit null for a NOT NULL column is refused (it is not the default)', async () => {
    const before = databaseDigest(api.nw);
    const r = await api.req('POST', '/OrderDetail', {
      body: { data: { type: 'OrderDetail', attributes: { OrderId: 10692, ProductId: 1, Quantity: null } } },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.errors[0].detail).toMatch(/OrderDetail\.Quantity may not be null/);
    expect(r.body.errors[0].source).toEqual({ pointer: '/data/attributes/Quantity' });
    expect(databaseDigest(api.nw)).toBe(before);
    await refused(() => patch('Customer', 'ALFKI', { CreditLimit: null }), /Customer\.CreditLimit may not be null/);
  });

  it('money is rounded to its column scale, as PostgreSQL does (1.005 → 1.01)', async () => {
    const r = await patch('Customer', 'ALFKI', { CreditLimit: 5000.005 });
    expect(r.status).toBe(200);
    expect(r.body.data.attributes.CreditLimit).toBe(5000.01);
  });
});

const EXTREMES: unknown[] = [
  1e308,
  -1e308,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53 + 2),
  1e20,
  -1e20,
  1e15,
  99999999.99,
  -99999999.99,
  100000000,
  99999999.995,
  0.1 + 0.2,
  123.45678901234567,
  1e-300,
  -0,
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '12.3456789',
  '9007199254740993',
  3,
  21,
  0,
];

describe('extreme values through every write path', () => {
  it('leave no derived value that alsx check disputes, and nothing answers 5xx', async () => {
    const seed = Number(process.env.ALSX_EXTREME_SEED ?? 20261202);
    const rnd = seeded(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const items = api.nw.store
      .all('SELECT Id FROM OrderDetail WHERE OrderId IN (10643, 10692, 10702, 10835, 11011)')
      .map((r) => Number(r.Id));
    const writes: (() => Promise<{ status: number; body: any }>)[] = [
      () => patch('OrderDetail', pick(items), { [pick(['Quantity', 'Discount', 'UnitPrice'])]: pick(EXTREMES) }),
      () => patch('Customer', pick(['ALFKI', 'ANATR', 'GOURL']), { CreditLimit: pick(EXTREMES) }),
      () => patch('Order', pick([10643, 10692, 10702]), { Freight: pick(EXTREMES) }),
      () => patch('Product', pick([1, 2, 3]), { UnitPrice: pick(EXTREMES), UnitsInStock: pick(EXTREMES) }),
      () =>
        api.req('POST', '/OrderDetail', {
          body: {
            data: {
              type: 'OrderDetail',
              attributes: { OrderId: pick([10692, 10702, 11011]), ProductId: pick([1, 2]), Quantity: pick(EXTREMES) },
            },
          },
        }),
      () =>
        api.req('POST', '/operations', {
          headers: { 'Content-Type': ATOMIC, Accept: ATOMIC },
          body: {
            'atomic:operations': [
              { op: 'update', data: { type: 'OrderDetail', id: String(pick(items)), attributes: { Quantity: pick(EXTREMES) } } },
              { op: 'update', data: { type: 'OrderDetail', id: String(pick(items)), attributes: { Quantity: pick(EXTREMES) } } },
            ],
          },
        }),
      () =>
        api.req('POST', '/ServicesEndPoint/OrderB2B', {
          headers: { 'Content-Type': 'application/json' },
          body: {
            AccountId: pick(['ALFKI', 'ANATR']),
            Given: 'Steven',
            Surname: 'Buchanan',
            Items: [{ ProductName: pick(['Chai', 'Chang']), QuantityOrdered: pick(EXTREMES) }],
          },
        }),
      async () => {
        // the engine directly, as `alsx tx` and the Kafka consumers reach it
        const out = api.nw.engine.run([{ update: 'OrderDetail', key: pick(items), set: { Quantity: pick(EXTREMES) } }]);
        return { status: out.ok ? 200 : out.error!.kind === 'bad-input' ? 400 : 422, body: out };
      },
    ];
    const count = Number(process.env.ALSX_EXTREME_REQUESTS ?? 150);
    const statuses = new Map<number, number>();
    let digest = databaseDigest(api.nw);
    for (let i = 0; i < count; i++) {
      const r = await pick(writes)();
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      expect(r.status, `request ${i} (seed ${seed}): ${JSON.stringify(r.body).slice(0, 400)}`).toBeLessThan(500);
      const after = databaseDigest(api.nw);
      if (r.status >= 400) expect(after, `request ${i} (seed ${seed}) was refused but changed data`).toBe(digest);
      digest = after;
    }
    console.log(`extreme values: ${count} writes (seed ${seed}), answered ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`);
    expect(drift()).toEqual([]);
    expect(statuses.get(200), 'some writes must succeed for the check to mean anything').toBeGreaterThan(10);
  });
});
