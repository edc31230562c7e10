/** The Tables pane's API client against the real API: writes through the rules, refusals as values. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, failure } from '../../src/tui/tables/api-client.js';
import { startApi, type TestApi } from '../helpers/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

describe('the API client', () => {
  it('logs in, creates, updates and deletes through the rules', async () => {
    const client = new ApiClient({ base: api.base, user: 'admin', password: 'p' });
    const order = await client.create('Order', { CustomerId: 'ALFKI', EmployeeId: 5 });
    expect(order.ok).toBe(true);
    if (!order.ok) return;
    const item = await client.create('OrderDetail', { OrderId: Number(order.value.id), ProductId: 2, Quantity: 2 });
    expect(item.ok && item.value.attributes.Amount).toBe(38); // the rules derived it
    const changed = await client.update('Order', order.value.id, { Freight: 12.5 });
    expect(changed.ok && changed.value.attributes.Freight).toBe(12.5);
    expect((await client.remove('Order', order.value.id)).ok).toBe(true);
    expect(api.nw.row('Order', Number(order.value.id))).toBeUndefined();
  });

  it("returns a rule's refusal with the rule's name", async () => {
    const client = new ApiClient({ base: `${api.base.replace(/\/api$/, '')}/`, user: 'admin', password: 'p' }); // the origin is enough
    const res = await client.update('Customer', 'ALFKI', { CreditLimit: 1 });
    expect(res).toEqual({
      ok: false,
      error: {
        status: 422,
        title: 'Refused by a rule',
        detail: 'balance (2102.00) exceeds credit (1.00)',
        rule: 'Customer: Balance <= CreditLimit',
      },
    });
  });

  it('names the attribute at fault, and what security refuses', async () => {
    const admin = new ApiClient({ base: api.base, user: 'admin', password: 'p' });
    const bad = await admin.create('Order', { CustomerId: 'ALFKI', EmployeeId: 5, Nope: 1 });
    expect(bad.ok === false && bad.error).toMatchObject({ status: 400, attribute: 'Nope' });
    const customer = new ApiClient({ base: api.base, user: 'ALFKI', password: 'p' });
    const res = await customer.remove('Product', '1');
    expect(res.ok === false && res.error.status).toBe(403);
    const wrong = await new ApiClient({ base: api.base, user: 'admin', password: 'wrong' }).get('Customer', 'ALFKI');
    expect(wrong.ok === false && wrong.error).toMatchObject({ status: 401, detail: 'wrong user name or password' });
  });

  it('logs in again when its token is refused, or sends the headers it is given', async () => {
    const stale = new ApiClient({ base: api.base, user: 'admin', password: 'p', token: 'expired' });
    expect((await stale.get('Customer', 'ALFKI')).ok).toBe(true);
    const token = await api.login('admin');
    const session = new ApiClient({ base: () => api.base, headers: () => ({ Authorization: `Bearer ${token}` }) });
    const got = await session.get('Customer', 'ALFKI');
    expect(got.ok && got.value.attributes.CompanyName).toBe('Alfreds Futterkiste');
  });

  it('says when the API is not up or not reachable', async () => {
    const down = await new ApiClient({ base: () => undefined }).get('Customer', 'ALFKI');
    expect(down.ok === false && down.error).toMatchObject({ status: 0, title: 'API not up' });
    const gone = await new ApiClient({ base: 'http://127.0.0.1:1' }).get('Customer', 'ALFKI');
    expect(gone.ok === false && gone.error).toMatchObject({ status: 0, title: 'API unreachable' });
  });

  it('reads an error document, or makes do without one', () => {
    expect(failure(502, undefined, 'Bad gateway')).toEqual({ status: 502, title: 'HTTP 502', detail: 'Bad gateway' });
  });
});
