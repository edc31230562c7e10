/**
 * The Tables pane's reads: counts, pages, sort, filter, a row's detail, row security, others' commits
 * — on a read-only connection, the same expectations on SQLite and on PostgreSQL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultColumnOrder, defaultDisplay, loadAdminConfig, resolveAdmin } from '../../src/tui/tables/admin-config.js';
import { FilterError, TableSource } from '../../src/tui/tables/source.js';
import { rowSecurity } from '../../src/tui/tables/row-security.js';
import { Session } from '../../src/tui/session.js';
import { openProject, readProject, type OpenProject } from '../../src/project/load.js';
import { PgSyncReader } from '../../src/store/pg-sync-reader.js';
import { freshNorthwind, NORTHWIND } from '../helpers/northwind.js';
import { createPgDatabase, pgTestDatabase, type PgTestDatabase } from '../helpers/postgres.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

let nw: Awaited<ReturnType<typeof freshNorthwind>>;
beforeAll(async () => {
  nw = await freshNorthwind();
});
afterAll(() => nw?.dispose());

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

/** what the shared expectations need of one database */
interface Under {
  /** Northwind opened on it: its engine writes as the API's does */
  project: OpenProject;
  /** a Tables pane's source on Northwind */
  source: TableSource;
  /** a statement on a connection that is not alsx's (psql, another application) */
  writeElsewhere(sql: string): Promise<void>;
  /** a source on `Item` (100 000 rows), the view `RomeItem` and the keyless table `Log` */
  big(): Promise<{ source: TableSource; dispose(): Promise<void> }>;
  dispose(): Promise<void>;
}

const N = 100_000;

/**
 * Item's Name is a permutation of the ids (7919 is prime to 100 000), so every sort position is known;
 * `pad` zero-pads an integer expression to six digits in the database's SQL
 */
const bigSql = (pad: (x: string) => string) => `
  CREATE TABLE "Item" ("Id" INTEGER PRIMARY KEY, "Name" TEXT NOT NULL, "Amount" DECIMAL(10,2), "City" TEXT);
  INSERT INTO "Item" ("Id", "Name", "Amount", "City")
    WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${N})
    SELECT i, 'item ' || ${pad(`(i * 7919) % ${N}`)}, (i % 1000) / 4.0,
           CASE i % 4 WHEN 0 THEN 'Berlin' WHEN 1 THEN 'Paris' WHEN 2 THEN 'Rome' ELSE 'Oslo' END
      FROM s;
  CREATE VIEW "RomeItem" AS SELECT "Name", "City" FROM "Item" WHERE "City" = 'Rome';
  CREATE TABLE "Log" ("At" INTEGER, "Note" TEXT);
  INSERT INTO "Log" ("At", "Note")
    WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000)
    SELECT i % 10, 'note ' || i FROM s;
`;

function tableSourceSuite(setup: () => Promise<Under>): void {
  let under: Under;
  let source: TableSource;
  beforeAll(async () => {
    under = await setup();
    source = under.source;
  });
  afterAll(() => under?.dispose());

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
      // rows without a value come first going up, last going down
      const regions = source.page({ table: 'Customer', sort: { column: 'Region', dir: 'asc' }, offset: 0, limit: 47 }).rows;
      expect(regions[0]!.Region).toBeNull();
      expect(regions.at(-1)!.Region).not.toBeNull();
      const down = source.page({ table: 'Customer', sort: { column: 'Region', dir: 'desc' }, offset: 0, limit: 47 }).rows;
      expect(down.at(-1)!.Region).toBeNull();
    });

    it("finds a row's place in a sorted and in a key-ordered list", () => {
      const top = source.page({ table: 'Product', sort: { column: 'UnitPrice', dir: 'desc' }, offset: 0, limit: 3 }).rows;
      expect(source.positionOf({ table: 'Product', sort: { column: 'UnitPrice', dir: 'desc' } }, { Id: top[2]!.Id! })).toBe(2);
      expect(source.positionOf({ table: 'Customer' }, { Id: 'ANTON' })).toBe(2);
      expect(source.positionOf({ table: 'Customer', filter: 'Country=Germany' }, { Id: 'ANTON' })).toBeUndefined();
    });

    it('filters by equality, comparison and contains, terms combined', () => {
      expect(source.count('Customer', 'Country=Germany')).toBe(6);
      expect(source.count('Customer', 'country=germany')).toBe(6); // people do not type capitals
      expect(source.page({ table: 'Customer', filter: 'CompanyName~fut', offset: 0, limit: 10 }).rows.map((r) => r.Id)).toEqual(['ALFKI']);
      expect(source.count('Customer', 'CompanyName~FUT')).toBe(1);
      expect(source.count('Customer', 'CompanyName!~fut')).toBe(46);
      const big = source.page({ table: 'Order', filter: 'AmountTotal>5000 ShipCountry=Germany', offset: 0, limit: 100 });
      expect(big.total).toBeGreaterThan(0);
      for (const r of big.rows) {
        expect(r.AmountTotal as number).toBeGreaterThan(5000);
        expect(r.ShipCountry).toBe('Germany');
      }
      expect(source.count('Customer', 'Region=null')).toBe(source.count('Customer') - source.count('Customer', 'Region!=null'));
      expect(source.count('Customer', 'Region=null')).toBeGreaterThan(0);
      expect(source.count('Customer', 'City="México D.F."')).toBe(3); // quotes keep the space
      expect(source.count('Customer', 'futterkiste')).toBe(1); // a bare word: any text column
      expect(source.count('Order', 'Id~1064')).toBe(11); // contains on a number: its digits (10640–10649, 11064)
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
      const sorted = source.page({
        table: 'Order',
        where: { CustomerId: 'ALFKI' },
        sort: { column: 'AmountTotal', dir: 'desc' },
        offset: 0,
        limit: 50,
      });
      expect(sorted.total).toBe(6);
      const amounts = sorted.rows.map((r) => r.AmountTotal as number);
      expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
      expect(() => source.page({ table: 'Order', where: { Nope: 1 }, offset: 0, limit: 5 })).toThrow(FilterError);
    });
  });

  describe("a row's detail", () => {
    it('names each parent and counts each child list', () => {
      const item = under.project.store.all('SELECT "Id" FROM "OrderDetail" WHERE "ProductId" = 2 ORDER BY "Id" LIMIT 1')[0]!;
      const d = source.detail('OrderDetail', { Id: item.Id! })!;
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

  describe('as a user sees it (:login ALFKI): the API’s row security', () => {
    let alfki: TableSource;
    beforeAll(async () => {
      const session = await Session.open(under.project);
      await session.loginAs('ALFKI');
      alfki = await TableSource.forProject(under.project, { schema: under.project.store.schema });
      alfki.viewAs(rowSecurity(session.scope()!));
    });
    afterAll(() => alfki?.close());

    it('counts, pages and details only the rows ALFKI may read', () => {
      const orders = Number(under.project.store.all(`SELECT count(*) AS n FROM "Order" WHERE "CustomerId" = 'ALFKI'`)[0]!.n);
      expect(alfki.count('Customer')).toBe(1);
      expect(alfki.count('Order')).toBe(orders);
      expect(alfki.count('Product')).toBe(77);
      expect(alfki.count('EmployeeAudit')).toBe(0); // not granted: no rows at all
      expect(alfki.count('Customer', 'Id=ANATR')).toBe(0); // a filter cannot reach another customer's rows
      const sorted = alfki.page({ table: 'Order', sort: { column: 'AmountTotal', dir: 'desc' }, offset: 0, limit: 100 });
      expect(sorted.total).toBe(orders);
      expect(sorted.rows.every((r) => r.CustomerId === 'ALFKI')).toBe(true);
      const anatrOrder = under.project.store.all(`SELECT "Id" FROM "Order" WHERE "CustomerId" = 'ANATR' ORDER BY "Id" LIMIT 1`)[0]!.Id!;
      expect(alfki.detail('Order', { Id: anatrOrder })).toBeUndefined();
      expect(alfki.detail('Customer', { Id: 'ALFKI' })!.children[0]!.count).toBe(orders);
    });
  });

  describe('other processes write', () => {
    it('sees their commits: counts are re-read when the change mark moves', () => {
      expect(source.count('Order', '', { CustomerId: 'ALFKI' })).toBe(6);
      const out = under.project.engine.run([{ insert: 'Order', values: { CustomerId: 'ALFKI', EmployeeId: 5 } }], { origin: 'test' });
      expect(out.ok).toBe(true);
      expect(source.changed()).toBe(true);
      expect(source.count('Order', '', { CustomerId: 'ALFKI' })).toBe(7);
      // SQLite's data_version is the file's own; PostgreSQL's WAL position moves with any write on the server
      if (source.dialect.name === 'sqlite') expect(source.changed()).toBe(false);
    });

    it('sees a write by another application, and a sorted list follows it', async () => {
      const sort = { column: 'ContactName', dir: 'asc' } as const;
      expect(source.page({ table: 'Customer', sort, offset: 0, limit: 1 }).rows[0]!.Id).not.toBe('WOLZA');
      await under.writeElsewhere(`UPDATE "Customer" SET "ContactName" = 'Aaron Aardvark' WHERE "Id" = 'WOLZA'`);
      expect(source.changed()).toBe(true);
      expect(source.page({ table: 'Customer', sort, offset: 0, limit: 1 }).rows[0]!.Id).toBe('WOLZA');
      expect(source.count('Customer', 'ContactName~aardvark')).toBe(1);
    });
  });

  describe('100 000 rows', () => {
    let big: Awaited<ReturnType<Under['big']>>;
    beforeAll(async () => {
      big = await under.big();
    });
    afterAll(() => big?.dispose());

    it('pages at any depth in key order', () => {
      const p = big.source.page({ table: 'Item', offset: 99_990, limit: 20 });
      expect(p.total).toBe(N);
      expect(p.rows.map((r) => r.Id)).toEqual(Array.from({ length: 10 }, (_, i) => 99_991 + i));
    });

    it('pages deep into an unindexed sort, both ways, and again from the cached order', () => {
      const s = big.source;
      const asc = s.page({ table: 'Item', sort: { column: 'Name', dir: 'asc' }, offset: 50_000, limit: 3 });
      expect(asc.rows.map((r) => r.Name)).toEqual(['item 050000', 'item 050001', 'item 050002']);
      expect(asc.total).toBe(N);
      const desc = s.page({ table: 'Item', sort: { column: 'Name', dir: 'desc' }, offset: 0, limit: 2 });
      expect(desc.rows.map((r) => r.Name)).toEqual(['item 099999', 'item 099998']);
      for (let o = 0; o < N; o += 9_973) {
        const p = s.page({ table: 'Item', sort: { column: 'Name', dir: 'asc' }, offset: o, limit: 1 });
        expect(p.rows[0]!.Name).toBe(`item ${String(o).padStart(6, '0')}`);
      }
    });

    it('filters and counts', () => {
      const s = big.source;
      const p = s.page({ table: 'Item', filter: 'City=Rome Amount>=249', sort: { column: 'Amount', dir: 'desc' }, offset: 0, limit: 5 });
      expect(p.total).toBe(s.count('Item', 'City=Rome Amount>=249'));
      expect(p.total).toBeGreaterThan(0);
      expect(p.rows.every((r) => r.City === 'Rome' && (r.Amount as number) >= 249)).toBe(true);
    });

    it('pages a view and a table without a key with LIMIT/OFFSET, sorted', () => {
      const s = big.source;
      // Rome's names are those ≡ 2 (mod 4): the j-th is 4j + 2
      const view = s.page({ table: 'RomeItem', sort: { column: 'Name', dir: 'asc' }, offset: 10_000, limit: 2 });
      expect(view.total).toBe(N / 4);
      expect(view.rows.map((r) => r.Name)).toEqual(['item 040002', 'item 040006']);
      const log = [0, 300, 600, 900].flatMap((o) =>
        s.page({ table: 'Log', sort: { column: 'At', dir: 'desc' }, offset: o, limit: 300 }).rows.map((r) => `${r.At} ${r.Note}`),
      );
      expect(log).toHaveLength(1000);
      expect(new Set(log).size).toBe(1000); // pages join up: no repeats, no gaps
      expect(log[0]).toMatch(/^9 /);
    });
  });
}

describe('on SQLite', () => {
  tableSourceSuite(async () => {
    const db = await freshNorthwind();
    return {
      project: db,
      source: new TableSource(db.file),
      writeElsewhere: async (sql) => void sqliteDb(db).exec(sql), // the engine's connection, not the source's
      big: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'alsx-big-'));
        const file = join(dir, 'big.sqlite');
        const writer = new Database(file);
        writer.pragma('journal_mode = WAL');
        writer.exec(bigSql((x) => `substr('000000' || (${x}), -6)`));
        writer.close();
        const source = new TableSource(file);
        return {
          source,
          dispose: async () => {
            source.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
      dispose: async () => {
        db.dispose();
      },
    };
  });
});

describe('on PostgreSQL', () => {
  const pg = pgTestDatabase({ files: [join(NORTHWIND, 'db/postgres/schema.sql'), join(NORTHWIND, 'db/postgres/seed.sql')] });
  tableSourceSuite(async () => {
    const project = await openProject(NORTHWIND, { db: pg.url, clock: () => new Date('2026-01-15T10:00:00Z') });
    // introspected by the reader itself, as `alsx open` does not (it hands over the project's schema)
    const reader = await PgSyncReader.open(pg.url);
    return {
      project,
      source: new TableSource(reader, { ownsReader: true }),
      writeElsewhere: (sql) => pg.exec(sql),
      big: async () => {
        let db: PgTestDatabase | undefined = await createPgDatabase();
        try {
          await db.exec(bigSql((x) => `lpad((${x})::text, 6, '0')`));
          const source = new TableSource(await PgSyncReader.open(db.url), { ownsReader: true });
          const made = db;
          db = undefined;
          return {
            source,
            dispose: async () => {
              source.close();
              await made.drop();
            },
          };
        } finally {
          await db?.drop();
        }
      },
      dispose: async () => {
        project.close();
      },
    };
  });

  it('refuses to write, whatever it is given', async () => {
    const reader = await PgSyncReader.open(pg.url);
    try {
      expect(() => reader.all(`UPDATE "Customer" SET "Balance" = 0 WHERE "Id" = ?`, ['ALFKI'])).toThrow(/read-only transaction/);
    } finally {
      reader.close();
    }
  });
});
