/** Fetching over real HTTP: collections, include, sparse fields, sort, paging, filters, related resources. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../helpers/northwind.js';
import { startApi, type TestApi } from '../helpers/api.js';

forEachDatabase((database) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ database });
  });
  afterAll(() => api.close());

  const q = (s: string) => s.replace(/\[/g, '%5B').replace(/\]/g, '%5D');

  describe('collections', () => {
    it('pages with first/prev/next/last links and meta.count', async () => {
      const r = await api.req('GET', q('/Customer?page[offset]=10&page[limit]=5&sort=Id'));
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/vnd.api+json');
      expect(r.body.meta.count).toBe(47);
      expect(r.body.data).toHaveLength(5);
      const links = r.body.links;
      expect(new URL(links.first).searchParams.get('page[offset]')).toBe('0');
      expect(new URL(links.prev).searchParams.get('page[offset]')).toBe('5');
      expect(new URL(links.next).searchParams.get('page[offset]')).toBe('15');
      expect(new URL(links.last).searchParams.get('page[offset]')).toBe('45');
      expect(new URL(links.next).searchParams.get('sort')).toBe('Id');
      const next = await api.req('GET', links.next);
      expect(next.body.data[0].id > r.body.data[4].id).toBe(true);
    });

    it('defaults to 10 per page, with no prev on the first page and no next on the last', async () => {
      const first = await api.req('GET', '/Product');
      expect(first.body.data).toHaveLength(10);
      expect(first.body.links.prev).toBeNull();
      const last = await api.req('GET', first.body.links.last);
      expect(last.body.data).toHaveLength(7);
      expect(last.body.links.next).toBeNull();
    });

    it('sorts by several keys, - for descending', async () => {
      const r = await api.req('GET', q('/Product?sort=CategoryId,-UnitPrice&page[limit]=100&fields[Product]=CategoryId,UnitPrice'));
      const rows = r.body.data.map((p: any) => [p.attributes.CategoryId, p.attributes.UnitPrice]);
      const sorted = [...rows].sort((a, b) => a[0] - b[0] || b[1] - a[1]);
      expect(rows).toEqual(sorted);
    });

    it('returns only the fields asked for', async () => {
      const r = await api.req('GET', q('/Order/10643?fields[Order]=AmountTotal,Customer'));
      expect(Object.keys(r.body.data.attributes)).toEqual(['AmountTotal']);
      expect(Object.keys(r.body.data.relationships)).toEqual(['Customer']);
      expect(r.body.data.relationships.Customer.data).toEqual({ type: 'Customer', id: 'ALFKI' });
    });
  });

  describe('filters', () => {
    const ids = async (path: string) => (await api.req('GET', q(path))).body.data.map((d: any) => d.id);

    it('by equality, as API Logic Server accepts', async () => {
      const r = await api.req('GET', q('/Order?filter[CustomerId]=ALFKI&page[limit]=50'));
      expect(r.body.meta.count).toBe(6);
      expect(r.body.data.every((o: any) => o.attributes.CustomerId === 'ALFKI')).toBe(true);
    });

    it('with operators: gt, le, ne, in, like, isnull, notnull', async () => {
      const gt = await api.req('GET', q('/Product?filter[UnitPrice][gt]=50&page[limit]=100'));
      expect(gt.body.data.length).toBeGreaterThan(0);
      expect(gt.body.data.every((p: any) => p.attributes.UnitPrice > 50)).toBe(true);
      const le = await api.req('GET', q('/Product?filter[UnitPrice][le]=50&page[limit]=100'));
      expect(gt.body.meta.count + le.body.meta.count).toBe(77);
      expect(await ids('/Product?filter[Id][in]=1,2,77&sort=Id')).toEqual(['1', '2', '77']);
      expect((await api.req('GET', q('/Product?filter[Id][ne]=1&page[limit]=1'))).body.meta.count).toBe(76);
      const like = await api.req('GET', q('/Product?filter[ProductName][like]=Ch%25&page[limit]=100'));
      expect(like.body.data.map((p: any) => p.attributes.ProductName)).toEqual(expect.arrayContaining(['Chai', 'Chang']));
      expect(like.body.data.every((p: any) => /^ch/i.test(p.attributes.ProductName))).toBe(true);
      const open = await api.req('GET', q('/Order?filter[ShippedDate][isnull]=true&filter[CustomerId]=ALFKI'));
      expect(open.body.data.map((o: any) => o.id).sort()).toEqual(['10692', '10702', '11011']);
      const shipped = await api.req('GET', q('/Order?filter[ShippedDate][notnull]&filter[CustomerId]=ALFKI'));
      expect(shipped.body.meta.count).toBe(3);
    });

    it('across to-one relationships', async () => {
      const r = await api.req('GET', q('/Order?filter[Customer.Country]=Germany&page[limit]=1000&include=Customer'));
      expect(r.body.data.length).toBeGreaterThan(0);
      expect(r.body.included.every((c: any) => c.type === 'Customer' && c.attributes.Country === 'Germany')).toBe(true);
      const twoSteps = await api.req('GET', q('/OrderDetail?filter[Order.Customer.Id]=ALFKI&page[limit]=100'));
      const orders = await api.req('GET', q('/Order?filter[CustomerId]=ALFKI&include=OrderDetailList'));
      expect(twoSteps.body.meta.count).toBe(orders.body.included.length);
    });

    it('treats SQL text as a value, never as SQL', async () => {
      const r = await api.req('GET', q("/Order?filter[CustomerId]=x' OR 1=1--"));
      expect(r.status).toBe(200);
      expect(r.body.data).toEqual([]);
      const sneaky = await api.req('GET', q('/Order?sort=Id;DROP TABLE Customer'));
      expect(sneaky.status).toBe(400);
      expect((await api.req('GET', '/Customer/ALFKI')).status).toBe(200);
    });
  });

  describe('include', () => {
    it('follows nested paths and gives full linkage', async () => {
      const r = await api.req('GET', q('/Order/10643?include=OrderDetailList.Product,Customer'));
      const items = r.body.data.relationships.OrderDetailList.data;
      expect(items.length).toBeGreaterThan(0);
      const included = new Set(r.body.included.map((x: any) => `${x.type}/${x.id}`));
      for (const i of items) expect(included.has(`OrderDetail/${i.id}`)).toBe(true);
      const products = r.body.included.filter((x: any) => x.type === 'OrderDetail').map((d: any) => `Product/${d.attributes.ProductId}`);
      for (const p of products) expect(included.has(p)).toBe(true);
      expect(included.has('Customer/ALFKI')).toBe(true);
      expect(r.body.included.length).toBe(included.size); // each resource once
    });

    it('does not repeat primary data in included', async () => {
      const r = await api.req('GET', q('/Employee?include=ReportsToRef,EmployeeList&page[limit]=100'));
      const primary = new Set(r.body.data.map((e: any) => e.id));
      expect(r.body.included ?? []).toEqual([]);
      expect(primary.size).toBe(9);
    });
  });

  describe('related resources and relationships', () => {
    it('GET /Order/10643/Customer is the customer; /Customer/ALFKI/OrderList is a collection', async () => {
      expect((await api.req('GET', '/Order/10643/Customer')).body.data).toMatchObject({ type: 'Customer', id: 'ALFKI' });
      const list = await api.req('GET', q('/Customer/ALFKI/OrderList?sort=-Id&page[limit]=2'));
      expect(list.body.meta.count).toBe(6);
      expect(list.body.data.map((o: any) => o.id)).toEqual(['11011', '10952']);
    });

    it('GET /Customer/ALFKI/relationships/OrderList is linkage', async () => {
      const r = await api.req('GET', '/Customer/ALFKI/relationships/OrderList');
      expect(r.body.data).toHaveLength(6);
      expect(r.body.data[0]).toEqual({ type: 'Order', id: expect.any(String) });
      expect(r.body.links.related).toMatch(/\/Customer\/ALFKI\/OrderList$/);
      expect((await api.req('GET', '/Order/10643/relationships/Customer')).body.data).toEqual({ type: 'Customer', id: 'ALFKI' });
    });

    it('names relationships after the parent, or the column when a table points to itself', async () => {
      const e = await api.req('GET', '/Employee/5');
      expect(Object.keys(e.body.data.relationships).sort()).toEqual(['EmployeeAuditList', 'EmployeeList', 'OrderList', 'ReportsToRef']);
      expect(e.body.data.relationships.ReportsToRef.data).toEqual({ type: 'Employee', id: '2' });
    });
  });

  describe('single resources', () => {
    it('carry an ETag equal to meta.checksum, and answer 304 to If-None-Match', async () => {
      const r = await api.req('GET', '/Customer/ALFKI');
      expect(r.headers.get('etag')).toBe(`"${r.body.data.meta.checksum}"`);
      const again = await api.req('GET', '/Customer/ALFKI', { headers: { 'If-None-Match': r.headers.get('etag')! } });
      expect(again.status).toBe(304);
    });

    it('404 for a missing or malformed id', async () => {
      for (const path of ['/Customer/NOPE', '/Order/99999', '/Order/abc']) {
        const r = await api.req('GET', path);
        expect(r.status, path).toBe(404);
        expect(r.body.errors[0]).toMatchObject({ status: '404', code: 'not-found' });
      }
    });
  });

  describe('OpenAPI and docs', () => {
    it('serves an OpenAPI 3.1 document of every table, and docs with local assets', async () => {
      const doc = (await (await fetch(`${api.base}/openapi.json`)).json()) as any;
      expect(doc.openapi).toBe('3.1.0');
      // paths are absolute, from the origin: a client joins them to the server URL as they are
      expect(doc.servers).toEqual([{ url: api.base.replace(/\/api$/, '') }]);
      for (const t of ['Customer', 'Order', 'OrderDetail', 'Product', 'Employee']) expect(doc.paths[`/api/${t}`]).toBeDefined();
      expect(doc.paths['/api/Order/{id}'].patch).toBeDefined();
      expect(doc.paths['/api/auth/login'].post).toBeDefined(); // Northwind's security is on
      expect(doc.paths['/api/operations'].post).toBeDefined();
      expect(doc.components.schemas.Customer.properties.attributes.properties.Balance).toMatchObject({ type: 'number' });
      const page = await fetch(`${api.base}/docs`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).not.toMatch(/https?:\/\/(?!127\.)/); // no CDN
      for (const asset of html.match(/\/api\/docs\/assets\/[\w.-]+/g)!)
        expect((await fetch(`${api.base.replace(/\/api$/, '')}${asset}`)).status, asset).toBe(200);
    });
  });
});
