/** Writing over real HTTP: every write through the rules, one transaction, derived values in the answer. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../helpers/northwind.js';
import { ATOMIC, startApi, type TestApi } from '../helpers/api.js';

forEachDatabase((database) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ database });
  });
  afterAll(() => api.close());

  const balance = async (id = 'ALFKI') => (await api.req('GET', `/Customer/${id}`)).body.data.attributes.Balance as number;
  const newOrder = async (customer = 'ANATR') => {
    const r = await api.req('POST', '/Order', {
      body: {
        data: { type: 'Order', attributes: { EmployeeId: 5 }, relationships: { Customer: { data: { type: 'Customer', id: customer } } } },
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.data.id as string;
  };
  const addItem = async (orderId: string, productId: number, quantity: number) =>
    api.req('POST', '/OrderDetail', {
      body: {
        data: {
          type: 'OrderDetail',
          attributes: { Quantity: quantity },
          relationships: { Order: { data: { type: 'Order', id: orderId } }, Product: { data: { type: 'Product', id: String(productId) } } },
        },
      },
    });

  describe('POST', () => {
    it('creates through the rules: 201, Location, and the derived values', async () => {
      const orderId = await newOrder();
      const item = await addItem(orderId, 2, 3);
      expect(item.status).toBe(201);
      expect(item.headers.get('location')).toBe(`${api.base}/OrderDetail/${item.body.data.id}`);
      expect(item.body.data.attributes).toMatchObject({ UnitPrice: 19, Quantity: 3, Amount: 57 });
      const order = await api.req('GET', `/Order/${orderId}`);
      expect(order.body.data.attributes).toMatchObject({ AmountTotal: 57, OrderDetailCount: 1, Freight: 10 });
    });

    it('takes a client-generated id where the key is not generated, and 409s when it is taken', async () => {
      const r = await api.req('POST', '/Customer', {
        body: { data: { type: 'Customer', id: 'NEWCO', attributes: { CompanyName: 'New Co' } } },
      });
      expect(r.status).toBe(201);
      expect(r.body.data).toMatchObject({ id: 'NEWCO', attributes: { Balance: 0, CreditLimit: 1000, OrderCount: 0 } });
      const again = await api.req('POST', '/Customer', {
        body: { data: { type: 'Customer', id: 'NEWCO', attributes: { CompanyName: 'Again' } } },
      });
      expect(again.status).toBe(409);
    });

    it('refuses a to-many relationship on create, and a type that does not match the endpoint', async () => {
      const r = await api.req('POST', '/Order', {
        body: {
          data: { type: 'Order', attributes: { CustomerId: 'ALFKI', EmployeeId: 5 }, relationships: { OrderDetailList: { data: [] } } },
        },
      });
      expect(r.status).toBe(403);
      const wrong = await api.req('POST', '/Order', { body: { data: { type: 'Customer', attributes: {} } } });
      expect(wrong.status).toBe(409);
    });

    it('a resource object without its type is a bad document (400 pointing at /data/type), not a conflict', async () => {
      const r = await api.req('POST', '/Customer', { body: { data: { id: 'NOTYP', attributes: { CompanyName: 'x' } } } });
      expect(r.status).toBe(400);
      expect(r.body.errors[0]).toMatchObject({ source: { pointer: '/data/type' }, detail: 'a resource object needs "type": "Customer"' });
      expect((await api.req('GET', '/Customer/NOTYP')).status).toBe(404);
    });
  });

  describe('rules answer 422 and write nothing', () => {
    it('the 2000-Chang item is refused by the credit rule, with rule, row and transaction in meta', async () => {
      const before = await balance();
      const orderId = await newOrder('ALFKI');
      const r = await addItem(orderId, 2, 2000);
      expect(r.status).toBe(422);
      expect(r.body.errors[0]).toMatchObject({
        status: '422',
        code: 'rule-violation',
        detail: 'balance (40102.00) exceeds credit (2300.00)',
        meta: { rule: 'Customer: Balance <= CreditLimit', table: 'Customer', key: 'ALFKI', tx: expect.any(String) },
      });
      expect(await balance()).toBe(before);
      expect((await api.req('GET', `/Order/${orderId}`)).body.data.attributes.OrderDetailCount).toBe(0);
      await api.req('DELETE', `/Order/${orderId}`);
    });

    it('a derived column cannot be set by hand', async () => {
      const r = await api.req('PATCH', '/Customer/ALFKI', {
        body: { data: { type: 'Customer', id: 'ALFKI', attributes: { Balance: 0 } } },
      });
      expect(r.status).toBe(400);
      expect(r.body.errors[0]).toMatchObject({ code: 'derived', source: { pointer: '/data/attributes/Balance' } });
    });
  });

  describe('PATCH and DELETE', () => {
    it('PATCH is partial and answers the new derived values', async () => {
      const orderId = await newOrder();
      const item = await addItem(orderId, 1, 1);
      const r = await api.req('PATCH', `/OrderDetail/${item.body.data.id}`, {
        body: { data: { type: 'OrderDetail', id: item.body.data.id, attributes: { Quantity: 4 } } },
      });
      expect(r.status).toBe(200);
      expect(r.body.data.attributes).toMatchObject({ Quantity: 4, Amount: 72, ProductId: 1 });
      expect((await api.req('GET', `/Order/${orderId}`)).body.data.attributes.AmountTotal).toBe(72);
    });

    it('DELETE cascades through the rules: the customer balance drops by the order', async () => {
      const before = await balance('ANATR');
      const orderId = await newOrder();
      await addItem(orderId, 1, 2);
      expect(await balance('ANATR')).toBe(before + 36);
      const r = await api.req('DELETE', `/Order/${orderId}`);
      expect(r.status).toBe(204);
      expect(await balance('ANATR')).toBe(before);
      expect((await api.req('GET', `/Order/${orderId}`)).status).toBe(404);
    });

    it('optimistic locking: a stale If-Match or meta.checksum is 412, the current one passes', async () => {
      const now = await api.req('GET', '/Customer/ANTON');
      const etag = now.headers.get('etag')!;
      const patch = (headers: Record<string, string>, meta?: object) =>
        api.req('PATCH', '/Customer/ANTON', {
          headers,
          body: { data: { type: 'Customer', id: 'ANTON', attributes: { City: `City ${Math.random()}` }, ...(meta ? { meta } : {}) } },
        });
      expect((await patch({ 'If-Match': '"stale"' })).status).toBe(412);
      expect((await patch({}, { checksum: 'stale' })).status).toBe(412);
      const ok = await patch({ 'If-Match': etag });
      expect(ok.status).toBe(200);
      expect((await patch({ 'If-Match': etag })).status).toBe(412); // the old tag is stale now
      expect((await patch({}, { checksum: ok.body.data.meta.checksum })).status).toBe(200);
      expect((await api.req('DELETE', '/Customer/ANTON', { headers: { 'If-Match': '"stale"' } })).status).toBe(412);
    });

    it('the id in the body must be there, and be the one in the URL', async () => {
      const r = await api.req('PATCH', '/Customer/ALFKI', { body: { data: { type: 'Customer', id: 'ANATR', attributes: { City: 'x' } } } });
      expect(r.status).toBe(409);
      const missing = await api.req('PATCH', '/Customer/ALFKI', { body: { data: { type: 'Customer', attributes: { City: 'x' } } } });
      expect(missing.status).toBe(400);
      expect(missing.body.errors[0].source).toEqual({ pointer: '/data/id' });
    });
  });

  describe('relationships', () => {
    it('PATCH a to-one moves the order to another customer, adjusting both balances', async () => {
      const orderId = await newOrder('ANATR');
      await addItem(orderId, 1, 1);
      const [a, b] = [await balance('ANATR'), await balance('AROUT')];
      const r = await api.req('PATCH', `/Order/${orderId}/relationships/Customer`, { body: { data: { type: 'Customer', id: 'AROUT' } } });
      expect(r.status).toBe(200);
      expect(r.body.data).toEqual({ type: 'Customer', id: 'AROUT' });
      expect([await balance('ANATR'), await balance('AROUT')]).toEqual([a - 18, b + 18]);
    });

    it('POST to a to-many re-parents items; removing a required parent is 403', async () => {
      const from = await newOrder();
      const to = await newOrder();
      const item = await addItem(from, 1, 1);
      const r = await api.req('POST', `/Order/${to}/relationships/OrderDetailList`, {
        body: { data: [{ type: 'OrderDetail', id: item.body.data.id }] },
      });
      expect(r.status).toBe(200);
      expect(r.body.data).toEqual([{ type: 'OrderDetail', id: item.body.data.id }]);
      expect((await api.req('GET', `/Order/${from}`)).body.data.attributes.AmountTotal).toBe(0);
      expect((await api.req('GET', `/Order/${to}`)).body.data.attributes.AmountTotal).toBe(18);
      const removal = await api.req('DELETE', `/Order/${to}/relationships/OrderDetailList`, {
        body: { data: [{ type: 'OrderDetail', id: item.body.data.id }] },
      });
      expect(removal.status).toBe(403);
      expect(removal.body.errors[0].detail).toMatch(/OrderDetail\.OrderId is required/);
    });
  });

  describe('atomic operations', () => {
    it('an order and its items in one transaction, items referring to the order by lid', async () => {
      const before = await balance('ANATR');
      const r = await api.req('POST', '/operations', {
        headers: { 'Content-Type': ATOMIC, Accept: ATOMIC },
        body: {
          'atomic:operations': [
            {
              op: 'add',
              data: {
                type: 'Order',
                lid: 'o',
                attributes: { EmployeeId: 3 },
                relationships: { Customer: { data: { type: 'Customer', id: 'ANATR' } } },
              },
            },
            {
              op: 'add',
              data: {
                type: 'OrderDetail',
                attributes: { Quantity: 2 },
                relationships: { Order: { data: { type: 'Order', lid: 'o' } }, Product: { data: { type: 'Product', id: '2' } } },
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
        },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.headers.get('content-type')).toBe(ATOMIC);
      const [order, item1, item2] = r.body['atomic:results'];
      expect(order.data.attributes).toMatchObject({ AmountTotal: 56, OrderDetailCount: 2 });
      expect(item1.data.attributes.OrderId).toBe(Number(order.data.id));
      expect(item2.data.attributes.Amount).toBe(18);
      expect(await balance('ANATR')).toBe(before + 56);
    });

    it('all or nothing: one refused operation rolls back the others', async () => {
      const before = await balance();
      const count = (await api.req('GET', '/Order?filter%5BCustomerId%5D=ALFKI')).body.meta.count;
      const r = await api.req('POST', '/operations', {
        headers: { 'Content-Type': ATOMIC },
        body: {
          'atomic:operations': [
            { op: 'add', data: { type: 'Order', lid: 'o', attributes: { EmployeeId: 3, CustomerId: 'ALFKI' } } },
            {
              op: 'add',
              data: {
                type: 'OrderDetail',
                attributes: { Quantity: 2000 },
                relationships: { Order: { data: { type: 'Order', lid: 'o' } }, Product: { data: { type: 'Product', id: '2' } } },
              },
            },
          ],
        },
      });
      expect(r.status).toBe(422);
      expect(r.body.errors[0].meta.rule).toBe('Customer: Balance <= CreditLimit');
      expect(r.body.errors[0].source).toEqual({ pointer: '/atomic:operations/1' }); // the operation refused
      expect(await balance()).toBe(before);
      expect((await api.req('GET', '/Order?filter%5BCustomerId%5D=ALFKI')).body.meta.count).toBe(count);
    });

    it('a refusal found when the transaction ends points at the operation that last changed the refused row', async () => {
      const r = await api.req('POST', '/operations', {
        headers: { 'Content-Type': ATOMIC },
        body: {
          'atomic:operations': [
            { op: 'add', data: { type: 'OrderDetail', attributes: { OrderId: 10692, ProductId: 2, Quantity: 2000 } } },
            { op: 'update', data: { type: 'Customer', id: 'ANATR', attributes: { Fax: '030-0000' } } },
          ],
        },
      });
      expect(r.status).toBe(422);
      expect(r.body.errors[0].meta.rule).toBe('Customer: Balance <= CreditLimit');
      expect(r.body.errors[0].source).toEqual({ pointer: '/atomic:operations/0' });
    });

    it('update and remove by ref', async () => {
      const orderId = await newOrder();
      const item = await addItem(orderId, 1, 1);
      const r = await api.req('POST', '/operations', {
        headers: { 'Content-Type': ATOMIC },
        body: {
          'atomic:operations': [
            { op: 'update', data: { type: 'OrderDetail', id: item.body.data.id, attributes: { Quantity: 5 } } },
            { op: 'remove', ref: { type: 'Order', id: orderId } },
          ],
        },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body['atomic:results'][1]).toEqual({});
      expect((await api.req('GET', `/Order/${orderId}`)).status).toBe(404);
    });
  });
});
