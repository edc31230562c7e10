/** The Tables pane's reads: counts, pages, sort, filter, a row's detail — on a read-only connection. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultColumnOrder, defaultDisplay, loadAdminConfig, resolveAdmin } from '../../src/tui/tables/admin-config.js';
import { FilterError, TableSource } from '../../src/tui/tables/source.js';
import { readProject } from '../../src/project/load.js';
import { freshNorthwind } from '../helpers/northwind.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

let nw: Awaited<ReturnType<typeof freshNorthwind>>;
let source: TableSource;
beforeAll(async () => {
  nw = await freshNorthwind();
  source = new TableSource(nw.file);
});
afterAll(() => {
  source?.close();
  nw?.dispose();
});

describe('admin config', () => {
  it('names rows by a name-like column, else by the key', () => {
    const t = (name: string) => nw.store.schema.tables.get(name)!;
    expect(defaultDisplay(t('Product'))).toEqual(['ProductName']);
    expect(defaultDisplay(t('Customer'))).toEqual(['CompanyName']);
    expect(defaultDisplay(t('Category'))).toEqual(['CategoryName']);
    expect(defaultDisplay(t('Employee'))).toEqual(['FirstName', 'LastName']);
    expect(defaultDisplay(t('Order'))).toEqual(['Id']);
  });

  it('puts the key first, then the display column, long text last', () => {
    const t = nw.store.schema.tables.get('Category')!;
    expect(defaultColumnOrder(t, ['CategoryName'])).toEqual(['Id', 'CategoryName', 'Description']);
    const e = nw.store.schema.tables.get('Employee')!;
    const order = defaultColumnOrder(e, ['FirstName', 'LastName']);
    expect(order.slice(0, 3)).toEqual(['Id', 'FirstName', 'LastName']);
    expect(order.at(-1)).toBe('Notes');
  });

  it('applies a project override and names what it gets wrong', () => {
    const { views, warnings } = resolveAdmin(nw.store.schema, {
      tables: {
        Order: { columns: ['Id', 'ShipName', 'AmountTotal'], display: 'ShipName', hidden: ['Ready'] },
        Nope: {},
        Product: { display: 'Nmae' },
      },
    });
    expect(views.get('Order')!.columns.slice(0, 3)).toEqual(['Id', 'ShipName', 'AmountTotal']);
    expect(views.get('Order')!.columns).not.toContain('Ready');
    expect(views.get('Order')!.display).toEqual(['ShipName']);
    expect(views.get('Product')!.display).toEqual(['ProductName']); // the bad override falls back
    expect(warnings).toEqual([
      'admin.ts: there is no table Nope',
      'admin.ts: Product.display names Nmae, which is not a column of Product',
    ]);
  });

  it("loads a project's admin.ts", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alsx-admin-'));
    try {
      writeFileSync(join(dir, 'alsx.config.ts'), 'export default { name: "t" };');
      writeFileSync(join(dir, 'admin.ts'), 'export default { tables: { Order: { display: "ShipName" } } };');
      const project = await readProject(dir);
      expect(await loadAdminConfig(project)).toEqual({ tables: { Order: { display: 'ShipName' } } });
      writeFileSync(join(dir, 'other.ts'), 'export default { tables: 3 };');
      await expect(loadAdminConfig(project, 'other.ts')).rejects.toThrow(/other.ts must `export default/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tables and pages', () => {
  it('lists every table with its row count', () => {
    const counts = Object.fromEntries(source.tables().map((t) => [t.name, t.rows]));
    expect(counts).toMatchObject({ Customer: 47, Order: 830, OrderDetail: 2480, Product: 77, Category: 8 });
  });

  it('pages in key order', () => {
    const first = source.page({ table: 'Customer', offset: 0, limit: 3 });
    expect(first.total).toBe(47);
    expect(first.rows.map((r) => r.Id)).toEqual(['ALFKI', 'ANATR', 'ANTON']);
    const last = source.page({ table: 'Customer', offset: 45, limit: 10 });
    expect(last.rows).toHaveLength(2);
  });

  it('sorts by a column both ways, the key breaking ties', () => {
    const asc = source.page({ table: 'Product', sort: { column: 'UnitPrice', dir: 'asc' }, offset: 0, limit: 77 });
    const prices = asc.rows.map((r) => r.UnitPrice as number);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const desc = source.page({ table: 'Product', sort: { column: 'UnitPrice', dir: 'desc' }, offset: 0, limit: 1 });
    expect(desc.rows[0]!.ProductName).toBe('Côte de Blaye');
    // pages of a sorted table join up without gaps or repeats
    const paged = [0, 20, 40, 60].flatMap((o) =>
      source.page({ table: 'Product', sort: { column: 'CategoryId', dir: 'asc' }, offset: o, limit: 20 }).rows.map((r) => r.Id),
    );
    expect(new Set(paged).size).toBe(77);
  });

  it('filters by equality, comparison and contains, terms combined', () => {
    expect(source.count('Customer', 'Country=Germany')).toBe(6);
    expect(source.count('Customer', 'country=germany')).toBe(6); // people do not type capitals
    expect(source.page({ table: 'Customer', filter: 'CompanyName~fut', offset: 0, limit: 10 }).rows.map((r) => r.Id)).toEqual(['ALFKI']);
    const big = source.page({ table: 'Order', filter: 'AmountTotal>5000 ShipCountry=Germany', offset: 0, limit: 100 });
    expect(big.total).toBeGreaterThan(0);
    for (const r of big.rows) {
      expect(r.AmountTotal as number).toBeGreaterThan(5000);
      expect(r.ShipCountry).toBe('Germany');
    }
    expect(source.count('Customer', 'Region=null')).toBe(source.count('Customer') - source.count('Customer', 'Region!=null'));
    expect(source.count('Customer', 'City="México D.F."')).toBe(3); // quotes keep the space
    expect(source.count('Customer', 'futterkiste')).toBe(1); // a bare word: any text column
  });

  it('names an unknown column, and a value of the wrong type', () => {
    expect(() => source.count('Customer', 'Contry=Germany')).toThrow(FilterError);
    expect(() => source.count('Customer', 'Contry=Germany')).toThrow('Customer has no column "Contry" — did you mean Country?');
    expect(() => source.count('Order', 'AmountTotal>lots')).toThrow('AmountTotal takes a number, not "lots"');
  });

  it('takes SQL in a filter value as text, and SQL in a column name as an unknown column', () => {
    const before = source.count('Customer');
    expect(source.count('Customer', `CompanyName="x' OR '1'='1"`)).toBe(0);
    expect(source.count('Customer', `Id=ALFKI';DROP TABLE Customer;--`)).toBe(0);
    expect(source.count('Customer', 'CompanyName~%')).toBe(0); // % is a character, not a wildcard
    expect(() => source.count('Customer', `Id"=1 OR 1=1 --=x`)).toThrow(FilterError);
    expect(source.count('Customer')).toBe(before);
  });

  it('filters to a child list', () => {
    const orders = source.page({ table: 'Order', where: { CustomerId: 'ALFKI' }, offset: 0, limit: 50 });
    expect(orders.total).toBe(6);
    expect(orders.rows.every((r) => r.CustomerId === 'ALFKI')).toBe(true);
    expect(() => source.page({ table: 'Order', where: { Nope: 1 }, offset: 0, limit: 5 })).toThrow(FilterError);
  });
});

describe("a row's detail", () => {
  it('names each parent and counts each child list', () => {
    const item = sqliteDb(nw).prepare('SELECT Id FROM OrderDetail WHERE ProductId = 2 LIMIT 1').get() as { Id: number };
    const d = source.detail('OrderDetail', { Id: item.Id })!;
    const product = d.fields.find((f) => f.column === 'ProductId')!;
    expect(product.text).toBe('2');
    expect(product.parent).toMatchObject({ table: 'Product', role: 'Product', key: { Id: 2 }, display: 'Chang' });
    const order = d.fields.find((f) => f.column === 'OrderId')!;
    expect(order.parent).toMatchObject({ table: 'Order', display: null }); // an order is named by its key
    expect(d.children).toEqual([]);
  });

  it("lists ALFKI's orders", () => {
    const d = source.detail('Customer', { Id: 'ALFKI' })!;
    expect(d.title).toBe('Customer ALFKI · Alfreds Futterkiste');
    expect(d.children).toEqual([{ name: 'OrderList', table: 'Order', where: { CustomerId: 'ALFKI' }, count: 6 }]);
    expect(d.fields[0]).toMatchObject({ column: 'Id', text: 'ALFKI' });
    expect(d.fields.find((f) => f.column === 'Balance')!.text).toBe('2102.00');
  });

  it('names relationships as the API does, a self-reference included', () => {
    const d = source.detail('Order', { Id: 10643 })!;
    expect(d.children.map((c) => `${c.name} (${c.count})`).sort()).toEqual(['OrderDetailList (3)', 'OrderList (0)']);
    expect(d.fields.find((f) => f.column === 'CustomerId')!.parent).toMatchObject({ role: 'Customer', display: 'Alfreds Futterkiste' });
    const cloned = source.parentOf(source.table('Order').parents.find((p) => p.parentTable === 'Order')!, { CloneFromOrder: 10643 });
    expect(cloned).toMatchObject({ role: 'CloneFromOrderRef', table: 'Order', key: { Id: 10643 }, missing: false });
    expect(d.fields.find((f) => f.column === 'EmployeeId')!.parent!.display).toMatch(/\w+ \w+/);
  });
});

describe('other processes write', () => {
  it('sees their commits: counts are re-read when data_version changes', () => {
    expect(source.count('Order', '', { CustomerId: 'ALFKI' })).toBe(6);
    const out = nw.engine.run([{ insert: 'Order', values: { CustomerId: 'ALFKI', EmployeeId: 5 } }], { origin: 'test' });
    expect(out.ok).toBe(true);
    expect(source.changed()).toBe(true);
    expect(source.count('Order', '', { CustomerId: 'ALFKI' })).toBe(7);
    expect(source.changed()).toBe(false);
  });
});

describe('100 000 rows', () => {
  let dir: string;
  let big: TableSource;
  const N = 100_000;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'alsx-big-'));
    const file = join(dir, 'big.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE Item (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL, Amount DECIMAL(10,2), City TEXT)');
    const insert = db.prepare('INSERT INTO Item (Id, Name, Amount, City) VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      // Name is a permutation of the ids (7919 is prime to 100 000), so every sort position is known
      for (let i = 1; i <= N; i++)
        insert.run(i, `item ${String((i * 7919) % N).padStart(6, '0')}`, (i % 1000) / 4, ['Berlin', 'Paris', 'Rome', 'Oslo'][i % 4]);
    })();
    db.close();
    big = new TableSource(file);
  });
  afterAll(() => {
    big?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pages at any depth in key order', () => {
    const p = big.page({ table: 'Item', offset: 99_990, limit: 20 });
    expect(p.total).toBe(N);
    expect(p.rows.map((r) => r.Id)).toEqual(Array.from({ length: 10 }, (_, i) => 99_991 + i));
  });

  it('pages deep into an unindexed sort, both ways, and again from the cached order', () => {
    const asc = big.page({ table: 'Item', sort: { column: 'Name', dir: 'asc' }, offset: 50_000, limit: 3 });
    expect(asc.rows.map((r) => r.Name)).toEqual(['item 050000', 'item 050001', 'item 050002']);
    const desc = big.page({ table: 'Item', sort: { column: 'Name', dir: 'desc' }, offset: 0, limit: 2 });
    expect(desc.rows.map((r) => r.Name)).toEqual(['item 099999', 'item 099998']);
    for (let o = 0; o < N; o += 9_973) {
      const p = big.page({ table: 'Item', sort: { column: 'Name', dir: 'asc' }, offset: o, limit: 1 });
      expect(p.rows[0]!.Name).toBe(`item ${String(o).padStart(6, '0')}`);
    }
  });

  it('filters and counts', () => {
    const p = big.page({ table: 'Item', filter: 'City=Rome Amount>=249', sort: { column: 'Amount', dir: 'desc' }, offset: 0, limit: 5 });
    expect(p.total).toBe(big.count('Item', 'City=Rome Amount>=249'));
    expect(p.rows.every((r) => r.City === 'Rome' && (r.Amount as number) >= 249)).toBe(true);
  });
});
