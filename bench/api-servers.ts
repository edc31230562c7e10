/**
 * The two servers of `npm run bench` part (c), in one process so they share its CPU alike:
 *
 *   api   the generated JSON:API of Northwind (createApi, security on, as shipped)
 *   bare  Express + better-sqlite3 (or, for a postgres:// URL, a `pg` pool) answering the same data
 *         with hand-written prepared statements, on its own connection(s) to the same database:
 *           GET /bare/Customer/:id                 {data: {type, id, attributes: row}}
 *           GET /bare/Order?EmployeeId=5            a sales rep's 10 newest orders {data: […], included: [their customers]}
 *
 *   node --import tsx bench/api-servers.ts <db.sqlite | postgres://…>
 *
 * The database must be a private copy (the parent bench makes one in the temp folder). Once both
 * listen on free loopback ports, prints {"api": port, "bare": port} as one line on stdout. SIGTERM
 * closes both and exits normally (so `--cpu-prof` writes its profile).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import express from 'express';
import pg from 'pg';
import { pgTypes } from '../src/store/pg-values.js';
import { createApi } from '../src/api/server.js';
import { openProject } from '../src/project/load.js';

const NORTHWIND = resolve(import.meta.dirname, '../projects/northwind');

const dbFile = process.argv[2];
if (!dbFile) {
  console.error('usage: node --import tsx bench/api-servers.ts <db.sqlite | postgres://…>');
  process.exit(2);
}

type Row = Record<string, unknown>;

/** the three reads of the baseline, on either database */
interface BareReads {
  customerById(id: string): Promise<Row | undefined>;
  ordersByEmployee(employee: number, limit: number): Promise<Row[]>;
  customersOf(ids: unknown[]): Promise<Row[]>;
  close(): void;
}

function sqliteReads(file: string): BareReads {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  const customerById = db.prepare('SELECT * FROM "Customer" WHERE "Id" = ?');
  const ordersByEmployee = db.prepare('SELECT * FROM "Order" WHERE "EmployeeId" = ? ORDER BY "Id" DESC LIMIT ?');
  /** one prepared statement per number of customer ids (at most the page size) */
  const customersIn = new Map<number, Database.Statement>();
  return {
    customerById: async (id) => customerById.get(id) as Row | undefined,
    ordersByEmployee: async (employee, limit) => ordersByEmployee.all(employee, limit) as Row[],
    async customersOf(ids) {
      let st = customersIn.get(ids.length);
      if (!st) customersIn.set(ids.length, (st = db.prepare(`SELECT * FROM "Customer" WHERE "Id" IN (${ids.map(() => '?').join(', ')})`)));
      return st.all(...ids) as Row[];
    },
    close: () => db.close(),
  };
}

/** named (prepared) statements on a pool as large as the API's, with alsx's value parsers so both answer the same JSON */
function postgresReads(url: string): BareReads {
  const pool = new pg.Pool({ connectionString: url, types: pgTypes, max: 8 });
  const rows = async (name: string, text: string, values: unknown[]) => (await pool.query({ name, text, values })).rows as Row[];
  return {
    customerById: async (id) => (await rows('customer', 'SELECT * FROM "Customer" WHERE "Id" = $1', [id]))[0],
    ordersByEmployee: (employee, limit) =>
      rows('orders', 'SELECT * FROM "Order" WHERE "EmployeeId" = $1 ORDER BY "Id" DESC LIMIT $2', [employee, limit]),
    customersOf: (ids) => rows('customers', 'SELECT * FROM "Customer" WHERE "Id" = ANY($1)', [ids]),
    close: () => void pool.end(),
  };
}

/** the baseline: what a hand-written server does for the same two requests, and nothing more */
function bareApp(db: BareReads): express.Express {
  const { customerById, ordersByEmployee, customersOf } = db;

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/bare/Customer/:id', async (req, res) => {
    const row = await customerById(req.params.id);
    if (!row) return void res.status(404).json({ errors: [{ status: '404' }] });
    res.json({ data: { type: 'Customer', id: String(row.Id), attributes: row } });
  });
  app.get('/bare/Order', async (req, res) => {
    const employee = Number(req.query.EmployeeId);
    if (!Number.isInteger(employee)) return void res.status(400).json({ errors: [{ status: '400', detail: 'EmployeeId=… is required' }] });
    const orders = await ordersByEmployee(employee, 10);
    const customers = orders.length ? await customersOf([...new Set(orders.map((o) => o.CustomerId))]) : [];
    res.json({
      data: orders.map((o) => ({ type: 'Order', id: String(o.Id), attributes: o })),
      included: customers.map((c) => ({ type: 'Customer', id: String(c.Id), attributes: c })),
    });
  });
  return app;
}

const listen = (app: express.Express): Promise<Server> =>
  new Promise((ok, fail) => {
    const s = app.listen(0, '127.0.0.1');
    s.once('listening', () => ok(s));
    s.once('error', fail);
  });

const project = await openProject(NORTHWIND, { db: dbFile });
const bareDb = project.dbUrl ? postgresReads(project.dbUrl) : sqliteReads(project.dbFile);

const { app } = await createApi(project);
const apiServer = await listen(app);
const bareServer = await listen(bareApp(bareDb));

let closing = false;
process.on('SIGTERM', () => {
  if (closing) return;
  closing = true;
  apiServer.closeAllConnections();
  bareServer.closeAllConnections();
  apiServer.close();
  bareServer.close();
  bareDb.close();
  project.close();
  process.exit(0);
});

const port = (s: Server): number => (s.address() as AddressInfo).port;
process.stdout.write(`${JSON.stringify({ api: port(apiServer), bare: port(bareServer) })}\n`);
