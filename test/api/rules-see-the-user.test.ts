/**
 * Rules see the user behind an API request. A copy of Northwind with two more columns on Order
 * (Northwind itself keeps API Logic Server's schema, so its rules run on ALS's own database) stamps
 * them with one line each of logic/rules.ts: CreatedBy (a default) and UpdatedBy (a formula
 * reading the user). Every transaction's record names its user.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/api/server.js';
import { openProject, type OpenProject } from '../../src/project/load.js';
import { txRecord, type TxRecord } from '../../src/runtime/protocol.js';
import { NORTHWIND } from '../helpers/northwind.js';

/** the lines a project adds to stamp its orders */
const STAMPS = `  defaults(Order, { CreatedBy: (_now, { user }) => user?.name ?? null }),
  formula(Order.UpdatedBy, (_o, { old, user }) => user?.name ?? old?.UpdatedBy ?? null),
`;

/** Northwind, copied, with Order.CreatedBy and Order.UpdatedBy and the rules that stamp them */
function stampedNorthwind(dir: string): string {
  const copy = join(dir, 'northwind-stamped');
  cpSync(NORTHWIND, copy, { recursive: true, filter: (src) => !src.includes('.alsx') });
  const edit = (file: string, from: string, to: string) => {
    const text = readFileSync(join(copy, file), 'utf8');
    if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
    writeFileSync(join(copy, file), text.replace(from, to));
  };
  edit(
    'db/schema.sql',
    `"CloneFromOrder"   INTEGER REFERENCES "Order" ("Id") ON DELETE SET NULL\n`,
    `$&  , "CreatedBy" TEXT, "UpdatedBy" TEXT\n`,
  );
  edit(
    'models.ts',
    `  CloneFromOrder: integer('CloneFromOrder'),\n`,
    `$&  CreatedBy: text('CreatedBy'),\n  UpdatedBy: text('UpdatedBy'),\n`,
  );
  edit('logic/rules.ts', '  defaults(Customer, ', `${STAMPS}  defaults(Customer, `);
  return copy;
}

describe('ctx.user over HTTP', () => {
  let dir: string;
  let project: OpenProject;
  let server: Server;
  let base: string;
  const records: TxRecord[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'alsx-stamped-'));
    project = await openProject(stampedNorthwind(dir), { onOutcome: (o) => records.push(txRecord(o, 'api')) });
    const { app } = await createApi(project);
    server = await new Promise((ok) => {
      const s = app.listen(0, '127.0.0.1', () => ok(s));
    });
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/api`;
  });
  afterAll(async () => {
    await new Promise((ok) => server?.close(ok));
    project?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const tokens = new Map<string, string>();
  const as = async (user: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    if (!tokens.has(user)) {
      const r = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: user, password: 'p' }),
      });
      tokens.set(user, ((await r.json()) as { access_token: string }).access_token);
    }
    const headers = { Authorization: `Bearer ${tokens.get(user)}`, 'Content-Type': 'application/vnd.api+json' };
    const r = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  };
  const order = async (id: string) => (await as('admin', 'GET', `/Order/${id}`)).body.data.attributes;

  it('PATCH as ALFKI stamps ALFKI as the one who last changed the order; an admin after that stamps admin', async () => {
    expect(await order('10702')).toMatchObject({ CreatedBy: null, UpdatedBy: null });
    const r = await as('ALFKI', 'PATCH', '/Order/10702', {
      data: { type: 'Order', id: '10702', attributes: { ShipName: 'Alfreds, upstairs' } },
    });
    expect(r.status).toBe(200);
    expect(r.body.data.attributes).toMatchObject({ ShipName: 'Alfreds, upstairs', UpdatedBy: 'ALFKI', CreatedBy: null });
    expect(records.at(-1)).toMatchObject({ ok: true, origin: 'api', user: 'ALFKI' });
    const byAdmin = await as('admin', 'PATCH', '/Order/10702', {
      data: { type: 'Order', id: '10702', attributes: { ShipName: 'Alfreds' } },
    });
    expect(byAdmin.body.data.attributes.UpdatedBy).toBe('admin');
    expect(records.at(-1)?.user).toBe('admin');
  });

  it('POST as ALFKI stamps ALFKI as the creator; adding an item to it (which changes its total) stamps the order too', async () => {
    const r = await as('ALFKI', 'POST', '/Order', { data: { type: 'Order', attributes: { CustomerId: 'ALFKI', EmployeeId: 5 } } });
    expect(r.status).toBe(201);
    expect(r.body.data.attributes).toMatchObject({ CreatedBy: 'ALFKI', UpdatedBy: 'ALFKI' });
    const id = r.body.data.id as string;
    const item = await as('admin', 'POST', '/OrderDetail', {
      data: { type: 'OrderDetail', attributes: { OrderId: Number(id), ProductId: 1, Quantity: 1 } },
    });
    expect(item.status).toBe(201);
    expect(await order(id)).toMatchObject({ CreatedBy: 'ALFKI', UpdatedBy: 'admin' });
  });

  it('a customer may not write the stamps themselves (they are not among the columns it may set)', async () => {
    const r = await as('ALFKI', 'PATCH', '/Order/10702', { data: { type: 'Order', id: '10702', attributes: { UpdatedBy: 'ANATR' } } });
    expect(r.status).toBe(403);
    expect(r.body.errors[0].detail).toBe('ALFKI may not change Order.UpdatedBy');
  });

  it('a transaction without a user (alsx tx, scenarios) leaves the stamps as they were', async () => {
    const before = await order('10702');
    const out = project.engine.run([{ update: 'Order', key: 10702, set: { ShipName: 'by tx' } }], { origin: 'cli' });
    expect(out.ok).toBe(true);
    expect(out.user).toBeUndefined();
    expect(await order('10702')).toMatchObject({ ShipName: 'by tx', UpdatedBy: before.UpdatedBy, CreatedBy: before.CreatedBy });
  });
});
