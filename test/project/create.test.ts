/**
 * `alsx create` on databases the tests build, one per thing real databases contain: awkward names,
 * composite and text keys, keyless tables, repeated and self references, views, odd declared types
 * and values of another type than declared. Each created project is opened as `alsx serve` opens
 * it: every table answers on the JSON:API (schema-checked) and is in the table browser. (Rules
 * added afterwards: test/cli/create.test.ts, in fresh processes as a user runs them.)
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { getTableName, is, Table } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, type CreateReport } from '../../src/project/create/create.js';
import { openProject, ProjectError } from '../../src/project/load.js';
import { TableSource } from '../../src/tui/tables/source.js';
import { loadAdminConfig } from '../../src/tui/tables/admin-config.js';
import { readScenario, scenarioFiles } from '../../src/scenarios/load.js';
import { identifierFor } from '../../src/project/create/names.js';
import { memberName } from '../../src/api/jsonapi/model.js';
import { everyCollection, serve, type ServedProject, typeCheck } from '../helpers/created-project.js';

// inside the repository, so the test runner resolves the projects' `drizzle-orm` imports
// (the CLI test creates them elsewhere on disk, as a user would)
const WORK = resolve(import.meta.dirname, `../../scratch/create-${process.pid}`);
beforeAll(() => mkdirSync(WORK, { recursive: true }));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

function database(name: string, sql: string): string {
  const file = join(WORK, `${name}.sqlite`);
  rmSync(file, { force: true });
  const db = new Database(file);
  db.exec(sql);
  db.close();
  return file;
}

const ODD = `
  CREATE TABLE "Department" (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL, Budget DECIMAL(10, 2) NOT NULL DEFAULT 0);
  CREATE TABLE "Employee" (Id INTEGER PRIMARY KEY, Name TEXT, ReportsTo INTEGER REFERENCES Employee(Id),
    WorksFor INTEGER REFERENCES Department(Id), OnLoan INTEGER REFERENCES Department(Id), Salary Decimal(10, 2));
  CREATE TABLE "Order" (Id INTEGER PRIMARY KEY AUTOINCREMENT, "Union" VARCHAR(8000), Ready BOOLEAN DEFAULT 0,
    CloneFromOrder INTEGER REFERENCES "Order"(Id));
  CREATE TABLE "Order Details" (OrderId INTEGER REFERENCES "Order"(Id) ON DELETE CASCADE, Line INTEGER, "Unit Price" DECIMAL(10,2),
    Qty INT, PRIMARY KEY (OrderId, Line));
  CREATE TABLE LineNote (Id INTEGER PRIMARY KEY, OrderId INTEGER, Line INTEGER, Note TEXT,
    FOREIGN KEY (OrderId, Line) REFERENCES "Order Details"(OrderId, Line) ON DELETE CASCADE);
  CREATE TABLE Territory (Code TEXT PRIMARY KEY, Description TEXT);
  CREATE TABLE EmployeeTerritory (EmployeeId INTEGER REFERENCES Employee(Id), TerritoryCode TEXT REFERENCES Territory(Code),
    PRIMARY KEY (EmployeeId, TerritoryCode));
  CREATE TABLE Log (At TEXT, Message TEXT, Level INTEGER);
  CREATE VIEW BigOrders AS SELECT OrderId, SUM(Qty) AS Total FROM "Order Details" GROUP BY OrderId;
  INSERT INTO Department VALUES (1, 'Sales', 0), (2, 'Ops', 0);
  INSERT INTO Employee VALUES (1, 'Ann', NULL, 1, 2, 100.5), (2, 'Bob', 1, 2, NULL, 90);
  INSERT INTO "Order" (Id, "Union", Ready, CloneFromOrder) VALUES (1, 'x', 1, NULL), (2, NULL, 'yes', 1);
  INSERT INTO "Order Details" VALUES (1, 1, 2.5, 5), (1, 2, 'n/a', 7), (2, 1, 1, 1);
  INSERT INTO LineNote VALUES (1, 1, 2, 'fragile');
  INSERT INTO Territory VALUES ('N', 'North');
  INSERT INTO EmployeeTerritory VALUES (1, 'N');
  INSERT INTO Log VALUES ('2026-01-01', 'hi', 'warn'), ('2026-01-02', 'x', 2);
`;

describe('a database with awkward names, keys and references', () => {
  let report: CreateReport;
  let dir: string;
  let api: ServedProject;
  beforeAll(async () => {
    dir = join(WORK, 'odd');
    report = await createProject({ db: database('odd', ODD), dir });
    api = await serve(dir);
  });
  afterAll(() => api?.close());

  it('writes the project: config, seed, models, rules, admin, smoke scenario', () => {
    for (const f of [
      'alsx.config.ts',
      'db/odd.sqlite',
      'models.ts',
      'logic/rules.ts',
      'admin.ts',
      'scenarios/smoke.yaml',
      'README.md',
      'tsconfig.json',
      '.gitignore',
    ]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    // inside alsx's folder its package.json applies (ES modules, `import 'alsx'` by name); elsewhere one is written
    expect(existsSync(join(dir, 'package.json'))).toBe(false);
    expect(readFileSync(join(dir, 'alsx.config.ts'), 'utf8')).toMatch(/db: \{ file: 'db\/odd\.sqlite' \}/);
    expect(existsSync(join(dir, 'security'))).toBe(false); // security off
  });

  it('reports each table: rows, key, how it is served, what it references', () => {
    const t = Object.fromEntries(report.tables.map((x) => [x.name, x]));
    expect(t['Order Details']).toMatchObject({
      model: 'OrderDetails',
      path: '/api/OrderDetails',
      key: ['OrderId', 'Line'],
      rows: 3,
      access: 'read-write',
    });
    expect(t.Territory).toMatchObject({ key: ['Code'], display: ['Description'] });
    expect(t.Log).toMatchObject({ key: [], access: 'read-only (no primary key)', rows: 2 });
    expect(t.BigOrders).toMatchObject({ kind: 'view', access: 'read-only (view)', rows: 2 });
    expect(t.Employee!.references).toEqual(['ReportsTo → Employee', 'WorksFor → Department', 'OnLoan → Department']);
    expect(report.loose.map((l) => `${l.table}.${l.column}: ${l.count} ${l.storedAs} ${JSON.stringify(l.example)}`)).toEqual([
      'Log.Level: 1 text "warn"',
      'Order.Ready: 1 text "yes"',
      'Order Details.Unit Price: 1 text "n/a"',
    ]);
  });

  it('generates a drizzle table per table and a view per view, named for TypeScript', async () => {
    const models = (await import(join(dir, 'models.ts'))) as Record<string, unknown>;
    const tables = Object.entries(models)
      .filter(([, v]) => is(v, Table))
      .map(([k, v]) => [k, getTableName(v as Table)]);
    expect(Object.fromEntries(tables)).toEqual({
      Department: 'Department',
      Employee: 'Employee',
      Order: 'Order',
      OrderDetails: 'Order Details',
      Territory: 'Territory',
      EmployeeTerritory: 'EmployeeTerritory',
      Log: 'Log',
      LineNote: 'LineNote',
    });
    expect(models.BigOrders).toBeDefined();
    const text = readFileSync(join(dir, 'models.ts'), 'utf8');
    expect(text).toContain(`Union: text('Union', { length: 8000 }), // VARCHAR(8000)`);
    expect(text).toContain(`ReportsTo: integer('ReportsTo').references((): AnySQLiteColumn => Employee.Id),`);
    expect(text).toContain(`CloneFromOrder: integer('CloneFromOrder').references((): AnySQLiteColumn => Order.Id),`);
    expect(text).toContain(
      `'Unit Price': numeric('Unit Price', { mode: 'number' }).$type<number | string>(), // DECIMAL(10,2); 1 of 3 rows hold text (e.g. "n/a")`,
    );
    expect(text).toContain(`Id: integer('Id').primaryKey({ autoIncrement: true }),`);
    expect(text).toContain(`primaryKey({ columns: [t.OrderId, t.Line] })`);
    expect(text).toContain(`OrderId: integer('OrderId').references(() => Order.Id, { onDelete: 'cascade' }),`);
    expect(text).toContain(
      `foreignKey({ columns: [t.OrderId, t.Line], foreignColumns: [OrderDetails.OrderId, OrderDetails.Line] }).onDelete('cascade'),`,
    );
    // parents are declared before their children
    expect(text.indexOf('export const Department')).toBeLessThan(text.indexOf('export const Employee'));
    expect(text.indexOf('export const Order ')).toBeLessThan(text.indexOf('export const OrderDetails'));
  });

  it('serves every table and view as valid JSON:API, with the rows the database has', async () => {
    expect(await everyCollection(api)).toEqual({
      Department: 2,
      Employee: 2,
      Order: 2,
      OrderDetails: 3,
      Territory: 1,
      EmployeeTerritory: 1,
      Log: 2,
      LineNote: 1,
      BigOrders: 2,
    });
  });

  it('keys, references and names on the API: composite ids, two roles to one parent, self-references', async () => {
    const item = await api.get('/api/OrderDetails/1,2');
    expect(item.body.data.attributes).toEqual({ OrderId: 1, Line: 2, UnitPrice: 'n/a', Qty: 7 });
    // a reference column keeps its name as an attribute; its relationship is <column>Ref
    const ann = await api.get('/api/Employee/1?include=WorksForRef,OnLoanRef');
    expect(Object.keys(ann.body.data.relationships).sort()).toEqual([
      'EmployeeList',
      'EmployeeTerritoryList',
      'OnLoanRef',
      'ReportsToRef',
      'WorksForRef',
    ]);
    expect(ann.body.data.attributes.WorksFor).toBe(1);
    expect(ann.body.data.relationships.WorksForRef.data).toEqual({ type: 'Department', id: '1' });
    expect(ann.body.included.map((r: any) => r.attributes.Name).sort()).toEqual(['Ops', 'Sales']);
    const bob = await api.get('/api/Employee/2/ReportsToRef');
    expect(bob.body.data.attributes.Name).toBe('Ann');
    const clone = await api.get('/api/Order/2');
    expect(clone.body.data.relationships.CloneFromOrderRef.data).toEqual({ type: 'Order', id: '1' });
    expect(clone.body.data.attributes.Ready).toBe('yes'); // served as stored, not coerced to false
    expect((await api.get('/api/Territory/N')).body.data.attributes.Description).toBe('North');
    expect((await api.get('/api/EmployeeTerritory/1,N')).status).toBe(200);
    // a composite foreign key: the note's item, by its two-part id
    const note = (await api.get('/api/LineNote/1?include=OrderDetails')).body;
    expect(note.data.relationships.OrderDetails.data).toEqual({ type: 'OrderDetails', id: '1,2' });
    expect(note.included[0].attributes.Qty).toBe(7);
    // the table's own name is understood in URLs too
    expect((await api.get('/api/Order%20Details?filter[Qty][gt]=4')).body.meta.count).toBe(2);
  });

  it('writes where there is a key, and refuses views and keyless tables with a reason', async () => {
    const created = await api.send('POST', '/api/OrderDetails', {
      data: { type: 'OrderDetails', attributes: { OrderId: 2, Line: 2, UnitPrice: 3, Qty: 4 } },
    });
    expect(created.status).toBe(201);
    expect(created.body.data.id).toBe('2,2');
    const view = await api.send('POST', '/api/BigOrders', { data: { type: 'BigOrders', attributes: { Total: 1 } } });
    expect(view.status).toBe(403);
    expect(view.body.errors[0].detail).toMatch(/BigOrders is read-only \(a view\)/);
    const log = await api.send('POST', '/api/Log', { data: { type: 'Log', attributes: { Message: 'x' } } });
    expect(log.status).toBe(403);
    expect(log.body.errors[0].detail).toMatch(/no primary key/);
    expect((await api.send('DELETE', '/api/OrderDetails/2,2', undefined)).status).toBe(204);
  });

  it('shows every table in the table browser, rows named by the generated admin config', async () => {
    const admin = await loadAdminConfig(api.project);
    expect(admin?.tables?.Employee).toEqual({ display: 'Name' });
    const source = new TableSource(api.project.dbFile, { admin });
    try {
      expect(Object.fromEntries(source.tables().map((t) => [t.name, t.rows]))).toEqual({
        BigOrders: 2,
        Department: 2,
        Employee: 2,
        EmployeeTerritory: 1,
        LineNote: 1,
        Log: 2,
        Order: 2,
        'Order Details': 3,
        Territory: 1,
      });
      const bob = source.detail('Employee', { Id: 2 })!;
      expect(bob.fields.find((f) => f.column === 'WorksFor')!.parent).toMatchObject({ table: 'Department', display: 'Ops' });
      expect(bob.fields.find((f) => f.column === 'ReportsTo')!.parent).toMatchObject({ table: 'Employee', display: 'Ann' });
      const sales = source.detail('Department', { Id: 1 })!;
      expect(sales.children.map((c) => `${c.name} ${c.count}`)).toEqual(
        expect.arrayContaining(['EmployeeList_WorksForRef 1', 'EmployeeList_OnLoanRef 0']),
      );
    } finally {
      source.close();
    }
  });

  it('type-checks as generated (models, rules, admin, config), with paths relative to alsx', () => {
    expect(JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')).compilerOptions.paths.alsx).toEqual(['../../../dist/index.d.ts']);
    // the examples that need no new column type-check once uncommented
    const rules = readFileSync(join(dir, 'logic/rules.ts'), 'utf8');
    const uncommented = rules.replace(/^ {2}\/\/ ((?:constraint|defaults|afterFlush)\(.*| {2}\(.*)$/gm, '  $1');
    expect(uncommented.match(/^ {2}(constraint|defaults|afterFlush)\(/gm)).toHaveLength(3);
    writeFileSync(join(dir, 'logic/examples.ts'), uncommented);
    const errors = typeCheck(dir);
    rmSync(join(dir, 'logic/examples.ts'));
    expect(errors).toBe('');
  }, 120_000);

  it('loads its empty rules file, with no warning about the models', () => {
    expect(api.project.rules.all).toHaveLength(0);
    expect(api.project.warnings).toEqual([]);
    expect(readFileSync(join(dir, 'logic/rules.ts'), 'utf8')).toContain(
      '// sum(Department.SalaryTotal, Employee.Salary, { via: Employee.WorksFor }),',
    );
  });

  it('writes a smoke scenario that lists each table with its rows', async () => {
    const [smoke] = scenarioFiles(dir).map(readScenario);
    expect(smoke!.error).toBeUndefined();
    expect(smoke!.scenario!.steps.map((s) => s.request!.path)).toContain('/api/OrderDetails?page[limit]=5');
    expect(smoke!.scenario!.steps).toHaveLength(9);
  });
});

describe('from a SQL schema', () => {
  it("keeps the schema and seed as the project's database sources", async () => {
    const schema = join(WORK, 'schema.sql');
    const seed = join(WORK, 'seed.sql');
    writeFileSync(
      schema,
      'CREATE TABLE Category (Id INTEGER PRIMARY KEY, CategoryName TEXT);\nCREATE TABLE Product (Id INTEGER PRIMARY KEY, ProductName TEXT, CategoryId INTEGER REFERENCES Category(Id));\n',
    );
    writeFileSync(seed, "INSERT INTO Category VALUES (1, 'Beverages');\nINSERT INTO Product VALUES (1, 'Chai', 1), (2, 'Chang', 1);\n");
    const dir = join(WORK, 'from-sql');
    const report = await createProject({ sql: schema, seed, dir });
    expect(report.files.slice(0, 2)).toEqual(['db/schema.sql', 'db/seed.sql']);
    expect(readFileSync(join(dir, 'alsx.config.ts'), 'utf8')).toContain("db: { schema: 'db/schema.sql', seed: 'db/seed.sql' },");
    const api = await serve(dir);
    try {
      expect(await everyCollection(api)).toEqual({ Category: 1, Product: 2 });
      expect(readFileSync(join(dir, 'admin.ts'), 'utf8')).toContain("Product: { display: 'ProductName' },");
    } finally {
      await api.close();
    }
  });
});

describe('more of what real databases hold', () => {
  let api: ServedProject;
  let report: CreateReport;
  beforeAll(async () => {
    const dir = join(WORK, 'more');
    report = await createProject({
      db: database(
        'more',
        `
        CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
        CREATE TABLE item (id INTEGER PRIMARY KEY, price REAL, qty INT, total REAL GENERATED ALWAYS AS (price * qty) STORED,
          code TEXT UNIQUE, type TEXT, CHECK (qty >= 0));
        CREATE TABLE ref (refKey TEXT PRIMARY KEY, id INTEGER, itemCode TEXT REFERENCES item(code));
        CREATE TABLE "we""ird" ("a-b" INTEGER PRIMARY KEY, "c d" TEXT);
        CREATE TABLE sum (Id INTEGER PRIMARY KEY, Amount DECIMAL(10,2));
        CREATE TABLE rules (Id INTEGER PRIMARY KEY, Text TEXT, SumId INTEGER REFERENCES sum(Id));
        CREATE VIRTUAL TABLE docs USING fts5(title, body);
        INSERT INTO kv VALUES ('a', x'00ff');
        INSERT INTO item (id, price, qty, code, type) VALUES (1, 2.5, 4, 'X1', 'tool');
        INSERT INTO ref VALUES ('r1', 7, 'X1');
        INSERT INTO "we""ird" VALUES (1, 'x');
        INSERT INTO docs VALUES ('hello', 'world');
      `,
      ),
      dir,
    });
    api = await serve(dir);
  });
  afterAll(() => api?.close());

  it("leaves out a full-text index's shadow tables, and serves the index itself read-only, away from /api/docs", async () => {
    expect(report.tables.map((t) => t.name).sort()).toEqual(['docs', 'item', 'kv', 'ref', 'rules', 'sum', 'we"ird']);
    expect(await everyCollection(api)).toEqual({ docsTable: 1, item: 1, kv: 1, ref: 1, rules: 0, sum: 0, weIrd: 1 });
    expect((await api.get('/api/docsTable?filter[title]=hello')).body.data[0].attributes).toEqual({ title: 'hello', body: 'world' });
  });

  it('reads generated columns and refuses to write them; CHECK constraints refuse with 422', async () => {
    expect((await api.get('/api/item/1')).body.data.attributes).toEqual({ price: 2.5, qty: 4, total: 10, code: 'X1', Type: 'tool' });
    const patched = await api.send('PATCH', '/api/item/1', { data: { type: 'item', id: '1', attributes: { qty: 10 } } });
    expect(patched.body.data.attributes.total).toBe(25);
    const generated = await api.send('POST', '/api/item', { data: { type: 'item', attributes: { qty: 1, price: 1, total: 5 } } });
    expect(generated.status).toBe(400);
    expect(generated.body.errors[0]).toMatchObject({
      detail: 'item.total is computed by the database (GENERATED ALWAYS); leave it out',
      source: { pointer: '/data/attributes/total' },
    });
    const check = await api.send('POST', '/api/item', { data: { type: 'item', attributes: { qty: -1, price: 1 } } });
    expect(check.status).toBe(422);
    expect(check.body.errors[0].detail).toMatch(/CHECK constraint failed: qty >= 0/);
  });

  it('a reference to a unique column, a WITHOUT ROWID table, columns named like JSON:API members, quotes in names', {
    timeout: 120_000,
  }, async () => {
    const ref = (await api.get('/api/ref/r1?include=item')).body;
    expect(ref.data.attributes).toEqual({ refKey: 'r1', Id: 7, itemCode: 'X1' }); // "id" is not its key: an attribute
    expect(ref.included[0].attributes.code).toBe('X1');
    expect((await api.get('/api/kv/a')).body.data.attributes.v).toBe('AP8=');
    expect((await api.get('/api/weIrd/1')).body.data.attributes).toEqual({ 'a-b': 1, cD: 'x' });
    const models = readFileSync(join(WORK, 'more', 'models.ts'), 'utf8');
    expect(models).toContain(`export const weIrd = sqliteTable('we"ird', {`);
    expect(models).toContain(`'c d': text('c d'),`);
    // tables named like what the rules file imports or declares get other names there
    expect(models).toContain(`export const sum2 = sqliteTable('sum', {`);
    expect(models).toContain(`export const rules2 = sqliteTable('rules', {`);
    expect(typeCheck(join(WORK, 'more'))).toBe('');
    expect(models).toContain(`total: real('total'), // GENERATED ALWAYS: computed by the database, never written`);
  });
});

describe("the README's example, fixtures/create/hr.sql", () => {
  it('creates the project the README shows', async () => {
    const report = await createProject({ sql: resolve(import.meta.dirname, '../../fixtures/create/hr.sql'), dir: join(WORK, 'hr') });
    expect(report.tables.map((t) => `${t.name} ${t.rows} ${t.path} ${t.access} ${t.key.join('+')}`)).toEqual([
      'AuditLog 1 /api/AuditLog read-only (no primary key) ',
      'Department 3 /api/Department read-write Id',
      'Employee 5 /api/Employee read-write Id',
      'Skill Rating 5 /api/SkillRating read-write EmployeeId+Skill',
      'Payroll 3 /api/Payroll read-only (view) ',
    ]);
  });
});

describe("a project made from another alsx project's working database", () => {
  it("leaves out alsx's own tables, and does not carry the other project's credentials into its seed", async () => {
    const file = database(
      'from-alsx',
      `CREATE TABLE Customer (Id TEXT PRIMARY KEY, Name TEXT);
       INSERT INTO Customer VALUES ('ALFKI', 'Alfreds');
       CREATE TABLE _alsx_users (name TEXT PRIMARY KEY, password_hash TEXT, token_version INTEGER NOT NULL DEFAULT 0, attributes TEXT NOT NULL DEFAULT '{}', updated_at TEXT);
       INSERT INTO _alsx_users (name, password_hash) VALUES ('ALFKI', '$scrypt$ln=15,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g');`,
    );
    const dir = join(WORK, 'from-alsx');
    const report = await createProject({ db: file, dir });
    expect(report.tables.map((t) => t.name)).toEqual(['Customer']);
    expect(readFileSync(join(dir, 'models.ts'), 'utf8')).not.toMatch(/_alsx/);
    const seed = new Database(join(dir, 'db', 'from-alsx.sqlite'), { readonly: true });
    try {
      expect(seed.prepare(`SELECT name FROM sqlite_schema WHERE name = '_alsx_users'`).get()).toBeUndefined();
    } finally {
      seed.close();
    }
  });
});

describe('what alsx create refuses, changing nothing', () => {
  const refuses = async (options: Parameters<typeof createProject>[0], message: RegExp) => {
    await expect(createProject(options)).rejects.toThrow(ProjectError);
    await expect(createProject(options)).rejects.toThrow(message);
  };

  it('a missing file, a folder, a file that is not SQLite, an empty database', async () => {
    const dir = join(WORK, 'never');
    await refuses({ db: join(WORK, 'nope.sqlite'), dir }, /--db .*nope\.sqlite: no such file/);
    await refuses({ db: WORK, dir }, /is a folder; give a SQLite database file/);
    const text = join(WORK, 'notes.txt');
    writeFileSync(text, 'hello, this is not a database at all');
    await refuses({ db: text, dir }, /notes\.txt is not a SQLite database/);
    const sql = join(WORK, 'schema-as-db.sql');
    writeFileSync(sql, 'CREATE TABLE t (id INTEGER PRIMARY KEY);');
    await refuses({ db: sql, dir }, /it looks like SQL: use --sql/);
    const empty = join(WORK, 'empty.sqlite');
    writeFileSync(empty, '');
    await refuses({ db: empty, dir }, /is empty/);
    await refuses({ db: database('no-tables', 'PRAGMA user_version = 1;'), dir }, /has no tables or views/);
    expect(existsSync(dir)).toBe(false);
  });

  it("SQL that does not run, naming SQLite's complaint", async () => {
    const bad = join(WORK, 'bad.sql');
    writeFileSync(bad, 'CREATE TABLE ok (id INTEGER PRIMARY KEY);\nCREAT TABLE oops (x);');
    await refuses({ sql: bad, dir: join(WORK, 'never') }, /building the database from bad\.sql failed: near "CREAT": syntax error/);
  });

  it('a folder that holds files, unless --force', async () => {
    const dir = join(WORK, 'taken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'notes.md'), 'mine');
    const db = database('small', 'CREATE TABLE Thing (Id INTEGER PRIMARY KEY, Name TEXT);');
    await refuses({ db, dir }, /taken already exists and is not empty \(notes\.md\); choose another folder, or pass --force/);
    expect(existsSync(join(dir, 'models.ts'))).toBe(false);
    await createProject({ db, dir, force: true });
    expect(readFileSync(join(dir, 'notes.md'), 'utf8')).toBe('mine'); // other files are left alone
    expect(readFileSync(join(dir, 'models.ts'), 'utf8')).toContain("export const Thing = sqliteTable('Thing'");
    // again, from another database: the old working database is not taken for the new one's
    mkdirSync(join(WORK, 'other'), { recursive: true });
    const other = join(WORK, 'other', 'small.sqlite');
    const conn = new Database(other);
    conn.exec('CREATE TABLE Gadget (Id INTEGER PRIMARY KEY, Name TEXT)');
    conn.close();
    await createProject({ db: other, dir, force: true });
    const project = await openProject(dir);
    expect([...project.store.schema.tables.keys()]).toEqual(['Gadget']);
    project.close();
  });

  it('both --db and --sql, or neither', async () => {
    await refuses({ dir: join(WORK, 'never') }, /--db <file\.sqlite>, --db postgres:\/\/user@host:port\/dbname, or --sql <schema\.sql>/);
  });
});

describe('the rules template', () => {
  it('shows the napkin rules on a line-item table: amount = quantity × price, summed into the parent', async () => {
    const dir = join(WORK, 'shop');
    await createProject({
      db: database(
        'shop',
        `
        CREATE TABLE Customer (Id TEXT PRIMARY KEY, CompanyName TEXT, Balance DECIMAL(10,2) NOT NULL DEFAULT 0, CreditLimit DECIMAL(10,2));
        CREATE TABLE "Order Item" (Id INTEGER PRIMARY KEY, CustomerId TEXT REFERENCES Customer(Id), Quantity INTEGER NOT NULL,
          "Unit Price" DECIMAL(10,2), Amount DECIMAL(10,2));
      `,
      ),
      dir,
    });
    const rules = readFileSync(join(dir, 'logic/rules.ts'), 'utf8');
    expect(rules).toContain("import { Customer, OrderItem } from '../models.js';");
    expect(rules).toContain("  // formula(OrderItem.Amount, (o) => o.Quantity * (o['Unit Price'] ?? 0)),");
    expect(rules).toContain('  // sum(Customer.AmountTotal, OrderItem.Amount),');
    expect(rules).toContain('  // copy(OrderItem.CustomerCompanyName, Customer.CompanyName),');
    // Amount exists: its formula needs no new column; AmountTotal does
    expect(rules).not.toMatch(/ADD COLUMN Amount /);
    expect(rules).toMatch(
      /\/\/ needs a column: sqlite3 \S*shop\/db\/shop\.sqlite 'ALTER TABLE "Customer" ADD COLUMN AmountTotal DECIMAL\(10,2\) NOT NULL DEFAULT 0'/,
    );
  });
});

describe('names', () => {
  it('TypeScript exports: spaces and punctuation dropped, keywords, digits and collisions made safe', () => {
    const taken = new Set<string>(['text']);
    expect(
      ['Order Details', 'order details', 'delete', '2020 Sales', 'text', 'Order-Details', 'Order_Details'].map((n) =>
        identifierFor(n, taken),
      ),
    ).toEqual(['OrderDetails', 'orderDetails', 'delete_', '_2020Sales', 'text2', 'OrderDetails2', 'Order_Details']);
  });

  it('JSON:API member names: valid names kept, others made valid and unique', () => {
    const taken = new Set<string>(['id', 'type']);
    expect(['Order', 'Union', 'Unit Price', '_hidden', 'Order-Line', 'a b', 'a_b ', '€'].map((n) => memberName(n, taken))).toEqual([
      'Order',
      'Union',
      'UnitPrice',
      'hidden',
      'Order-Line',
      'aB',
      'a_b',
      'x',
    ]);
  });
});
