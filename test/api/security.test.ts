/** Security over real HTTP: who may log in, and what each role may see and change — on every path a row can be reached by. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATOMIC, startApi, type TestApi } from '../helpers/api.js';

let api: TestApi;
let alfki: string;
let s1: string;
/** an order of ANATR's, found with the admin's token */
let anatrOrder: string;

beforeAll(async () => {
  api = await startApi();
  alfki = await api.login('ALFKI');
  s1 = await api.login('s1');
  const r = await api.req('GET', q('/Order?filter[CustomerId]=ANATR&sort=Id&page[limit]=1'));
  anatrOrder = r.body.data[0].id;
});
afterAll(() => api.close());

const q = (s: string) => s.replace(/\[/g, '%5B').replace(/\]/g, '%5D');
const login = (body: unknown) =>
  fetch(`${api.base}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
/** what the admin sees: the truth, unfiltered */
const adminCount = async (path: string) => (await api.req('GET', q(path))).body.meta.count as number;
const row = async (type: string, id: string) => (await api.req('GET', `/${type}/${id}`)).body.data.attributes;
const orderFor = (customer: string, how: 'relationship' | 'attribute') => ({
  data: {
    type: 'Order',
    attributes: { EmployeeId: 5, ...(how === 'attribute' ? { CustomerId: customer } : {}) },
    ...(how === 'relationship' ? { relationships: { Customer: { data: { type: 'Customer', id: customer } } } } : {}),
  },
});

describe('logging in', () => {
  it('without a token, the API answers 401 with a JSON:API error and a WWW-Authenticate header', async () => {
    const r = await api.req('GET', '/Customer', { token: null });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(r.headers.get('content-type')).toBe('application/vnd.api+json');
    expect(r.body.errors[0]).toMatchObject({ status: '401', title: 'Unauthorized' });
    expect(r.body.errors[0].detail).toMatch(/log in at POST \/api\/auth\/login/);
  });

  it('a forged or garbage token is 401 too', async () => {
    const garbage = await api.req('GET', '/Customer', { token: 'not-a-token' });
    expect(garbage.status).toBe(401);
    expect(garbage.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(garbage.body.errors[0].detail).toMatch(/invalid or has expired/);
    // a real token with its payload changed (now claiming the admin role) fails the signature check
    const [head, , sig] = alfki.split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'admin', roles: ['admin'], iss: 'alsx', iat: 1, exp: 4102444800 })).toString(
      'base64url',
    );
    const forged = await api.req('GET', '/Customer', { token: `${head}.${payload}.${sig}` });
    expect(forged.status).toBe(401);
    // and an unsigned token ("alg": "none") is no token at all
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    expect((await api.req('GET', '/Customer', { token: none })).status).toBe(401);
  });

  it('a wrong password is 401, and so is an unknown user', async () => {
    const wrong = await login({ username: 'admin', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await wrong.json()) as any).errors[0]).toMatchObject({ status: '401', detail: 'wrong user name or password' });
    const wrongCustomer = await login({ username: 'ALFKI', password: 'nope' });
    expect(wrongCustomer.status).toBe(401);
    const unknown = await login({ username: 'nobody', password: 'p' });
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as any).errors[0].detail).toBe('wrong user name or password');
  });

  it('a good login returns an access_token that opens the API', async () => {
    const r = await login({ username: 'ALFKI', password: 'p' });
    expect(r.status).toBe(200);
    const body = (await r.json()) as any;
    expect(body).toMatchObject({ token_type: 'Bearer', user: 'ALFKI', roles: ['customer'] });
    expect(body.access_token).toEqual(expect.any(String));
    expect(body.expires_in).toBeGreaterThan(0);
    expect((await api.req('GET', '/Customer', { token: body.access_token })).status).toBe(200);
  });
});

describe('a customer (ALFKI) reads only their own rows', () => {
  it('GET /Customer lists only ALFKI, and ANATR is not found', async () => {
    const r = await api.req('GET', '/Customer', { token: alfki });
    expect(r.status).toBe(200);
    expect(r.body.meta.count).toBe(1);
    expect(r.body.data.map((c: any) => c.id)).toEqual(['ALFKI']);
    const other = await api.req('GET', '/Customer/ANATR', { token: alfki });
    expect(other.status).toBe(404);
    expect(other.body.errors[0].status).toBe('404');
  });

  it("GET /Order lists only ALFKI's 6 orders, and an ANATR order is not found", async () => {
    const r = await api.req('GET', q('/Order?page[limit]=100'), { token: alfki });
    expect(r.body.meta.count).toBe(6);
    expect(r.body.data.every((o: any) => o.attributes.CustomerId === 'ALFKI')).toBe(true);
    expect(r.body.data.map((o: any) => o.id)).toEqual(expect.arrayContaining(['10643', '10692', '10702', '10835', '10952', '11011']));
    expect((await api.req('GET', `/Order/${anatrOrder}`, { token: alfki })).status).toBe(404);
    expect((await api.req('GET', `/Order/${anatrOrder}`)).status).toBe(200); // it is there, for the admin
  });

  it('include=OrderDetailList on their orders brings only items of their orders', async () => {
    const r = await api.req('GET', q('/Order?include=OrderDetailList&page[limit]=100'), { token: alfki });
    expect(r.status).toBe(200);
    const own = new Set(r.body.data.map((o: any) => Number(o.id)));
    const items = r.body.included.filter((x: any) => x.type === 'OrderDetail');
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((d: any) => own.has(d.attributes.OrderId))).toBe(true);
    expect(items.length).toBe(await adminCount('/OrderDetail?filter[Order.CustomerId]=ALFKI'));
  });

  it('the related and relationship endpoints of their Customer show only their orders', async () => {
    const related = await api.req('GET', q('/Customer/ALFKI/OrderList?page[limit]=100'), { token: alfki });
    expect(related.status).toBe(200);
    expect(related.body.data).toHaveLength(6);
    expect(related.body.data.every((o: any) => o.attributes.CustomerId === 'ALFKI')).toBe(true);
    const linkage = await api.req('GET', q('/Customer/ALFKI/relationships/OrderList?page[limit]=100'), { token: alfki });
    expect(linkage.status).toBe(200);
    expect(linkage.body.data.map((o: any) => o.id).sort()).toEqual(related.body.data.map((o: any) => o.id).sort());
    // someone else's customer is not there at all, by either path
    expect((await api.req('GET', '/Customer/ANATR/OrderList', { token: alfki })).status).toBe(404);
    expect((await api.req('GET', '/Customer/ANATR/relationships/OrderList', { token: alfki })).status).toBe(404);
  });

  it("reaching orders from a shared parent (an employee, a product) still shows only ALFKI's", async () => {
    // employee 4 took two of ALFKI's orders (10692, 10702) and many of other customers'
    const viaEmployee = await api.req('GET', q('/Employee/4/OrderList?page[limit]=1000'), { token: alfki });
    expect(viaEmployee.status).toBe(200);
    expect(viaEmployee.body.data.map((o: any) => o.id).sort()).toEqual(['10692', '10702']);
    expect(await adminCount('/Order?filter[EmployeeId]=4')).toBeGreaterThan(2);
    const chai = await api.req('GET', q('/Product/1?include=OrderDetailList.Order'), { token: alfki });
    expect(chai.status).toBe(200);
    const orders = chai.body.included.filter((x: any) => x.type === 'Order');
    expect(orders.every((o: any) => o.attributes.CustomerId === 'ALFKI')).toBe(true);
    const items = chai.body.included.filter((x: any) => x.type === 'OrderDetail');
    expect(await adminCount('/OrderDetail?filter[ProductId]=1')).toBeGreaterThan(items.length);
    expect(items.length).toBe(await adminCount('/OrderDetail?filter[ProductId]=1&filter[Order.CustomerId]=ALFKI'));
  });

  it('a filter cannot escape the row filter', async () => {
    const r = await api.req('GET', q('/Order?filter[CustomerId]=ANATR'), { token: alfki });
    expect(r.status).toBe(200);
    expect(r.body.meta.count).toBe(0);
    expect(r.body.data).toEqual([]);
    const customers = await api.req('GET', q('/Customer?filter[Id]=ANATR'), { token: alfki });
    expect(customers.body.meta.count).toBe(0);
    const items = await api.req('GET', q('/OrderDetail?filter[Order.CustomerId]=ANATR'), { token: alfki });
    expect(items.body.meta.count).toBe(0);
  });

  it('may read the catalog: products', async () => {
    const r = await api.req('GET', '/Product/1', { token: alfki });
    expect(r.status).toBe(200);
    expect(r.body.data.attributes).toMatchObject({ ProductName: 'Chai', UnitPrice: 18 });
    expect((await api.req('GET', '/Product', { token: alfki })).body.meta.count).toBe(77);
  });
});

describe('a customer (ALFKI) changes only their own rows', () => {
  it('may create an order for themselves', async () => {
    const before = await adminCount('/Order?filter[CustomerId]=ALFKI');
    const r = await api.req('POST', '/Order', { token: alfki, body: orderFor('ALFKI', 'relationship') });
    expect(r.status).toBe(201);
    expect(r.body.data.attributes).toMatchObject({ CustomerId: 'ALFKI', AmountTotal: 0 });
    expect(await adminCount('/Order?filter[CustomerId]=ALFKI')).toBe(before + 1);
    expect((await api.req('DELETE', `/Order/${r.body.data.id}`, { token: alfki })).status).toBe(204);
  });

  it('may not create an order for ANATR, by relationship or by attribute, and nothing is written', async () => {
    const orders = await adminCount('/Order');
    const anatr = await row('Customer', 'ANATR');
    const byRel = await api.req('POST', '/Order', { token: alfki, body: orderFor('ANATR', 'relationship') });
    expect([403, 404]).toContain(byRel.status);
    const byAttr = await api.req('POST', '/Order', { token: alfki, body: orderFor('ANATR', 'attribute') });
    expect([403, 404]).toContain(byAttr.status);
    expect(await adminCount('/Order')).toBe(orders);
    expect(await row('Customer', 'ANATR')).toMatchObject({ OrderCount: anatr.OrderCount, Balance: anatr.Balance });
  });

  it('may not change an ANATR order (404), nor add items to one', async () => {
    const before = await row('Order', anatrOrder);
    const r = await api.req('PATCH', `/Order/${anatrOrder}`, {
      token: alfki,
      body: { data: { type: 'Order', id: anatrOrder, attributes: { ShipName: 'hijacked' } } },
    });
    expect(r.status).toBe(404);
    const item = await api.req('POST', '/OrderDetail', {
      token: alfki,
      body: {
        data: {
          type: 'OrderDetail',
          attributes: { Quantity: 1 },
          relationships: { Order: { data: { type: 'Order', id: anatrOrder } }, Product: { data: { type: 'Product', id: '1' } } },
        },
      },
    });
    expect([403, 404]).toContain(item.status);
    expect(await row('Order', anatrOrder)).toEqual(before);
  });

  it('may not move one of their items into an ANATR order (404: to ALFKI it does not exist), and nothing is written', async () => {
    const order = await api.req('POST', '/Order', { token: alfki, body: orderFor('ALFKI', 'relationship') });
    const mine = Number(order.body.data.id);
    const added = await api.req('POST', '/OrderDetail', {
      token: alfki,
      body: { data: { type: 'OrderDetail', attributes: { OrderId: mine, ProductId: 1, Quantity: 1 } } },
    });
    expect(added.status).toBe(201);
    const item = added.body.data;
    const before = await row('Order', anatrOrder);
    const r = await api.req('PATCH', `/OrderDetail/${item.id}`, {
      token: alfki,
      body: { data: { type: 'OrderDetail', id: item.id, attributes: { OrderId: Number(anatrOrder) } } },
    });
    expect(r.status).toBe(404);
    expect(r.body.errors[0]).toMatchObject({
      detail: `Order ${anatrOrder} does not exist`,
      source: { pointer: '/data/attributes/OrderId' },
    });
    expect((await row('OrderDetail', item.id)).OrderId).toBe(mine);
    expect(await row('Order', anatrOrder)).toEqual(before);
  });

  it('may not move their own order to ANATR (404, as for a customer that does not exist), and nothing is written', async () => {
    const created = await api.req('POST', '/Order', { token: alfki, body: orderFor('ALFKI', 'relationship') });
    const id = created.body.data.id as string;
    const anatr = await row('Customer', 'ANATR');
    const r = await api.req('PATCH', `/Order/${id}`, {
      token: alfki,
      body: { data: { type: 'Order', id, attributes: { CustomerId: 'ANATR' } } },
    });
    expect(r.status).toBe(404);
    expect(r.body.errors[0].detail).toBe('Customer ANATR does not exist');
    expect((await row('Order', id)).CustomerId).toBe('ALFKI');
    expect((await row('Customer', 'ANATR')).OrderCount).toBe(anatr.OrderCount);
    // nor by the relationship endpoint (ANATR is not visible to ALFKI, so it is not found)
    const rel = await api.req('PATCH', `/Order/${id}/relationships/Customer`, {
      token: alfki,
      body: { data: { type: 'Customer', id: 'ANATR' } },
    });
    expect([403, 404]).toContain(rel.status);
    expect((await row('Order', id)).CustomerId).toBe('ALFKI');
    await api.req('DELETE', `/Order/${id}`, { token: alfki });
  });

  it('may not delete their Customer row (customers have only read and update on Customer)', async () => {
    const r = await api.req('DELETE', '/Customer/ALFKI', { token: alfki });
    expect(r.status).toBe(403);
    expect(r.body.errors[0].detail).toBe('ALFKI may not delete Customer');
    expect((await api.req('GET', '/Customer/ALFKI')).status).toBe(200);
  });

  it('may not change a product (403)', async () => {
    const r = await api.req('PATCH', '/Product/1', {
      token: alfki,
      body: { data: { type: 'Product', id: '1', attributes: { UnitPrice: 1 } } },
    });
    expect(r.status).toBe(403);
    expect((await row('Product', '1')).UnitPrice).toBe(18);
  });

  it('atomic operations cannot add an order for ANATR either, and nothing is written', async () => {
    const orders = await adminCount('/Order');
    const items = await adminCount('/OrderDetail');
    const body = {
      'atomic:operations': [
        {
          op: 'add',
          data: {
            type: 'Order',
            lid: 'o',
            attributes: { EmployeeId: 5 },
            relationships: { Customer: { data: { type: 'Customer', id: 'ANATR' } } },
          },
        },
        {
          op: 'add',
          data: {
            type: 'OrderDetail',
            attributes: { Quantity: 1 },
            relationships: { Order: { data: { type: 'Order', lid: 'o' } }, Product: { data: { type: 'Product', id: '1' } } },
          },
        },
      ],
    };
    const r = await api.req('POST', '/operations', { token: alfki, body, headers: { 'Content-Type': ATOMIC } });
    expect([403, 404]).toContain(r.status);
    const byAttr = await api.req('POST', '/operations', {
      token: alfki,
      headers: { 'Content-Type': ATOMIC },
      body: { 'atomic:operations': [{ op: 'add', data: { type: 'Order', attributes: { EmployeeId: 5, CustomerId: 'ANATR' } } }] },
    });
    expect([403, 404]).toContain(byAttr.status);
    expect(await adminCount('/Order')).toBe(orders);
    expect(await adminCount('/OrderDetail')).toBe(items);
    // the same operations for ALFKI itself go through
    const own = structuredClone(body);
    own['atomic:operations'][0]!.data.relationships!.Customer!.data.id = 'ALFKI';
    const ok = await api.req('POST', '/operations', { token: alfki, body: own, headers: { 'Content-Type': ATOMIC } });
    expect(ok.status).toBe(200);
    expect(ok.body['atomic:results'][0].data.attributes).toMatchObject({ CustomerId: 'ALFKI', AmountTotal: 18 });
    await api.req('DELETE', `/Order/${ok.body['atomic:results'][0].data.id}`, { token: alfki });
  });
});

describe('sales (s1)', () => {
  it('sees all 47 customers and may update one', async () => {
    expect((await api.req('GET', '/Customer', { token: s1 })).body.meta.count).toBe(47);
    const r = await api.req('PATCH', '/Customer/ANATR', {
      token: s1,
      body: { data: { type: 'Customer', id: 'ANATR', attributes: { ContactTitle: 'Owner and chef' } } },
    });
    expect(r.status).toBe(200);
    expect(r.body.data.attributes.ContactTitle).toBe('Owner and chef');
  });

  it('may not update a product (403), but may read employees', async () => {
    const r = await api.req('PATCH', '/Product/2', {
      token: s1,
      body: { data: { type: 'Product', id: '2', attributes: { UnitPrice: 1 } } },
    });
    expect(r.status).toBe(403);
    expect(r.body.errors[0].detail).toBe('s1 may not update Product');
    expect((await row('Product', '2')).UnitPrice).toBe(19);
    const e = await api.req('GET', '/Employee/5', { token: s1 });
    expect(e.status).toBe(200);
    expect(e.body.data.attributes).toMatchObject({ FirstName: 'Steven', LastName: 'Buchanan' });
  });
});

describe('admin', () => {
  it('sees everything: every customer, every order, any order by id', async () => {
    expect((await api.req('GET', '/Customer')).body.meta.count).toBe(47);
    expect(await adminCount('/Order')).toBeGreaterThan(800);
    expect((await api.req('GET', `/Order/${anatrOrder}`)).body.data.attributes.CustomerId).toBe('ANATR');
    expect((await api.req('GET', '/Customer/ANATR/OrderList')).body.meta.count).toBe((await row('Customer', 'ANATR')).OrderCount);
  });
});
