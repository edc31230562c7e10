/**
 * The partner's order format over real HTTP: POST /api/ServicesEndPoint/OrderB2B, API Logic Server's
 * body ({"meta": {"args": {"order": …}}}) or the bare order. Names are looked up, the rules run, and
 * a refusal — by the mapping, the rules or security — writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../helpers/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const PATH = '/ServicesEndPoint/OrderB2B';
const q = (s: string) => s.replace(/\[/g, '%5B').replace(/\]/g, '%5D');

type Item = Record<string, unknown>;
const order = (
  changes: Record<string, unknown> = {},
  items: Item[] = [
    { ProductName: 'Chai', QuantityOrdered: 1 },
    { ProductName: 'Chang', QuantityOrdered: 2 },
  ],
) => ({
  AccountId: 'ALFKI',
  Given: 'Steven',
  Surname: 'Buchanan',
  Items: items,
  ...changes,
});
const wrapped = (o: unknown) => ({ meta: { args: { order: o } } });

/** POST the body as plain JSON, as a partner would */
const post = (body: unknown, options: { token?: string | null } = {}) =>
  api.req('POST', PATH, { body, token: options.token, headers: { 'Content-Type': 'application/json' } });
const postRaw = (raw: string | undefined) => api.req('POST', PATH, { raw, headers: { 'Content-Type': 'application/json' } });

const customer = async (id = 'ALFKI') =>
  (await api.req('GET', `/Customer/${id}`)).body.data.attributes as { Balance: number; OrderCount: number };
const counts = async () => ({
  orders: (await api.req('GET', '/Order')).body.meta.count as number,
  items: (await api.req('GET', '/OrderDetail')).body.meta.count as number,
  balance: (await customer()).Balance,
});

/** a 422 from the mapping: one error, naming the offending field, nothing written */
async function refused(body: unknown, before: Awaited<ReturnType<typeof counts>>) {
  const r = await post(body);
  expect(r.status, JSON.stringify(r.body)).toBe(422);
  expect(r.body.errors).toHaveLength(1);
  expect(await counts()).toEqual(before);
  return r.body.errors[0] as {
    status: string;
    code: string;
    detail: string;
    source?: { pointer?: string };
    meta?: Record<string, unknown>;
  };
}

describe('the OpenAPI document', () => {
  it('lists the endpoint with its example, without a token', async () => {
    const r = await api.req('GET', '/openapi.json', { token: null });
    expect(r.status).toBe(200);
    const op = r.body.paths['/api/ServicesEndPoint/OrderB2B'].post;
    expect(op.summary).toMatch(/B2B/);
    expect(op.requestBody.content['application/json'].example).toEqual(wrapped(order()));
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['201', '422']));
  });
});

describe('refusals write nothing', () => {
  it('2000 Chang is refused by the credit rule, naming it, and nothing is written', async () => {
    const before = await counts();
    expect(before.balance).toBe(2102);
    const e = await refused(
      wrapped(
        order({}, [
          { ProductName: 'Chai', QuantityOrdered: 1 },
          { ProductName: 'Chang', QuantityOrdered: 2000 },
        ]),
      ),
      before,
    );
    expect(e).toMatchObject({
      status: '422',
      code: 'rule-violation',
      detail: 'balance (40120.00) exceeds credit (2300.00)',
      meta: { rule: 'Customer: Balance <= CreditLimit', table: 'Customer', key: 'ALFKI' },
    });
    expect((await customer()).OrderCount).toBe(6);
  });

  it('an unknown product is named by its place in the order, and the pointer points into the body', async () => {
    const before = await counts();
    const items = [
      { ProductName: 'Chai', QuantityOrdered: 1 },
      { ProductName: 'Chaang', QuantityOrdered: 2 },
    ];
    const e = await refused(wrapped(order({}, items)), before);
    expect(e.detail).toBe('Items[1].ProductName: no Product named "Chaang"');
    expect(e.source?.pointer).toBe('/meta/args/order/Items/1/ProductName');
    // the bare order points at the same place, from the top
    const bare = await refused(order({}, items), before);
    expect(bare.detail).toBe('Items[1].ProductName: no Product named "Chaang"');
    expect(bare.source?.pointer).toBe('/Items/1/ProductName');
  });

  it('an unknown account is named by AccountId', async () => {
    const e = await refused(wrapped(order({ AccountId: 'NOONE' })), await counts());
    expect(e.detail).toBe('AccountId: no Customer with Id "NOONE"');
    expect(e.source?.pointer).toBe('/meta/args/order/AccountId');
  });

  it('an unknown sales rep is named by both Given and Surname', async () => {
    const e = await refused(wrapped(order({ Given: 'Stephen', Surname: 'Buchanan' })), await counts());
    expect(e.detail).toBe('{Given, Surname}: no Employee with FirstName "Stephen" and LastName "Buchanan"');
    expect(e.source?.pointer).toBe('/meta/args/order');
  });

  it('a missing AccountId is required', async () => {
    const { AccountId: _, ...rest } = order();
    const e = await refused(wrapped(rest), await counts());
    expect(e.detail).toMatch(/^AccountId: is required/);
    expect(e.source?.pointer).toBe('/meta/args/order/AccountId');
  });

  it('an unknown field ("Quantity" for "QuantityOrdered") is named', async () => {
    const e = await refused(wrapped(order({}, [{ ProductName: 'Chai', Quantity: 1 }])), await counts());
    expect(e.detail).toMatch(/^Items\[0\]\.Quantity: is not a field of OrderDetail/);
    expect(e.detail).toContain('QuantityOrdered');
    expect(e.source?.pointer).toBe('/meta/args/order/Items/0/Quantity');
  });

  it('a value of the wrong type (QuantityOrdered "lots") is named', async () => {
    const e = await refused(wrapped(order({}, [{ ProductName: 'Chai', QuantityOrdered: 'lots' }])), await counts());
    expect(e.detail).toBe('Items[0].QuantityOrdered: expects an integer, got "lots"');
    expect(e.source?.pointer).toBe('/meta/args/order/Items/0/QuantityOrdered');
  });

  it('malformed JSON is 400', async () => {
    const before = await counts();
    const r = await postRaw('{"meta": {"args": ');
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatchObject({ status: '400', code: 'malformed-json' });
    expect(await counts()).toEqual(before);
  });

  it('no body is 400', async () => {
    const before = await counts();
    const r = await postRaw(undefined);
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.errors[0].status).toBe('400');
    expect(await counts()).toEqual(before);
  });

  it("a customer (ANATR) cannot place an order on ALFKI's account", async () => {
    const anatr = await api.login('ANATR');
    const before = await counts();
    const anatrBefore = await customer('ANATR');
    const r = await post(wrapped(order()), { token: anatr });
    expect([403, 422]).toContain(r.status);
    if (r.status === 422) expect(r.body.errors[0].detail).toMatch(/^AccountId: no Customer/); // ALFKI is invisible to ANATR
    expect(await counts()).toEqual(before);
    expect(await customer('ANATR')).toEqual(anatrBefore);
  });

  it('without a token it is 401', async () => {
    const before = await counts();
    const r = await post(wrapped(order()), { token: null });
    expect(r.status).toBe(401);
    expect(await counts()).toEqual(before);
  });
});

describe('placing orders', () => {
  it("API Logic Server's body creates the order: 201, the Order with its items, a Location, and ALFKI's balance up by 56", async () => {
    const before = await counts();
    const r = await post(wrapped(order()));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.headers.get('content-type')).toBe('application/vnd.api+json');
    const o = r.body.data;
    expect(o.type).toBe('Order');
    expect(o.attributes).toMatchObject({ AmountTotal: 56, CustomerId: 'ALFKI', EmployeeId: 5, OrderDetailCount: 2 });
    expect(r.headers.get('location')).toBe(`${api.base}/Order/${o.id}`);
    const items = r.body.included.filter((x: any) => x.type === 'OrderDetail');
    expect(items.map((d: any) => d.attributes).sort((a: any, b: any) => a.ProductId - b.ProductId)).toEqual([
      expect.objectContaining({ OrderId: Number(o.id), ProductId: 1, Quantity: 1, UnitPrice: 18, Amount: 18 }),
      expect.objectContaining({ OrderId: Number(o.id), ProductId: 2, Quantity: 2, UnitPrice: 19, Amount: 38 }),
    ]);
    expect(o.relationships.OrderDetailList.data.map((d: any) => d.id).sort()).toEqual(items.map((d: any) => d.id).sort());
    expect(before.balance).toBe(2102);
    expect((await customer()).Balance).toBe(2158);
    expect(await counts()).toMatchObject({ orders: before.orders + 1, items: before.items + 2 });
    // the Location answers the same order
    const again = await api.req('GET', r.headers.get('location')!);
    expect(again.body.data.attributes.AmountTotal).toBe(56);
  });

  it('the bare order (no meta wrapper) works too', async () => {
    const before = await counts();
    const r = await post(order({ ShipName: 'Alfreds direct' }, [{ ProductName: 'Chang', QuantityOrdered: 1 }]));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.data.attributes).toMatchObject({ AmountTotal: 19, CustomerId: 'ALFKI', EmployeeId: 5, ShipName: 'Alfreds direct' });
    expect((await customer()).Balance).toBe(before.balance + 19);
  });

  it('a customer (ALFKI) may place an order on their own account', async () => {
    const alfki = await api.login('ALFKI');
    const before = await customer();
    const r = await post(wrapped(order()), { token: alfki });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.data.attributes).toMatchObject({ AmountTotal: 56, CustomerId: 'ALFKI' });
    expect(r.body.included).toHaveLength(2);
    expect((await customer()).Balance).toBe(before.Balance + 56);
    expect((await customer()).OrderCount).toBe(before.OrderCount + 1);
  });
});

describe('ambiguous lookups', () => {
  it('two employees named Steven Buchanan: 422 "more than one", nothing written', async () => {
    const hired = await api.req('POST', '/Employee', {
      body: { data: { type: 'Employee', attributes: { FirstName: 'Steven', LastName: 'Buchanan', Title: 'Sales Representative' } } },
    });
    expect(hired.status, JSON.stringify(hired.body)).toBe(201);
    try {
      const e = await refused(wrapped(order()), await counts());
      expect(e.detail).toBe(
        '{Given, Surname}: more than one Employee with FirstName "Steven" and LastName "Buchanan"; add a field that tells them apart',
      );
    } finally {
      expect((await api.req('DELETE', `/Employee/${hired.body.data.id}`)).status).toBe(204);
    }
    expect((await api.req('GET', q('/Employee?filter[LastName]=Buchanan'))).body.meta.count).toBe(1);
  });
});
