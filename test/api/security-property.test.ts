/**
 * Row security as a property, over real HTTP: random users send random requests drawn from every
 * route of the OpenAPI document — reads with filters across relationships, includes, sorts; writes
 * by attribute and by relationship; atomic operations; the custom endpoint; request/reply methods
 * through a real broker and worker — with ids of their own
 * rows, of others' and of none. Whatever they send:
 *   - a row they may not see is answered exactly as a row that does not exist: every request goes to
 *     two servers, one over Northwind and one over Northwind without the other customers' rows, and
 *     the two answers must be the same, byte for byte (ports aside) — reads, writes and errors;
 *   - no answer shows another customer's id or name, or a row of theirs;
 *   - nothing the user may not change changes (others' rows, the catalog, their own credit limit and
 *     shipped orders), nothing answers 5xx, and every derived value is still what the rules say.
 * Seeded and bounded: ALSX_SECURITY_SEED reproduces a run, ALSX_SECURITY_REQUESTS sets its length.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { buildModel, type ApiModel, type ResourceType } from '../../src/api/jsonapi/model.js';
import { audit } from '../../src/rules/audit.js';
import type { Row } from '../../src/store/types.js';
import { ATOMIC, startApi, type TestApi } from '../helpers/api.js';
import { seeded } from '../helpers/random.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

const SEED = Number(process.env.ALSX_SECURITY_SEED ?? 14);
const REQUESTS = Number(process.env.ALSX_SECURITY_REQUESTS ?? 300);

let api: TestApi;
/** the same Northwind without the rows the user may not see (for customers) */
let twin: TestApi | undefined;
let model: ApiModel;
let paths: { path: string; method: string }[];
const rand = seeded(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const chance = (p: number) => rand() < p;
const enc = (s: string) => s.replace(/\[/g, '%5B').replace(/\]/g, '%5D');

const all = (sql: string, ...params: unknown[]): Row[] => api.nw.store.all(sql, params as never[]);

/** whose a row is: the customer it belongs to (null for the shared catalog) */
function ownerOf(table: string, id: string): string | null | undefined {
  if (table === 'Customer') return all('SELECT Id FROM Customer WHERE Id = ?', id)[0]?.Id as string | undefined;
  if (table === 'Order') return all('SELECT CustomerId FROM "Order" WHERE Id = ?', Number(id))[0]?.CustomerId as string | undefined;
  if (table === 'OrderDetail')
    return all('SELECT o.CustomerId FROM OrderDetail d JOIN "Order" o ON o.Id = d.OrderId WHERE d.Id = ?', Number(id))[0]?.CustomerId as
      | string
      | undefined;
  return null;
}

/** a digest of every row the user may not change: others' customers, orders and items; all of the catalog */
function othersDigest(user: string): string {
  const hash = createHash('sha256');
  for (const table of model.byTable.keys()) hash.update(table).update(JSON.stringify(notTheirs(user, table)));
  return hash.digest('hex');
}

function notTheirs(user: string, table: string): Row[] {
  const owned = ['Customer', 'Order', 'OrderDetail'].includes(table);
  if (user === 's1') {
    if (owned) return []; // sales may change every customer, order and item
    const rows = all(`SELECT * FROM "${table}" ORDER BY rowid`);
    // shipping an order (which sales may) moves stock: the rules' work, not the user's
    return table === 'Product' ? rows.map(({ UnitsShipped: _s, UnitsInStock: _i, ...rest }) => rest) : rows;
  }
  if (!owned) return all(`SELECT * FROM "${table}" ORDER BY rowid`);
  // others' rows; of their own, the credit limit and what has shipped (the balance and counts are the rules')
  if (table === 'Customer')
    return all('SELECT * FROM Customer ORDER BY Id').map((c) => (c.Id === user ? { Id: c.Id!, CreditLimit: c.CreditLimit! } : c));
  if (table === 'Order') return all('SELECT * FROM "Order" WHERE CustomerId <> ? OR ShippedDate IS NOT NULL ORDER BY Id', user);
  return all(
    'SELECT d.* FROM OrderDetail d JOIN "Order" o ON o.Id = d.OrderId WHERE o.CustomerId <> ? OR o.ShippedDate IS NOT NULL ORDER BY d.Id',
    user,
  );
}

/** ids to try for a type: the user's own, others', none, and hostile text */
function someId(type: ResourceType, user: string): string {
  const t = type.table.name;
  const own =
    t === 'Customer'
      ? [user]
      : t === 'Order'
        ? all('SELECT Id FROM "Order" WHERE CustomerId = ?', user).map((r) => String(r.Id))
        : t === 'OrderDetail'
          ? all('SELECT d.Id FROM OrderDetail d JOIN "Order" o ON o.Id = d.OrderId WHERE o.CustomerId = ?', user).map((r) => String(r.Id))
          : [];
  const any = all(`SELECT ${type.table.primaryKey.map((c) => `"${c}"`).join(', ')} FROM "${t}" ORDER BY random() LIMIT 3`).map((r) =>
    type.table.primaryKey.map((c) => String(r[c])).join(','),
  );
  return pick([...own, ...own, ...any, 'NOSUCH', '99999', "1' OR '1'='1", '10750']) ?? '1';
}

/** a column path from `type` through up to two to-one relationships */
function somePath(type: ResourceType): { text: string; owner: ResourceType } {
  let at = type;
  const parts: string[] = [];
  for (let depth = 0; depth < 2 && chance(0.5); depth++) {
    const toOne = [...at.relationships.values()].filter((r) => r.kind === 'toOne');
    if (!toOne.length) break;
    const rel = pick(toOne);
    parts.push(rel.name);
    at = model.types.get(rel.target)!;
  }
  parts.push(at.memberOf.get(pick(at.attributes).name)!);
  return { text: parts.join('.'), owner: at };
}

function someValue(owner: ResourceType, attribute: string): string {
  const col = owner.attributesByName.get(attribute);
  if (!col) return '1';
  const v = all(`SELECT "${col.name}" AS v FROM "${owner.table.name}" ORDER BY random() LIMIT 1`)[0]?.v;
  return v === null || v === undefined ? '0' : String(v);
}

function someQuery(type: ResourceType, collection: boolean): string {
  const params: string[] = [];
  if (collection && chance(0.7)) {
    const p = somePath(type);
    const op = pick(['', '[gt]', '[lt]', '[ne]', '[isnull]', '[in]', '[like]']);
    const attr = p.text.split('.').at(-1)!;
    params.push(`filter[${p.text}]${op}=${encodeURIComponent(op === '[like]' ? '%a%' : someValue(p.owner, attr))}`);
  }
  if (chance(0.4)) {
    const rel = [...type.relationships.values()];
    if (rel.length) params.push(`include=${pick(rel).name}`);
  }
  if (collection && chance(0.3)) params.push(`sort=${chance(0.5) ? '-' : ''}${type.memberOf.get(pick(type.attributes).name)}`);
  if (collection && chance(0.3)) params.push(`page[limit]=${pick([1, 5, 100])}`);
  return params.length ? `?${enc(params.join('&'))}` : '';
}

function someAttributes(type: ResourceType, user: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const col of type.attributes) {
    if (!chance(0.3)) continue;
    const member = type.memberOf.get(col.name)!;
    const fk = [...type.relationships.values()].find((r) => r.kind === 'toOne' && r.fk.childColumns[0] === col.name);
    if (fk) {
      const id = someId(model.types.get(fk.target)!, user);
      out[member] = col.kind === 'integer' && /^\d+$/.test(id) ? Number(id) : id;
    } else {
      const v = someValue(type, member);
      out[member] = col.kind === 'integer' || col.kind === 'decimal' || col.kind === 'real' ? Number(v) : v;
    }
  }
  return out;
}

function someResource(type: ResourceType, user: string, id?: string): Record<string, unknown> {
  const relationships: Record<string, unknown> = {};
  for (const rel of type.relationships.values()) {
    if (rel.kind !== 'toOne' || !chance(0.2)) continue;
    relationships[rel.name] = { data: chance(0.1) ? null : { type: rel.target, id: someId(model.types.get(rel.target)!, user) } };
  }
  return {
    type: type.type,
    ...(id ? { id } : {}),
    attributes: someAttributes(type, user),
    ...(Object.keys(relationships).length ? { relationships } : {}),
  };
}

interface Request {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

const writable = () => [...model.types.values()].filter((t) => !t.readOnly);

/** a request/reply call: Northwind's methods with ids of the user's own rows, of others' and of none */
function someCall(user: string): Request {
  const customer = () => pick([user, user, 'ANATR', 'GOURL', 'NOSUCH']);
  const [name, params] = pick([
    ['find_customer', () => ({ id: customer() })],
    ['customer_balance', () => ({ id: customer() })],
    ['find_order', () => ({ id: Number(someId(model.types.get('Order')!, user)) || 99999 })],
    ['find_product', () => ({ name: pick(['Chai', 'Chang', 'Nope']) })],
    ['credit_report', () => ({})],
  ] as const);
  const p = params() as Record<string, string | number>;
  if (chance(0.5)) return { method: 'POST', path: `/rpc/northwind/${name}`, body: p, headers: { 'Content-Type': 'application/json' } };
  const query = new URLSearchParams(Object.entries(p).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return { method: 'GET', path: `/rpc/northwind/${name}${query ? `?${query}` : ''}` };
}

function someRequest(user: string): Request {
  if (chance(0.08)) return someCall(user);
  const route = pick(paths);
  const method = route.method.toUpperCase();
  if (route.path === '/api/operations') {
    const ops = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => {
      const type = pick(writable());
      const op = pick(['add', 'update', 'remove']);
      if (op === 'add') return { op, data: someResource(type, user) };
      const id = someId(type, user);
      return op === 'update' ? { op, data: someResource(type, user, id) } : { op, ref: { type: type.type, id } };
    });
    return { method: 'POST', path: '/operations', body: { 'atomic:operations': ops }, headers: { 'Content-Type': ATOMIC, Accept: ATOMIC } };
  }
  if (route.path === '/api/ServicesEndPoint/OrderB2B') {
    const order = {
      AccountId: pick([user, user, 'ANATR', 'GOURL', 'NOSUCH']),
      Given: 'Steven',
      Surname: 'Buchanan',
      Items: [{ ProductName: pick(['Chai', 'Chang', 'Nope']), QuantityOrdered: pick([1, 2, 2000]) }],
    };
    return {
      method,
      path: '/ServicesEndPoint/OrderB2B',
      body: chance(0.5) ? { meta: { args: { order } } } : order,
      headers: { 'Content-Type': 'application/json' },
    };
  }
  const m = /^\/api\/([^/]+)(?:\/\{id\}(?:\/(relationships\/)?([^/]+))?)?$/.exec(route.path);
  const type = m && model.types.get(decodeURIComponent(m[1]!));
  if (!type) return { method: 'GET', path: route.path.replace(/^\/api/, '') };
  const base = `/${type.path}`;
  if (!route.path.includes('{id}')) {
    if (method === 'POST')
      return { method, path: base, body: { data: someResource(type, user, chance(0.2) ? someId(type, user) : undefined) } };
    return { method, path: `${base}${someQuery(type, true)}` };
  }
  const id = someId(type, user);
  const at = `${base}/${encodeURIComponent(id)}`;
  if (!m![3]) {
    if (method === 'PATCH') return { method, path: at, body: { data: someResource(type, user, id) } };
    return { method, path: method === 'GET' ? `${at}${someQuery(type, false)}` : at };
  }
  const rel = type.relationships.get(m![3]!)!;
  if (!m![2]) return { method, path: `${at}/${rel.name}${someQuery(model.types.get(rel.target)!, rel.kind === 'toMany')}` };
  const target = model.types.get(rel.target)!;
  const ident = () => ({ type: target.type, id: someId(target, user) });
  const data = rel.kind === 'toOne' ? (chance(0.2) ? null : ident()) : Array.from({ length: Math.floor(rand() * 3) }, ident);
  return { method, path: `${at}/relationships/${rel.name}`, body: method === 'GET' ? undefined : { data } };
}

/** names that belong to other customers: their ids and company names */
function secretsOf(user: string): Set<string> {
  if (user === 's1') return new Set();
  return new Set(all('SELECT Id, CompanyName FROM Customer WHERE Id <> ?', user).flatMap((r) => [String(r.Id), String(r.CompanyName)]));
}

/** every resource object in an answer */
function resources(body: any): { type: string; id: string }[] {
  if (!body || typeof body !== 'object') return [];
  const data = body.data === undefined ? [] : Array.isArray(body.data) ? body.data : [body.data];
  const results = Array.isArray(body['atomic:results']) ? body['atomic:results'].map((r: any) => r.data).filter(Boolean) : [];
  return [...data, ...(body.included ?? []), ...results].filter((r) => r && typeof r === 'object' && typeof r.id === 'string');
}

/** the answer with what differs between two servers for no reason of security taken out: ports, transaction ids */
function normal(body: unknown, base: string): string {
  return JSON.stringify(body ?? null, (k, v) => (k === 'tx' || k === 'ms' || k === 'request_id' ? undefined : v)).replaceAll(base, 'BASE');
}

/**
 * Others' customers, orders and items deleted (without the rules: what is stored stays as it is) —
 * but for the orders the user's own rows still point to, which stay as blank stubs of another
 * customer: what a leak through such a link would show differs between the two worlds.
 */
function prune(target: TestApi, customer: string): void {
  const db = sqliteDb(target.nw);
  db.pragma('foreign_keys = OFF');
  db.prepare('DELETE FROM OrderDetail WHERE OrderId IN (SELECT Id FROM "Order" WHERE CustomerId <> ?)').run(customer);
  const linked = 'SELECT CloneFromOrder FROM "Order" WHERE CustomerId = ? AND CloneFromOrder IS NOT NULL';
  db.prepare(`DELETE FROM "Order" WHERE CustomerId <> ? AND Id NOT IN (${linked})`).run(customer, customer);
  db.prepare(
    `UPDATE "Order" SET CustomerId = 'GONE', EmployeeId = 1, OrderDate = NULL, RequiredDate = NULL, ShippedDate = NULL, ShipVia = NULL,
       Freight = 0, ShipName = NULL, ShipAddress = NULL, ShipCity = NULL, ShipRegion = NULL, ShipPostalCode = NULL, ShipCountry = NULL,
       AmountTotal = 0, OrderDetailCount = 0, CloneFromOrder = NULL WHERE CustomerId <> ?`,
  ).run(customer);
  db.prepare('DELETE FROM Customer WHERE Id <> ?').run(customer);
  db.pragma('foreign_keys = ON');
}

/** links from the user's orders to others' (as an admin may make them): paths a filter could follow */
function crossLink(target: TestApi, customer: string): void {
  const db = sqliteDb(target.nw);
  const others = db.prepare('SELECT Id FROM "Order" WHERE CustomerId <> ? ORDER BY Id LIMIT 7').pluck().all(customer) as number[];
  const mine = db.prepare('SELECT Id FROM "Order" WHERE CustomerId = ? ORDER BY Id').pluck().all(customer) as number[];
  mine.forEach((id, i) => {
    if (i % 2 === 0) db.prepare('UPDATE "Order" SET CloneFromOrder = ? WHERE Id = ?').run(others[i % others.length]!, id);
  });
}

async function start(user: string): Promise<void> {
  api = await startApi({ kafkaRpc: true });
  model = buildModel(api.nw.store.schema);
  const doc = (await api.req('GET', '/openapi.json', { validate: false })).body;
  paths = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
    Object.keys(ops)
      .filter((m) => ['get', 'post', 'patch', 'delete'].includes(m) && path !== '/api/auth/login' && !path.startsWith('/api/rpc'))
      .map((method) => ({ path, method })),
  );
  if (user === 's1') return;
  twin = await startApi({ kafkaRpc: true });
  crossLink(api, user);
  crossLink(twin, user);
  prune(twin, user);
}

afterEach(async () => {
  await api?.close();
  await twin?.close();
  twin = undefined;
});

describe(`random requests from every route, as random users (seed ${SEED}, ${REQUESTS} requests each)`, () => {
  for (const user of ['ALFKI', 'ANATR', 's1']) {
    it(`${user} sees only what is theirs to see, changes only what is theirs to change`, async () => {
      await start(user);
      expect(paths.length).toBeGreaterThan(50);
      const token = await api.login(user);
      const twinToken = await twin?.login(user);
      const secrets = secretsOf(user);
      const before = othersDigest(user);
      const statuses = new Map<number, number>();
      let calls = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const r = someRequest(user);
        const reply = await api.req(r.method, r.path, { token, body: r.body, headers: r.headers, validate: false });
        const what = `#${i} ${user} ${r.method} ${decodeURIComponent(r.path)} ${JSON.stringify(r.body ?? '')} → ${reply.status}`;
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        if (r.path.startsWith('/rpc/') && reply.status === 200) calls++;
        expect(reply.status, what).toBeLessThan(500);
        if (twin) {
          const seen = await twin.req(r.method, r.path, { token: twinToken, body: r.body, headers: r.headers, validate: false });
          expect(`${seen.status} ${normal(seen.body, twin.base)}`, `${what}: answered unlike a world without others' rows`).toBe(
            `${reply.status} ${normal(reply.body, api.base)}`,
          );
        }
        // a name the user wrote themselves (an id they asked for, a company name they typed) is theirs to see
        const asked = `${decodeURIComponent(r.path)} ${JSON.stringify(r.body ?? '')}`;
        for (const s of secrets) if (asked.includes(s)) secrets.delete(s);
        const text = JSON.stringify(reply.body ?? '');
        for (const s of secrets) expect(text.includes(s), `${what} shows ${s}: ${text.slice(0, 400)}`).toBe(false);
        if (user !== 's1') {
          for (const res of resources(reply.body)) {
            const owner = ownerOf(model.types.get(res.type)?.table.name ?? res.type, res.id);
            if (owner !== null && owner !== undefined) expect(owner, `${what} shows ${res.type} ${res.id}`).toBe(user);
          }
        }
      }
      expect(othersDigest(user), `${user} changed what was not theirs`).toBe(before);
      // the requests did real work, not only refusals
      expect([...statuses.entries()].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0)).toBeGreaterThan(REQUESTS / 10);
      expect(calls, 'request/reply calls answered').toBeGreaterThan(3);
      expect(audit(api.nw.store, api.nw.rules).drift).toEqual([]);
    });
  }
});
