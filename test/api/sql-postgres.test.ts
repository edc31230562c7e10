/**
 * The JSON:API's SQL on PostgreSQL gives what it gives on SQLite: the same rows in the same order and
 * the same counts (numbers, not bigint text) for the forms that differ between the two — `ne` with
 * nulls, case-insensitive `like`, `in` lists, an empty key list, sorts and pages, filters across
 * relationships, a customer's row security joined in — run on Northwind in both databases.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/api/jsonapi/model.js';
import { parseQuery } from '../../src/api/jsonapi/query.js';
import { Scope } from '../../src/api/jsonapi/scope.js';
import { countRows, selectRows } from '../../src/api/jsonapi/sql.js';
import { loadSecurity } from '../../src/api/security/auth.js';
import { postgresDialect, sqliteDialect } from '../../src/store/dialect.js';
import { PgReads } from '../../src/store/pg-reads.js';
import { freshNorthwind, NORTHWIND } from '../helpers/northwind.js';
import { pgTestDatabase } from '../helpers/postgres.js';

const PG_DIR = join(NORTHWIND, 'db/postgres');
const pg = pgTestDatabase({ files: [join(PG_DIR, 'schema.sql'), join(PG_DIR, 'seed.sql')] });
let nw: Awaited<ReturnType<typeof freshNorthwind>>;
beforeAll(async () => {
  nw = await freshNorthwind();
});
afterAll(() => nw.dispose());

const QUERIES: [string, string][] = [
  ['Order', 'filter[ShipRegion][ne]=RJ&sort=Id'],
  ['Order', 'filter[ShipRegion][isnull]=&sort=-Freight&page[limit]=20'],
  ['Customer', 'filter[CompanyName][like]=%25FUT%25'],
  ['Customer', 'filter[Country][in]=Germany,France,Brazil&sort=Country,-CompanyName'],
  ['Order', 'filter[Customer.Country]=Germany&filter[Freight][gt]=50&sort=OrderDate&page[offset]=3&page[limit]=7'],
  ['OrderDetail', 'filter[Order.Customer.CompanyName][like]=%25alfreds%25&sort=Id'],
  ['Product', 'filter[Discontinued]=1&sort=ProductName'],
  ['Employee', 'sort=-HireDate,LastName'],
];

const same = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(Object.entries(r).sort()));

describe('the JSON:API SQL on PostgreSQL and SQLite', () => {
  for (const [table, search] of QUERIES) {
    it(`${table}?${decodeURIComponent(search)}: the same rows, in order, and the same count`, async () => {
      const model = buildModel(nw.store.schema);
      const type = model.types.get(table)!;
      const q = parseQuery(new URLSearchParams(search), type, model, { collection: true, readable: () => null });
      const reads = new PgReads(pg.pool);
      for (const build of [selectRows, countRows]) {
        const options = { filters: q.filters, sort: q.sort, page: build === selectRows ? q.page : undefined };
        const lite = build(type, { dialect: sqliteDialect, ...options });
        const post = build(type, { dialect: postgresDialect, ...options });
        const expected = nw.store.all(lite.sql, lite.params);
        const actual = await reads.instant.read(post.sql, post.params);
        expect(actual.length).toBe(expected.length);
        expect(Number(expected[0]?.n ?? expected.length), 'a query that finds nothing proves little').toBeGreaterThan(0);
        expect(same(actual)).toEqual(same(expected));
      }
    });
  }

  it("a customer's row security joined in, and an empty key list, read the same in one snapshot", async () => {
    const security = await loadSecurity(nw);
    const model = buildModel(nw.store.schema);
    const alfki = new Scope(
      { project: nw, model, security },
      { name: 'ALFKI', roles: ['customer'], attributes: { CustomerId: 'ALFKI' } },
      '',
    );
    const reads = new PgReads(pg.pool);
    await reads.snapshot(async (reader) => {
      for (const name of ['Order', 'OrderDetail', 'Customer']) {
        const type = model.types.get(name)!;
        const filters = alfki.access(type, 'read');
        for (const keys of [undefined, { columns: type.table.primaryKey, tuples: [] }]) {
          const lite = selectRows(type, { dialect: sqliteDialect, filters, secure: alfki.secure, keys, sort: [] });
          const post = selectRows(type, { dialect: postgresDialect, filters, secure: alfki.secure, keys, sort: [] });
          const expected = nw.store.all(lite.sql, lite.params);
          expect(same(await reader.read(post.sql, post.params))).toEqual(same(expected));
          if (!keys) expect(expected.length).toBeGreaterThan(0);
        }
      }
    });
  });
});
