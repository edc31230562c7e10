/**
 * `alsx create --db postgres://…` on real PostgreSQL databases: Northwind (projects/northwind/db/postgres)
 * and Chinook (fixtures/create/chinook-pg: identity ALWAYS and BY DEFAULT, serial, bigint, numeric,
 * date, timestamp and timestamptz, a composite key, a self-reference, a view). Each created project
 * is described table by table, type-checks as generated, keeps its URL without the password, and
 * serves every collection of its OpenAPI document; a URL that does not lead to a database with tables
 * is refused in the user's terms, without the password.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { getTableName, is, Table } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, type CreateReport } from '../../src/project/create/create.js';
import { ProjectError } from '../../src/project/load.js';
import { readScenario, scenarioFiles } from '../../src/scenarios/load.js';
import { alsx } from '../helpers/cli.js';
import { everyCollection, serve, type ServedProject, typeCheck } from '../helpers/created-project.js';
import { createPgDatabase, pgTestDatabase } from '../helpers/postgres.js';

const ROOT = resolve(import.meta.dirname, '../..');
// inside the repository, so the projects' `drizzle-orm` imports resolve (as in create.test.ts)
const WORK = resolve(ROOT, `scratch/create-pg-${process.pid}`);
beforeAll(() => mkdirSync(WORK, { recursive: true }));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

const northwind = pgTestDatabase({
  files: [join(ROOT, 'projects/northwind/db/postgres/schema.sql'), join(ROOT, 'projects/northwind/db/postgres/seed.sql')],
});
const chinook = pgTestDatabase({
  files: [join(ROOT, 'fixtures/create/chinook-pg/schema.sql'), join(ROOT, 'fixtures/create/chinook-pg/seed.sql')],
});

const PASSWORD = 'hunter2-never-shown';

/** the database's URL with a password in it (the test server trusts every connection, so any will do) */
function withPassword(url: string): string {
  const u = new URL(url);
  u.password = PASSWORD;
  return u.href;
}

/** the tables and views of the database's public schema, with count(*) of each */
async function tablesOf(db: { pool: { query: (sql: string) => Promise<{ rows: any[] }> } }): Promise<Record<string, number>> {
  // (alsx's own _alsx_* tables, made when the project is opened, are not the application's)
  const { rows } = await db.pool.query(
    `SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v')
        AND c.relname NOT LIKE '\\_alsx\\_%' ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of rows) counts[name] = (await db.pool.query(`SELECT count(*)::int AS n FROM "${name}"`)).rows[0].n;
  return counts;
}

/** every file the project holds, as text */
function projectText(dir: string): string {
  return ['alsx.config.ts', 'models.ts', 'logic/rules.ts', 'admin.ts', 'scenarios/smoke.yaml', 'README.md']
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

describe('Northwind on PostgreSQL', () => {
  let report: CreateReport;
  let dir: string;
  let api: ServedProject;
  const progress: string[] = [];
  beforeAll(async () => {
    dir = join(WORK, 'northwind');
    report = await createProject({ db: withPassword(northwind.url), dir, progress: (m) => progress.push(m) });
    api = await serve(dir);
  });
  afterAll(() => api?.close());

  it('describes every table and view with its rows, and writes no database file', async () => {
    const counts = await tablesOf(northwind);
    expect(Object.fromEntries(report.tables.map((t) => [t.name, t.rows]))).toEqual(counts);
    expect(report.database).toBe('postgres');
    expect(report.loose).toEqual([]);
    expect(report.files).not.toContain('db/schema.sql');
    expect(existsSync(join(dir, 'db'))).toBe(false);
    const t = Object.fromEntries(report.tables.map((x) => [x.name, x]));
    expect(t.OrderDetail).toMatchObject({ key: ['Id'], access: 'read-write' });
    expect(t.Employee!.references).toContain('ReportsTo → Employee');
    expect(progress[0]).toBe(`reading ${northwind.url}`);
  });

  it('keeps the URL without its password: in the config, the report and every file', () => {
    const config = readFileSync(join(dir, 'alsx.config.ts'), 'utf8');
    expect(config).toContain(`db: { url: '${northwind.url}' },`);
    expect(report.source).toBe(northwind.url);
    expect(projectText(dir)).not.toContain(PASSWORD);
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
    expect(progress.join('\n')).not.toContain(PASSWORD);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('ALSX_DATABASE_URL');
    expect(readme).toContain('PGPASSWORD');
  });

  it('writes pgTable models that type-check, with the rules, admin and config', () => {
    const models = readFileSync(join(dir, 'models.ts'), 'utf8');
    expect(models).toContain("from 'drizzle-orm/pg-core';");
    expect(models).toContain("Id: integer('Id').primaryKey().generatedByDefaultAsIdentity(),");
    expect(models).toContain("Balance: numeric('Balance', { mode: 'number', precision: 10, scale: 2 }).notNull().default(0),");
    expect(models).toContain("ReportsTo: integer('ReportsTo').references((): AnyPgColumn => Employee.Id),");
    expect(models).not.toContain('sqlite');
    expect(typeCheck(dir)).toBe('');
  });

  it('serves every collection of its OpenAPI document, with the rows the database has', async () => {
    expect(await everyCollection(api)).toEqual(Object.fromEntries(report.tables.map((t) => [t.path.slice('/api/'.length), t.rows])));
  });

  it('writes a smoke scenario listing each table with its rows', () => {
    const [smoke] = scenarioFiles(dir).map(readScenario);
    expect(smoke!.error).toBeUndefined();
    expect(smoke!.scenario!.steps).toHaveLength(report.tables.length);
  });
});

describe('Chinook on PostgreSQL', () => {
  let report: CreateReport;
  let dir: string;
  let api: ServedProject;
  beforeAll(async () => {
    dir = join(WORK, 'chinook');
    report = await createProject({ db: chinook.url.replace(/^postgres:/, 'postgresql:'), dir });
    api = await serve(dir);
  });
  afterAll(() => api?.close());

  it('describes each table: rows, keys, references, access', async () => {
    expect(Object.fromEntries(report.tables.map((t) => [t.name, t.rows]))).toEqual(await tablesOf(chinook));
    const t = Object.fromEntries(report.tables.map((x) => [x.name, x]));
    expect(t.PlaylistTrack).toMatchObject({ key: ['PlaylistId', 'TrackId'], access: 'read-write', rows: 61 });
    expect(t.CustomerSales).toMatchObject({ kind: 'view', access: 'read-only (view)', rows: 7 });
    expect(t.Track!.references).toEqual(['AlbumId → Album', 'MediaTypeId → MediaType', 'GenreId → Genre']);
    expect(t.Employee!.references).toEqual(['ReportsTo → Employee']);
    expect(readFileSync(join(dir, 'alsx.config.ts'), 'utf8')).toContain(
      `db: { url: '${chinook.url.replace(/^postgres:/, 'postgresql:')}' },`,
    );
  });

  it('models each way of generating keys, and numeric, bigint, date and timestamp columns', async () => {
    const text = readFileSync(join(dir, 'models.ts'), 'utf8');
    for (const line of [
      "GenreId: integer('GenreId').primaryKey().generatedAlwaysAsIdentity(),",
      "ArtistId: integer('ArtistId').primaryKey().generatedByDefaultAsIdentity(),",
      "PlaylistId: serial('PlaylistId').primaryKey(),",
      "UnitPrice: numeric('UnitPrice', { mode: 'number', precision: 10, scale: 2 }).notNull(),",
      "Bytes: bigint('Bytes', { mode: 'number' }), // a number (a bigint above 2^53)",
      "BirthDate: date('BirthDate', { mode: 'string' }), // YYYY-MM-DD",
      "HireDate: timestamp('HireDate', { mode: 'string' }), // ISO text, YYYY-MM-DDTHH:MM:SS",
      "InvoiceDate: timestamp('InvoiceDate', { mode: 'string', withTimezone: true }).notNull(), // ISO text in UTC, YYYY-MM-DDTHH:MM:SSZ",
      "Quantity: integer('Quantity').notNull().default(1),",
      "ReportsTo: integer('ReportsTo').references((): AnyPgColumn => Employee.EmployeeId),",
      "InvoiceId: integer('InvoiceId').notNull().references(() => Invoice.InvoiceId, { onDelete: 'cascade' }),",
      'primaryKey({ columns: [t.PlaylistId, t.TrackId] }),',
      "export const CustomerSales = pgView('CustomerSales', {",
    ])
      expect(text).toContain(line);
    const models = (await import(join(dir, 'models.ts'))) as Record<string, unknown>;
    const tables = Object.entries(models)
      .filter(([, v]) => is(v, Table))
      .map(([k, v]) => [k, getTableName(v as Table)]);
    expect(tables.map(([k]) => k).sort()).toEqual(
      report.tables
        .filter((x) => x.kind === 'table')
        .map((x) => x.model)
        .sort(),
    );
  });

  it('type-checks as generated, with the examples that need no new column uncommented', () => {
    const rules = readFileSync(join(dir, 'logic/rules.ts'), 'utf8');
    // the formula example is the napkin one: quantity × price on the line items
    expect(rules).toContain('// formula(InvoiceLine.Amount, (i) => i.Quantity * i.UnitPrice),');
    // a column an example needs is added with psql, quoted so PostgreSQL keeps its case
    expect(rules).toContain(
      `// needs a column: psql '${chinook.url.replace(/^postgres:/, 'postgresql:')}' -c 'ALTER TABLE "InvoiceLine" ADD COLUMN "Amount" numeric(10,2) NOT NULL DEFAULT 0'`,
    );
    const uncommented = rules.replace(/^ {2}\/\/ ((?:constraint|defaults|afterFlush)\(.*| {2}\(.*)$/gm, '  $1');
    expect(uncommented.match(/^ {2}(constraint|defaults|afterFlush)\(/gm)).toHaveLength(3);
    writeFileSync(join(dir, 'logic/examples.ts'), uncommented);
    const errors = typeCheck(dir);
    rmSync(join(dir, 'logic/examples.ts'));
    expect(errors).toBe('');
  });

  it('serves every collection, its types as alsx hands them to rules', async () => {
    expect(await everyCollection(api)).toEqual(Object.fromEntries(report.tables.map((t) => [t.path.slice('/api/'.length), t.rows])));
    const invoice = (await api.get('/api/Invoice/1')).body.data.attributes;
    expect(invoice).toMatchObject({ InvoiceDate: '2009-01-01T00:00:00Z', Total: 1.98 });
    expect((await api.get('/api/PlaylistTrack/5,23')).status).toBe(200);
    expect((await api.get('/api/Employee/1')).body.data.attributes.BirthDate).toBe('1962-02-18');
  });
});

describe('what alsx create refuses on PostgreSQL, in the user’s terms and without the password', () => {
  const refuses = async (db: string, message: RegExp) => {
    const dir = join(WORK, 'never');
    const error = await createProject({ db, dir }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProjectError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(PASSWORD);
    expect(existsSync(dir)).toBe(false);
  };

  it('a server that is not there names its host and port', async () => {
    const port = await freePort();
    await refuses(
      `postgres://app:${PASSWORD}@127.0.0.1:${port}/shop`,
      new RegExp(`cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port}.*start the server`),
    );
  });

  it('no such database, no such user, a database without tables', async () => {
    const server = new URL(northwind.url);
    const at = (user: string, database: string) => `postgres://${user}:${PASSWORD}@${server.host}/${database}`;
    await refuses(at('postgres', 'alsx_no_such_db'), /has no database "alsx_no_such_db" — correct its name in the URL, or create it/);
    await refuses(
      at('alsx_no_such_user', northwind.name),
      /does not let user "alsx_no_such_user" in .*role "alsx_no_such_user" does not exist/,
    );
    const empty = await createPgDatabase();
    try {
      await refuses(withPassword(empty.url), /has no tables or views in schema public; alsx create needs at least one table/);
    } finally {
      await empty.drop();
    }
  });

  it('a URL without a database, and --seed with a URL', async () => {
    await refuses(`postgres://app:${PASSWORD}@127.0.0.1:5432`, /names no database; add it to the URL: postgres:\/\/user@host:5432\/dbname/);
    await expect(createProject({ db: northwind.url, seed: 'seed.sql', dir: join(WORK, 'never') })).rejects.toThrow(
      /--seed goes with --sql \(a PostgreSQL database already holds its data\)/,
    );
  });
});

describe('the command, as a user runs it', () => {
  it('says what it made and where the password comes from; --json gives the report; a refusal exits 2', async () => {
    const dir = join(WORK, 'cli-chinook');
    const r = alsx(['create', '--db', withPassword(chinook.url), dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`… reading ${chinook.url}`);
    expect(r.stdout).toMatch(new RegExp(`^Created .*cli-chinook from ${chinook.url.replace(/[.?]/g, '\\$&')}: 11 tables, 1 view`));
    expect(r.stdout).toMatch(/PlaylistTrack\s+61 rows\s+key PlaylistId \+ TrackId/);
    expect(r.stdout).toContain('Its password comes from PGPASSWORD or ~/.pgpass');
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    const json = alsx(['create', '--db', withPassword(chinook.url), dir, '--force', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as CreateReport;
    expect(report).toMatchObject({ source: chinook.url, database: 'postgres', loose: [] });
    expect(json.stdout).not.toContain(PASSWORD);
    const refused = alsx(['create', '--db', `postgres://app:${PASSWORD}@127.0.0.1:${await freePort()}/shop`, join(WORK, 'never')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:\d+/);
    expect(refused.stderr).not.toContain(PASSWORD);
  });
});

/** a loopback port nothing listens on (taken, then freed) */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise((ok) => server.close(ok));
  return port;
}
