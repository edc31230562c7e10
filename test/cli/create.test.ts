/**
 * `alsx create` as a user runs it: on a database of their own, into a folder outside alsx (no
 * node_modules there), then `alsx serve`, `alsx test`, the TypeScript compiler on the generated
 * files, and rules written afterwards — each in a fresh process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alsx, ROOT } from '../helpers/cli.js';

const JSONAPI = 'application/vnd.api+json';
let work: string;
let db: string;
let dir: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'alsx-create-cli-'));
  db = join(work, 'hr.sqlite');
  const conn = new Database(db);
  conn.exec(`
    CREATE TABLE Department (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL, Budget DECIMAL(10,2) NOT NULL DEFAULT 0);
    CREATE TABLE Employee (Id INTEGER PRIMARY KEY, Name TEXT, ReportsTo INTEGER REFERENCES Employee(Id),
      WorksFor INTEGER REFERENCES Department(Id), OnLoan INTEGER REFERENCES Department(Id), Salary DECIMAL(10,2));
    CREATE TABLE "Order Details" (OrderId INTEGER, Line INTEGER, "Unit Price" DECIMAL(10, 2), Qty INT, PRIMARY KEY (OrderId, Line));
    CREATE VIEW Payroll AS SELECT WorksFor AS DepartmentId, SUM(Salary) AS Total FROM Employee GROUP BY WorksFor;
    INSERT INTO Department VALUES (1, 'Sales', 0), (2, 'Ops', 0);
    INSERT INTO Employee VALUES (1, 'Ann', NULL, 1, 2, 100), (2, 'Bob', 1, 2, NULL, NULL);
    INSERT INTO "Order Details" VALUES (1, 1, 2.5, 5), (1, 2, 'n/a', 7);
  `);
  conn.close();
  dir = join(work, 'hr');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `alsx serve` in the background until it prints where the API is */
function serve(project: string): Promise<{ url: string; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, [resolve(ROOT, 'bin/alsx.js'), 'serve', project, '--port', '0'], {
    cwd: work,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return new Promise((ok, fail) => {
    let out = '';
    const collect = (d: Buffer) => {
      out += d;
      const m = /API on (http:\/\/\S+\/api)/.exec(out);
      if (m)
        ok({
          url: m[1]!,
          stop: () =>
            new Promise((done) => {
              child.once('exit', (code) => done(code));
              child.kill('SIGTERM');
            }),
        });
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code) => fail(new Error(`alsx serve exited ${code}: ${out}`)));
  });
}

describe('alsx create, then serve, test and rules', () => {
  it('creates the project and says what it made', () => {
    const r = alsx(['create', '--db', db, dir]);
    expect(r.stderr).not.toMatch(/Error|warning/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Created .*hr from hr\.sqlite: 3 tables, 1 view/);
    expect(r.stdout).toMatch(/Order Details\s+2 rows\s+key OrderId \+ Line\s+at \/api\/OrderDetails/);
    expect(r.stdout).toMatch(/Payroll\s+2 rows\s+view, read-only/);
    expect(r.stdout).toMatch(/Order Details\.Unit Price \(DECIMAL\(10, 2\)\): 1 of 2 rows hold text, e.g\. "n\/a"/);
    // the next steps name the command as it can be run from here: alsx is not on this PATH, so its path
    expect(r.stdout).toContain(`node bin/alsx.js serve ${dir}`);
    // outside alsx's folder, the project says its .ts files are ES modules
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toMatchObject({ type: 'module', private: true });
  });

  it('refuses to create it again without --force, and --json says what --force made', () => {
    const again = alsx(['create', '--db', db, dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists and is not empty .*pass --force/);
    const forced = alsx(['create', '--db', db, dir, '--force', '--json']);
    expect(forced.code).toBe(0);
    const report = JSON.parse(forced.stdout) as { tables: { name: string; access: string }[] };
    expect(report.tables.map((t) => `${t.name}: ${t.access}`)).toEqual([
      'Department: read-write',
      'Employee: read-write',
      'Order Details: read-write',
      'Payroll: read-only (view)',
    ]);
  });

  it('type-checks: the rules are typed against the generated models, so a misspelt column is a compile error', () => {
    writeFileSync(
      join(dir, 'logic/rules.ts'),
      `
      import { rules } from 'alsx';
      import * as models from '../models.js';
      import { Department, Employee, OrderDetails } from '../models.js';
      export default rules(models, ({ constraint, sum }) => [
        sum(Department.Budget, Employee.Salary, { via: Employee.WorksFor }),
        constraint(Department, (d) => d.Budget <= 1000, (d) => \`\${d.Name}: budget \${d.Budget} is over 1000\`),
        constraint(OrderDetails, (d) => d['Unit Price'] == null || typeof d['Unit Price'] === 'string' || d['Unit Price'] >= 0, 'Unit Price cannot be negative'),
      ]);
    `,
    );
    writeFileSync(
      join(dir, 'logic/typo.ts'),
      `
      import { OrderDetails } from '../models.js';
      import type { RowOf } from 'alsx';
      export const qty = (d: RowOf<typeof OrderDetails>) => d.Qtty;
    `,
    );
    const tsc = spawnSync(process.execPath, [resolve(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const errors = tsc.stdout.split('\n').filter((l) => /error TS/.test(l));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/logic\/typo\.ts.*Property 'Qtty' does not exist/);
    rmSync(join(dir, 'logic/typo.ts'));
  }, 120_000);

  it('alsx check finds the rows a new sum disagrees with, and --fix writes what the rules compute', () => {
    const drift = alsx(['check', dir]);
    expect(drift.stdout).toContain('drift Department 1 Budget: stored 0, rules say 100');
    expect(drift.code).toBe(1);
    const fix = alsx(['check', dir, '--fix']);
    expect(fix.stdout).toMatch(/wrote 1 derived value the rules compute\n✔ \d+ derived values checked, all consistent/);
    expect(fix.code).toBe(0);
  });

  it('serves every table and view, and the rules written afterwards take effect', async () => {
    const server = await serve(dir);
    try {
      const get = async (path: string) => {
        const res = await fetch(`${server.url.replace(/\/api$/, '')}${path}`, { headers: { Accept: JSONAPI } });
        return { status: res.status, body: (await res.json()) as any };
      };
      const doc = (await get('/api/openapi.json')).body as { paths: Record<string, { get?: unknown }> };
      const collections = Object.keys(doc.paths).filter((p) => !p.includes('{') && p !== '/api/operations' && doc.paths[p]!.get);
      expect(collections).toEqual(['/api/Department', '/api/Employee', '/api/OrderDetails', '/api/Payroll']);
      for (const path of collections) expect((await get(path)).status, path).toBe(200);

      const post = (attributes: Record<string, unknown>) =>
        fetch(`${server.url}/Employee`, {
          method: 'POST',
          headers: { 'Content-Type': JSONAPI, Accept: JSONAPI },
          body: JSON.stringify({ data: { type: 'Employee', attributes } }),
        });
      const hired = await post({ Name: 'Cy', WorksFor: 1, Salary: 850 });
      expect(hired.status).toBe(201);
      expect((await get('/api/Department/1')).body.data.attributes.Budget).toBe(950);
      const over = await post({ Name: 'Di', WorksFor: 1, Salary: 100 });
      expect(over.status).toBe(422);
      expect(((await over.json()) as any).errors[0].detail).toBe('Sales: budget 1050 is over 1000');
      expect((await get('/api/Employee')).body.meta.count).toBe(3);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('runs the smoke scenario with alsx test', () => {
    const r = alsx(['test', dir]);
    expect(r.stdout).toMatch(/1 passed, 0 failed/);
    expect(r.code).toBe(0);
  });
});

describe('alsx create in scripts: what is missing is said, with exit code 2', () => {
  it('no database, no folder, both sources', () => {
    const none = alsx(['create', join(work, 'x')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /give the database to start from: alsx create --db <file\.sqlite> <dir>, --db postgres:\/\/user@host:port\/dbname <dir>, or --sql <schema\.sql> <dir>/,
    );
    const noDir = alsx(['create', '--db', db]);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toMatch(/give the folder to create/);
    const both = alsx(['create', '--db', db, '--sql', db, join(work, 'x')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --db or --sql, not both/);
  });

  it('a file that is not a database', () => {
    const notes = join(work, 'notes.txt');
    writeFileSync(notes, 'not a database');
    const r = alsx(['create', '--db', notes, join(work, 'y')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/notes\.txt is not a SQLite database/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack
  });

  it('--help', () => {
    const r = alsx(['create', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--db <file\|url>.*PostgreSQL URL/);
    expect(r.stdout).toMatch(/--sql <file>/);
    expect(r.stdout).toMatch(/--force/);
  });
});
