/**
 * Row and column security on every path, over real HTTP: the holes a security review found (a
 * customer reading or changing what is another's), each answered now as a row that does not exist,
 * and the grant vocabulary real projects need (or, in, comparisons, column lists, global filters,
 * several roles).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecurityConfig } from '../../src/api/security/access.js';
import { createApi } from '../../src/api/server.js';
import { ATOMIC, startApi, type TestApi } from '../helpers/api.js';
import { forEachDatabase, freshNorthwind } from '../helpers/northwind.js';

const q = (s: string) => s.replace(/\[/g, '%5B').replace(/\]/g, '%5D');
/** bcrypt of "p" */
const P = '$2b$10$IwsVRNvybHX3D.r6.iMSOuhC4p/Gpl9ZBrkMpqqexB0J/usz2pMYa';

forEachDatabase((database) => {
  describe("Northwind's customer role", () => {
    let api: TestApi;
    let alfki: string;
    const asAlfki = (method: string, path: string, body?: unknown) => api.req(method, q(path), { token: alfki, body });
    const truth = async (type: string, id: string) => (await api.req('GET', `/${type}/${id}`)).body.data.attributes;
    const count = async (path: string, token?: string) => (await api.req('GET', q(path), { token })).body.meta.count as number;

    beforeAll(async () => {
      api = await startApi({ database });
      alfki = await api.login('ALFKI');
    });
    afterAll(() => api.close());

    describe('may not change its credit, its derived values, or what has shipped (403 naming the column)', () => {
      for (const [column, value] of [
        ['CreditLimit', 999999],
        ['Balance', 0],
        ['OrderCount', 0],
        ['UnpaidOrderCount', 0],
      ] as const) {
        it(`PATCH Customer/ALFKI {${column}} is refused and nothing is written`, async () => {
          const before = await truth('Customer', 'ALFKI');
          const r = await asAlfki('PATCH', '/Customer/ALFKI', { data: { type: 'Customer', id: 'ALFKI', attributes: { [column]: value } } });
          expect(r.status).toBe(403);
          expect(r.body.errors[0]).toMatchObject({
            detail: `ALFKI may not change Customer.${column}`,
            source: { pointer: `/data/attributes/${column}` },
          });
          expect(await truth('Customer', 'ALFKI')).toEqual(before);
        });
      }

      it('may change its contact details, sending the whole resource back as clients do', async () => {
        const mine = (await asAlfki('GET', '/Customer/ALFKI')).body.data;
        const r = await asAlfki('PATCH', '/Customer/ALFKI', {
          data: { type: 'Customer', id: 'ALFKI', attributes: { ...mine.attributes, ContactName: 'Maria A.' } },
        });
        expect(r.status).toBe(200);
        expect(r.body.data.attributes.ContactName).toBe('Maria A.');
      });

      it('may not set a ShippedDate or Freight on its own open order', async () => {
        for (const [column, value] of [
          ['ShippedDate', '2026-01-16'],
          ['Freight', 0.01],
          ['AmountTotal', 1],
        ] as const) {
          const before = await truth('Order', '10702');
          const r = await asAlfki('PATCH', '/Order/10702', { data: { type: 'Order', id: '10702', attributes: { [column]: value } } });
          expect(r.status).toBe(403);
          expect(r.body.errors[0].detail).toBe(`ALFKI may not change Order.${column}`);
          expect(await truth('Order', '10702')).toEqual(before);
        }
      });

      it('may read a shipped order but not change it, nor its items, nor add to it', async () => {
        expect((await asAlfki('GET', '/Order/10643')).status).toBe(200);
        const before = await truth('Order', '10643');
        const order = await asAlfki('PATCH', '/Order/10643', { data: { type: 'Order', id: '10643', attributes: { ShipName: 'x' } } });
        expect(order.status).toBe(403);
        expect(order.body.errors[0].detail).toBe('ALFKI may not update Order 10643');
        const item = (await asAlfki('GET', '/Order/10643/OrderDetailList')).body.data[0];
        const changed = await asAlfki('PATCH', `/OrderDetail/${item.id}`, {
          data: { type: 'OrderDetail', id: item.id, attributes: { Quantity: 1 } },
        });
        expect(changed.status).toBe(403);
        const added = await asAlfki('POST', '/OrderDetail', {
          data: { type: 'OrderDetail', attributes: { OrderId: 10643, ProductId: 1, Quantity: 1 } },
        });
        expect(added.status).toBe(403);
        expect((await asAlfki('DELETE', `/OrderDetail/${item.id}`)).status).toBe(403);
        expect((await asAlfki('DELETE', '/Order/10643')).status).toBe(403);
        expect(await truth('Order', '10643')).toEqual(before);
      });

      it('may not set the price of an item (the rules copy it)', async () => {
        const r = await asAlfki('POST', '/OrderDetail', {
          data: { type: 'OrderDetail', attributes: { OrderId: 10702, ProductId: 1, Quantity: 1, UnitPrice: 0.01 } },
        });
        expect(r.status).toBe(403);
        expect(r.body.errors[0].detail).toBe('ALFKI may not set OrderDetail.UnitPrice');
      });
    });

    describe('a row named by a foreign key must be one the user may see (404, the words of a missing row)', () => {
      it('CloneFromOrder as an attribute answers like the relationship, and like an order that does not exist', async () => {
        const before = await truth('Order', '10702');
        const attr = await asAlfki('PATCH', '/Order/10702', {
          data: { type: 'Order', id: '10702', attributes: { CloneFromOrder: 10750 } },
        });
        const rel = await asAlfki('PATCH', '/Order/10702', {
          data: { type: 'Order', id: '10702', relationships: { CloneFromOrderRef: { data: { type: 'Order', id: '10750' } } } },
        });
        const missing = await asAlfki('PATCH', '/Order/10702', {
          data: { type: 'Order', id: '10702', attributes: { CloneFromOrder: 99999 } },
        });
        expect([attr.status, rel.status, missing.status]).toEqual([404, 404, 404]);
        expect(attr.body.errors[0].detail).toBe('Order 10750 does not exist');
        expect(rel.body.errors[0].detail).toBe('Order 10750 does not exist');
        expect(missing.body.errors[0].detail).toBe('Order 99999 does not exist');
        expect(attr.body.errors[0].source).toEqual(missing.body.errors[0].source);
        expect(await truth('Order', '10702')).toEqual(before);
      });

      it("a new order cloned from ANATR's copies nothing of ANATR's", async () => {
        const orders = await count('/Order');
        const items = await count('/OrderDetail');
        const r = await asAlfki('POST', '/Order', {
          data: { type: 'Order', attributes: { CustomerId: 'ALFKI', EmployeeId: 5, CloneFromOrder: 10750 } },
        });
        expect(r.status).toBe(404);
        expect([await count('/Order'), await count('/OrderDetail')]).toEqual([orders, items]);
      });

      it('an atomic operation naming another customer by attribute is refused the same way', async () => {
        const r = await api.req('POST', '/operations', {
          token: alfki,
          headers: { 'Content-Type': ATOMIC, Accept: ATOMIC },
          body: { 'atomic:operations': [{ op: 'add', data: { type: 'Order', attributes: { CustomerId: 'ANATR', EmployeeId: 5 } } }] },
        });
        expect(r.status).toBe(404);
        expect(r.body.errors[0].detail).toBe('Customer ANATR does not exist');
      });

      it("moving an order to another customer says nothing of that customer's credit: as for one that does not exist", async () => {
        const gourl = await asAlfki('PATCH', '/Order/10702', { data: { type: 'Order', id: '10702', attributes: { CustomerId: 'GOURL' } } });
        const nosuch = await asAlfki('PATCH', '/Order/10702', {
          data: { type: 'Order', id: '10702', attributes: { CustomerId: 'NOSUCH' } },
        });
        expect(gourl.status).toBe(404);
        expect(nosuch.status).toBe(404);
        expect(gourl.body.errors[0].detail.replace('GOURL', 'X')).toBe(nosuch.body.errors[0].detail.replace('NOSUCH', 'X'));
        expect(JSON.stringify(gourl.body)).not.toMatch(/7814|8000|balance|credit/i);
      });

      it("creating an order with another customer's order id answers as with an id nobody has", async () => {
        const taken = await asAlfki('POST', '/Order', {
          data: { type: 'Order', id: '10750', attributes: { CustomerId: 'ALFKI', EmployeeId: 5 } },
        });
        const free = await asAlfki('POST', '/Order', {
          data: { type: 'Order', id: '99999', attributes: { CustomerId: 'ALFKI', EmployeeId: 5 } },
        });
        expect(taken.status).toBe(403);
        expect(free.status).toBe(403);
        expect(taken.body.errors[0].detail).toBe(free.body.errors[0].detail);
        expect((await api.req('GET', '/Order/99999')).status).toBe(404);
      });
    });

    describe('filters across relationships see only what the user may', () => {
      it("ANATR's balance cannot be found by bisection through another order's link", async () => {
        // the admin links ALFKI's order to ANATR's (the admin may); ALFKI then probes ANATR's Balance through it
        const link = await api.req('PATCH', '/Order/10702', {
          body: { data: { type: 'Order', id: '10702', attributes: { CloneFromOrder: 10750 } } },
        });
        expect(link.status).toBe(200);
        const probe = (op: string, v: string) => `/Order?filter[Id]=10702&filter[CloneFromOrderRef.Customer.Balance][${op}]=${v}`;
        expect(await count(probe('gt', '0'))).toBe(1); // the admin sees through the link
        expect(await count(probe('gt', '0'), alfki)).toBe(0);
        expect(await count(probe('le', '0'), alfki)).toBe(0);
        expect(await count(probe('gt', '1000000000'), alfki)).toBe(0);
        expect(await count(`/Order?filter[Id]=10702&filter[CloneFromOrderRef.Customer.Balance][isnull]=`, alfki)).toBe(1);
        // nor through the order itself
        expect(await count(`/Order?filter[Id]=10702&filter[CloneFromOrderRef.CustomerId]=ANATR`, alfki)).toBe(0);
        await api.req('PATCH', '/Order/10702', { body: { data: { type: 'Order', id: '10702', attributes: { CloneFromOrder: null } } } });
      });
    });
  });

  describe('the grant vocabulary', () => {
    const config: SecurityConfig = {
      enabled: true,
      users: [
        { name: 'admin', password: P, roles: ['admin'] },
        { name: 'rep', password: P, roles: ['rep'] },
        { name: 'audit', password: P, roles: ['auditor'] },
        { name: 'both', password: P, roles: ['rep', 'auditor'] },
        { name: 'de', password: P, roles: ['reader'] },
      ],
      roles: {
        admin: { '*': 'crud' },
        rep: {
          // employee 5's orders, and any big one
          Order: { can: 'r', where: { or: [{ EmployeeId: 5 }, { AmountTotal: { gt: 5000 } }] } },
          Customer: { can: 'r', where: { Country: { in: ['Germany', 'Mexico'] } }, columns: { except: ['Balance', 'CreditLimit'] } },
        },
        auditor: { Order: { can: 'r', where: { ShippedDate: null, not: { Freight: { lt: 100 } } } } },
        reader: { '*': 'r' },
      },
      globalFilters: [{ column: 'Country', value: (u) => (u.name === 'de' ? 'Germany' : undefined), exempt: ['admin', 'rep', 'auditor'] }],
    };
    let api: TestApi;
    const tokens: Record<string, string> = {};
    const count = async (user: string, path: string) => (await api.req('GET', q(path), { token: tokens[user] })).body.meta.count as number;

    beforeAll(async () => {
      api = await startApi({ security: config, database });
      for (const u of ['rep', 'audit', 'both', 'de']) tokens[u] = await api.login(u);
    });
    afterAll(() => api.close());

    it('or, comparisons, not and null tests select exactly the rows they say', async () => {
      const admin = (path: string) => api.req('GET', q(path)).then((r) => r.body.meta.count as number);
      const emp5 = await admin('/Order?filter[EmployeeId]=5');
      const big = await admin('/Order?filter[AmountTotal][gt]=5000');
      const bigEmp5 = await admin('/Order?filter[AmountTotal][gt]=5000&filter[EmployeeId]=5');
      expect(emp5).toBeGreaterThan(0);
      expect(big).toBeGreaterThan(0);
      expect(await count('rep', '/Order')).toBe(emp5 + big - bigEmp5);
      const open = await admin('/Order?filter[ShippedDate][isnull]=&filter[Freight][ge]=100');
      expect(await count('audit', '/Order')).toBe(open);
    });

    it('a user with several roles sees the union of what each grants', async () => {
      const admin = (path: string) => api.req('GET', q(path)).then((r) => r.body.meta.count as number);
      const rep = await count('rep', '/Order');
      const audit = await count('audit', '/Order');
      const both = await count('both', '/Order');
      expect(both).toBeGreaterThan(Math.max(rep, audit));
      expect(both).toBeLessThanOrEqual(rep + audit);
      expect(both).toBeLessThanOrEqual(await admin('/Order'));
    });

    it('in: only the listed countries', async () => {
      const countries = new Set(
        (
          await api.req('GET', '/Customer?page[limit]=100'.replace(/\[/g, '%5B').replace(/\]/g, '%5D'), { token: tokens.rep })
        ).body.data.map((c: any) => c.attributes.Country),
      );
      expect([...countries].sort()).toEqual(['Germany', 'Mexico']);
    });

    it('a global filter narrows every table with its column, except for exempt roles', async () => {
      const admin = (path: string) => api.req('GET', q(path)).then((r) => r.body.meta.count as number);
      expect(await count('de', '/Customer')).toBe(await admin('/Customer?filter[Country]=Germany'));
      expect(await count('de', '/Supplier')).toBe(await admin('/Supplier?filter[Country]=Germany'));
      expect(await count('de', '/Employee')).toBe(await admin('/Employee?filter[Country]=Germany'));
      // tables without the column are not narrowed
      expect(await count('de', '/Product')).toBe(await admin('/Product'));
    });

    it('columns a role may not read are absent, and naming them answers like a column that does not exist', async () => {
      const c = (await api.req('GET', q('/Customer?page[limit]=1'), { token: tokens.rep })).body.data[0];
      expect(c.attributes).not.toHaveProperty('Balance');
      expect(c.attributes).not.toHaveProperty('CreditLimit');
      expect(c.attributes).toHaveProperty('CompanyName');
      const unknown = await api.req('GET', q('/Customer?filter[NoSuchColumn][gt]=0'), { token: tokens.rep });
      for (const path of [
        '/Customer?filter[Balance][gt]=0',
        '/Customer?sort=Balance',
        '/Customer?fields[Customer]=Balance',
        '/Order?filter[Customer.CreditLimit][gt]=0',
      ]) {
        const r = await api.req('GET', q(path), { token: tokens.rep });
        expect(r.status, path).toBe(400);
        expect(r.body.errors[0].code, path).toBe(unknown.body.errors[0].code);
        expect(r.body.errors[0].detail, path).toMatch(/has no attribute (or relationship )?(Balance|CreditLimit)/);
      }
    });

    it('a grant naming a column or path the database lacks stops the API at start-up, naming it', async () => {
      const nw = await freshNorthwind({ database });
      try {
        const bad = (roles: SecurityConfig['roles']) => createApi(nw, { security: { enabled: true, roles } });
        await expect(bad({ r: { Customer: { can: 'r', columns: ['Nope'] } } })).rejects.toThrow(/role r, Customer: columns names Nope/);
        await expect(bad({ r: { Order: { can: 'r', where: { 'Customer.Nope': 1 } } } })).rejects.toThrow(
          /role r, Order: where names Customer.Nope/,
        );
        await expect(bad({ r: { Nope: 'r' } })).rejects.toThrow(/there is no table Nope/);
      } finally {
        nw.dispose();
      }
    });
  });
});
