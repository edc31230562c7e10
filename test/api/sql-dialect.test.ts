/**
 * The JSON:API's SQL in both dialects: every value a numbered parameter in the order the text uses
 * it (PostgreSQL's $n), and the forms that differ — a null-safe `ne`, a case-insensitive `like`, an
 * empty `in` list, an empty filter — spelled as each database needs. On SQLite the query is run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/api/jsonapi/model.js';
import { parseQuery } from '../../src/api/jsonapi/query.js';
import { countRows, selectRows } from '../../src/api/jsonapi/sql.js';
import { postgresDialect, sqliteDialect } from '../../src/store/dialect.js';
import { freshNorthwind } from '../helpers/northwind.js';

let nw: Awaited<ReturnType<typeof freshNorthwind>>;
beforeAll(async () => {
  nw = await freshNorthwind();
});
afterAll(() => nw.dispose());

const query = (search: string) => {
  const model = buildModel(nw.store.schema);
  const type = model.types.get('Order')!;
  const q = parseQuery(new URLSearchParams(search), type, model, { collection: true, readable: () => null });
  return { type, q, model };
};

const SEARCH =
  'filter[ShipRegion][ne]=RJ&filter[Customer.CompanyName][like]=%25al%25&filter[EmployeeId][in]=1,5,9&sort=-OrderDate&page[offset]=5&page[limit]=7';

describe('the JSON:API SQL per dialect', () => {
  it('numbers PostgreSQL parameters in the order the text uses them, one per value', () => {
    const { type, q } = query(SEARCH);
    const keys = { columns: ['Id'], tuples: [[10248], [10249]] };
    for (const build of [selectRows, countRows]) {
      const pg = build(type, { dialect: postgresDialect, filters: q.filters, sort: q.sort, page: q.page, keys });
      const numbers = [...pg.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
      expect(numbers).toEqual(pg.params.map((_, i) => i + 1));
      const lite = build(type, { dialect: sqliteDialect, filters: q.filters, sort: q.sort, page: q.page, keys });
      expect(lite.params).toEqual(pg.params);
      expect((lite.sql.match(/\?/g) ?? []).length).toBe(lite.params.length);
    }
  });

  it('spells the forms that differ as each database needs', () => {
    const { type, q } = query(SEARCH);
    const pg = selectRows(type, { dialect: postgresDialect, filters: q.filters });
    expect(pg.sql).toMatch(/"ShipRegion" IS DISTINCT FROM \$\d/);
    expect(pg.sql).toMatch(/"CompanyName"::text ILIKE \$\d/);
    const lite = selectRows(type, { dialect: sqliteDialect, filters: q.filters });
    expect(lite.sql).toMatch(/"ShipRegion" IS NOT \?/);
    expect(lite.sql).toMatch(/"CompanyName" LIKE \?/);
    const none = { columns: ['Id'], tuples: [] };
    expect(selectRows(type, { dialect: postgresDialect, filters: [false], keys: none }).sql).toMatch(/WHERE FALSE AND FALSE$/);
  });

  it('on SQLite, `ne` keeps rows whose value is null and `like` ignores case', () => {
    const run = (search: string) => {
      const { type, q } = query(search);
      const s = selectRows(type, { dialect: sqliteDialect, filters: q.filters });
      return nw.store.all(s.sql, s.params);
    };
    const all = run('');
    const withoutRJ = all.filter((o) => o.ShipRegion !== 'RJ');
    expect(withoutRJ.some((o) => o.ShipRegion === null)).toBe(true);
    expect(run('filter[ShipRegion][ne]=RJ')).toHaveLength(withoutRJ.length);
    expect(run('filter[ShipCity][like]=%25BERLIN%25').length).toBeGreaterThan(0);
    expect(run('filter[ShipCity][like]=%25BERLIN%25')).toEqual(run('filter[ShipCity][like]=%25berlin%25'));
  });
});
