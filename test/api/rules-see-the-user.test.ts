/**
 * Rules see the user behind an API request: Northwind stamps CreatedBy (a default) and UpdatedBy (a
 * formula) with the logged-in user, in one line each of logic/rules.ts, and every transaction's
 * record names its user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { txRecord, type TxRecord } from '../../src/runtime/protocol.js';
import { startApi, type TestApi } from '../helpers/api.js';

describe('ctx.user over HTTP', () => {
  let api: TestApi;
  let alfki: string;
  const records: TxRecord[] = [];
  const order = async (id: string) => (await api.req('GET', `/Order/${id}`)).body.data.attributes;

  beforeAll(async () => {
    api = await startApi({}, { onOutcome: (o) => records.push(txRecord(o, 'api')) });
    alfki = await api.login('ALFKI');
  });
  afterAll(() => api.close());

  it('PATCH as ALFKI stamps ALFKI as the one who last changed the order; an admin after that stamps admin', async () => {
    expect(await order('10702')).toMatchObject({ CreatedBy: null, UpdatedBy: null });
    const r = await api.req('PATCH', '/Order/10702', {
      token: alfki,
      body: { data: { type: 'Order', id: '10702', attributes: { ShipName: 'Alfreds, upstairs' } } },
    });
    expect(r.status).toBe(200);
    expect(r.body.data.attributes).toMatchObject({ ShipName: 'Alfreds, upstairs', UpdatedBy: 'ALFKI', CreatedBy: null });
    expect(records.at(-1)).toMatchObject({ ok: true, origin: 'api', user: 'ALFKI' });
    const byAdmin = await api.req('PATCH', '/Order/10702', {
      body: { data: { type: 'Order', id: '10702', attributes: { ShipName: 'Alfreds' } } },
    });
    expect(byAdmin.body.data.attributes.UpdatedBy).toBe('admin');
    expect(records.at(-1)?.user).toBe('admin');
  });

  it('POST as ALFKI stamps ALFKI as the creator; adding an item to it (which changes its total) stamps the order too', async () => {
    const r = await api.req('POST', '/Order', {
      token: alfki,
      body: { data: { type: 'Order', attributes: { CustomerId: 'ALFKI', EmployeeId: 5 } } },
    });
    expect(r.status).toBe(201);
    expect(r.body.data.attributes).toMatchObject({ CreatedBy: 'ALFKI', UpdatedBy: 'ALFKI' });
    const id = r.body.data.id as string;
    const admin = await api.req('POST', '/OrderDetail', {
      body: { data: { type: 'OrderDetail', attributes: { OrderId: Number(id), ProductId: 1, Quantity: 1 } } },
    });
    expect(admin.status).toBe(201);
    expect(await order(id)).toMatchObject({ CreatedBy: 'ALFKI', UpdatedBy: 'admin' });
  });

  it('a customer may not write the stamps themselves (they are not among the columns it may set)', async () => {
    const r = await api.req('PATCH', '/Order/10702', {
      token: alfki,
      body: { data: { type: 'Order', id: '10702', attributes: { UpdatedBy: 'ANATR' } } },
    });
    expect(r.status).toBe(403);
    expect(r.body.errors[0].detail).toBe('ALFKI may not change Order.UpdatedBy');
  });
});
