/**
 * Every user logs in with a password of their own, over real HTTP: Northwind's customers each have
 * their own salted hash (no longer one shared password), an admin sets passwords and ends tokens
 * through the API, a user changes their own, `alsx users` does the same from another process, and
 * the shared row-user password survives only behind the demo switch, which warns.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import northwindGrants from '../../projects/northwind/security/grants.js';
import type { SecurityConfig } from '../../src/api/security/access.js';
import { startApi, type TestApi } from '../helpers/api.js';
import { alsx } from '../helpers/cli.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

/** bcrypt of "p": the one password every customer shared */
const P = '$2b$10$IwsVRNvybHX3D.r6.iMSOuhC4p/Gpl9ZBrkMpqqexB0J/usz2pMYa';

async function login(api: TestApi, username: string, password: string): Promise<{ status: number; token?: string; body: any }> {
  const res = await fetch(`${api.base}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as any;
  return { status: res.status, token: body.access_token, body };
}
const send = async (api: TestApi, method: string, path: string, token: string | null, body?: unknown) => {
  const res = await fetch(`${api.base}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
};
const credentials = (api: TestApi, name: string) =>
  sqliteDb(api.nw).prepare('SELECT password_hash, token_version FROM _alsx_users WHERE name = ?').get(name) as
    | { password_hash: string | null; token_version: number }
    | undefined;

describe('Northwind customers have passwords of their own', () => {
  let api: TestApi;
  let admin: string;
  beforeAll(async () => {
    api = await startApi();
    admin = await api.login('admin');
  });
  afterAll(() => api.close());

  it('each customer has their own salted scrypt hash in _alsx_users (47 customers, 47 different hashes)', () => {
    const rows = sqliteDb(api.nw).prepare('SELECT name, password_hash FROM _alsx_users ORDER BY name').all() as {
      name: string;
      password_hash: string;
    }[];
    const customers = sqliteDb(api.nw).prepare('SELECT Id FROM Customer ORDER BY Id').pluck().all();
    expect(rows.map((r) => r.name)).toEqual(customers);
    expect(rows.length).toBe(47);
    expect(new Set(rows.map((r) => r.password_hash)).size).toBe(47);
    for (const r of rows) expect(r.password_hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
  });

  it("a customer's password does not log in as another customer", async () => {
    const set = await send(api, 'PUT', '/auth/users/ALFKI/password', admin, { password: 'alfki-only-secret' });
    expect(set.status).toBe(204);
    expect((await login(api, 'ALFKI', 'alfki-only-secret')).status).toBe(200);
    expect((await login(api, 'ANATR', 'alfki-only-secret')).status).toBe(401);
    expect((await login(api, 'ALFKI', 'p')).status).toBe(401); // the old one is gone
    expect((await login(api, 'ANATR', 'p')).status).toBe(200); // the others keep theirs
  });

  it('the admin sets a password through the API; a name that is no user is 404 naming it; a short password is 400', async () => {
    expect((await send(api, 'PUT', '/auth/users/ANTON/password', admin, { password: 'anton-new-pass' })).status).toBe(204);
    expect((await login(api, 'ANTON', 'anton-new-pass')).status).toBe(200);
    const missing = await send(api, 'PUT', '/auth/users/NOSUCH/password', admin, { password: 'long-enough-1' });
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].detail).toMatch(/there is no user NOSUCH/);
    const short = await send(api, 'PUT', '/auth/users/ANTON/password', admin, { password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.errors[0]).toMatchObject({ source: { pointer: '/password' } });
    expect(short.body.errors[0].detail).toMatch(/at least 8 characters/);
    expect((await login(api, 'ANTON', 'anton-new-pass')).status).toBe(200); // unchanged
    // an admin of grants.ts gets a password in _alsx_users too, which then wins over the hash in grants.ts
    expect((await send(api, 'PUT', '/auth/users/s1/password', admin, { password: 's1-new-password' })).status).toBe(204);
    expect((await login(api, 's1', 's1-new-password')).status).toBe(200);
    expect((await login(api, 's1', 'p')).status).toBe(401);
  });

  it("neither a customer nor sales may set another's password or end their tokens (403), nor learn who exists", async () => {
    const customer = (await login(api, 'ANATR', 'p')).token!;
    const s1 = await api.login('s1', 's1-new-password');
    for (const token of [customer, s1]) {
      for (const name of ['BERGS', 'NOSUCH', 'admin']) {
        const set = await send(api, 'PUT', `/auth/users/${name}/password`, token, { password: 'taken-over-1' });
        expect(set.status).toBe(403);
        expect(set.body.errors[0].detail).toMatch(/manageUsers/);
        expect((await send(api, 'POST', `/auth/users/${name}/revoke`, token)).status).toBe(403);
      }
    }
    expect((await login(api, 'BERGS', 'p')).status).toBe(200);
    expect((await send(api, 'PUT', '/auth/users/BERGS/password', null, { password: 'taken-over-1' })).status).toBe(401);
  });

  it("revoking ends a user's existing tokens at once (401); a new login works", async () => {
    const token = (await login(api, 'BLAUS', 'p')).token!;
    expect((await api.req('GET', '/Customer/BLAUS', { token })).status).toBe(200);
    expect((await send(api, 'POST', '/auth/users/BLAUS/revoke', admin)).status).toBe(204);
    const after = await api.req('GET', '/Customer/BLAUS', { token });
    expect(after.status).toBe(401);
    expect(after.body.errors[0].detail).toMatch(/invalid or has expired/);
    const again = (await login(api, 'BLAUS', 'p')).token!;
    expect((await api.req('GET', '/Customer/BLAUS', { token: again })).status).toBe(200);
    expect((await send(api, 'POST', '/auth/users/NOSUCH/revoke', admin)).status).toBe(404);
  });

  it('a user changes their own password with the current one; their other tokens end, the answer carries a new one', async () => {
    const old = (await login(api, 'BOLID', 'p')).token!;
    const wrong = await send(api, 'PUT', '/auth/password', old, { current: 'nope', password: 'bolid-new-pass' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.errors[0].detail).toBe('the current password is wrong');
    const short = await send(api, 'PUT', '/auth/password', old, { current: 'p', password: 'x' });
    expect(short.status).toBe(400);
    const changed = await send(api, 'PUT', '/auth/password', old, { current: 'p', password: 'bolid-new-pass' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ token_type: 'Bearer', user: 'BOLID', roles: ['customer'] });
    expect((await api.req('GET', '/Customer/BOLID', { token: old })).status).toBe(401);
    expect((await api.req('GET', '/Customer/BOLID', { token: changed.body.access_token })).status).toBe(200);
    expect((await login(api, 'BOLID', 'p')).status).toBe(401);
    expect((await login(api, 'BOLID', 'bolid-new-pass')).status).toBe(200);
  });

  it('alsx users, from another process: set-password then the API login works; revoke ends a token the API gave', async () => {
    const token = (await login(api, 'BONAP', 'p')).token!;
    const set = alsx(['users', 'set-password', 'projects/northwind', 'BONAP', '--db', api.nw.file, '--password-stdin'], {
      input: 'bonap-from-cli\n',
    });
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect((await login(api, 'BONAP', 'bonap-from-cli')).status).toBe(200);
    expect((await login(api, 'BONAP', 'p')).status).toBe(401);
    expect((await api.req('GET', '/Customer/BONAP', { token })).status).toBe(401); // a new password ends the old tokens
    const fresh = (await login(api, 'BONAP', 'bonap-from-cli')).token!;
    expect((await api.req('GET', '/Customer/BONAP', { token: fresh })).status).toBe(200);
    const revoke = alsx(['users', 'revoke', 'projects/northwind', 'BONAP', '--db', api.nw.file]);
    expect(revoke.code).toBe(0);
    expect((await api.req('GET', '/Customer/BONAP', { token: fresh })).status).toBe(401);
    expect(credentials(api, 'BONAP')?.token_version).toBeGreaterThanOrEqual(2);
  });
});

describe('user attributes', () => {
  let api: TestApi;
  afterAll(() => api?.close());

  it("_alsx_users.attributes become the user's attributes at login, in the token, and in grant filters", async () => {
    const config: SecurityConfig = {
      ...northwindGrants,
      users: [...(northwindGrants.users ?? []), { name: 'rep', password: P, roles: ['regional'] }],
      roles: { ...northwindGrants.roles, regional: { Customer: { can: 'r', where: (u) => ({ Country: u.attributes?.country }) } } },
    };
    api = await startApi({ security: config });
    sqliteDb(api.nw).prepare(`INSERT INTO _alsx_users (name, attributes) VALUES ('rep', '{"country":"Germany"}')`).run();
    const r = await login(api, 'rep', 'p');
    expect(r.status).toBe(200);
    const claims = JSON.parse(Buffer.from(r.token!.split('.')[1]!, 'base64url').toString());
    expect(claims.attrs).toEqual({ country: 'Germany' });
    const seen = await api.req('GET', '/Customer?page%5Blimit%5D=100', { token: r.token });
    expect(seen.status).toBe(200);
    const countries = new Set(seen.body.data.map((c: any) => c.attributes.Country));
    expect([...countries]).toEqual(['Germany']);
    const germans = sqliteDb(api.nw).prepare(`SELECT count(*) FROM Customer WHERE Country = 'Germany'`).pluck().get();
    expect(seen.body.data.length).toBe(germans);
  });
});

describe('the shared row-user password', () => {
  let api: TestApi | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await api?.close();
    api = undefined;
  });
  const sharing = (demo: boolean): SecurityConfig => ({
    ...northwindGrants,
    rowUsers: [{ table: 'Customer', column: 'Id', roles: ['customer'], password: P }],
    ...(demo ? { demoSharedPassword: true } : {}),
  });
  /** starts an API, catching what it writes to stderr */
  const start = async (config: SecurityConfig) => {
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
      stderr.push(String(chunk));
      return true;
    });
    api = await startApi({ security: config });
    // ALFKI without a password of their own, as a customer of a project that only had the shared one
    sqliteDb(api.nw).prepare(`DELETE FROM _alsx_users WHERE name = 'ALFKI'`).run();
    return stderr.join('');
  };

  it('is refused without the demo switch: a row user with no password of their own cannot log in', async () => {
    const stderr = await start(sharing(false));
    expect((await login(api!, 'ALFKI', 'p')).status).toBe(401);
    expect((await login(api!, 'ANATR', 'p')).status).toBe(200); // their own, from _alsx_users
    expect(stderr).toMatch(/the shared password is ignored/);
    expect(stderr).not.toMatch(/DEMO ONLY/);
  });

  it('works only with demoSharedPassword: true, and the API warns at start-up on stderr', async () => {
    const stderr = await start(sharing(true));
    expect(stderr).toMatch(/warning: DEMO ONLY: demoSharedPassword is on .* any of them can log in as any other/);
    expect((await login(api!, 'ALFKI', 'p')).status).toBe(200);
    expect((await login(api!, 'ALFKI', 'q')).status).toBe(401);
  });
});
