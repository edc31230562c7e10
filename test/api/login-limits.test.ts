/**
 * Logging in cannot be used to guess passwords fast, to tell which names exist, or to stall the
 * API: over real HTTP, failures back off with 429 and Retry-After (and no password check), an
 * unknown name costs the same password check as a known one, too many logins at once are turned
 * away with 503, and the event loop keeps answering while dozens of password checks run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import northwindGrants from '../../projects/northwind/security/grants.js';
import type { SecurityConfig } from '../../src/api/security/access.js';
import { DUMMY_HASH, passwordChecks } from '../../src/api/security/passwords.js';
import { startApi, type TestApi } from '../helpers/api.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

/** bcrypt of "p" */
const P = '$2b$10$IwsVRNvybHX3D.r6.iMSOuhC4p/Gpl9ZBrkMpqqexB0J/usz2pMYa';
const GENEROUS = { perUser: 1000, perAddress: 1000, queuedChecks: 1000 };

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function login(username: string, password: string) {
  const res = await fetch(`${api!.base}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}
const checks = () => passwordChecks.scrypt + passwordChecks.bcrypt;

describe('the same work for every name', () => {
  it('an unknown user, and a row user with no password, cost one password check like a known user (against a hash of the same cost)', async () => {
    api = await startApi();
    sqliteDb(api.nw).prepare(`DELETE FROM _alsx_users WHERE name = 'ANTON'`).run();
    const seeded = sqliteDb(api.nw).prepare(`SELECT password_hash FROM _alsx_users WHERE name = 'ALFKI'`).pluck().get() as string;
    // the dummy hash an unknown name is checked against costs what a customer's does
    expect(DUMMY_HASH.split('$').slice(0, 3)).toEqual(seeded.split('$').slice(0, 3));
    for (const [name, password] of [
      ['ALFKI', 'wrong'], // known, wrong password
      ['nobody', 'p'], // no such user
      ['ANTON', 'p'], // a customer without a password of their own
      ['ALFKI', 'p'], // right
    ]) {
      const before = { ...passwordChecks };
      const r = await login(name!, password!);
      expect(r.status, `${name}/${password}`).toBe(name === 'ALFKI' && password === 'p' ? 200 : 401);
      expect(passwordChecks.scrypt - before.scrypt, `scrypt checks for ${name}/${password}`).toBe(1);
      expect(passwordChecks.bcrypt - before.bcrypt).toBe(0);
    }
    // the answers do not tell a wrong password from a missing user
    const [wrong, unknown] = [await login('BERGS', 'wrong'), await login('NOSUCH', 'wrong')];
    expect(unknown.body).toEqual(wrong.body);
  });
});

describe('back-off', () => {
  it('after 5 failures for a user: 429 with Retry-After and a JSON:API error, without checking the password — not before', async () => {
    api = await startApi();
    for (let i = 1; i <= 5; i++) expect((await login('admin', `guess-${i}`)).status, `failure ${i}`).toBe(401);
    const before = checks();
    const refused = await login('admin', 'p'); // even the right password must wait
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('content-type')).toBe('application/vnd.api+json');
    expect(refused.body.errors[0]).toMatchObject({ status: '429', code: 'too-many-logins' });
    expect(refused.body.errors[0].detail).toMatch(/try again in \d+ s/);
    expect(checks()).toBe(before); // no password check was spent on it
    // other users are not held up by admin's failures
    expect((await login('ALFKI', 'p')).status).toBe(200);
  });

  it("a successful login clears the user's count", async () => {
    api = await startApi();
    for (let i = 1; i <= 4; i++) expect((await login('s1', `guess-${i}`)).status).toBe(401);
    expect((await login('s1', 'p')).status).toBe(200);
    for (let i = 1; i <= 5; i++) expect((await login('s1', `again-${i}`)).status, `failure ${i} after the success`).toBe(401);
    expect((await login('s1', 'p')).status).toBe(429);
  });

  it('an address that fails for many names waits too (loginLimits.perAddress)', async () => {
    api = await startApi({ security: { ...northwindGrants, loginLimits: { perAddress: 3 } } });
    for (const name of ['ALFKI', 'ANATR', 'nobody']) expect((await login(name, 'wrong')).status).toBe(401);
    const refused = await login('BERGS', 'p');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('too many logins at once: beyond the queue of password checks, 503 with Retry-After at once', async () => {
    api = await startApi({ security: { ...northwindGrants, loginLimits: { ...GENEROUS, concurrentChecks: 1, queuedChecks: 2 } } });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => login(`nobody-${i}`, 'wrong')));
    const busy = answers.filter((a) => a.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status === 401).length).toBeGreaterThanOrEqual(3);
    expect(answers.every((a) => a.status === 401 || a.status === 503)).toBe(true);
    expect(busy[0]!.headers.get('retry-after')).toBe('1');
    expect(busy[0]!.body.errors[0]).toMatchObject({ status: '503', code: 'busy' });
  });
});

describe('password checks do not block the event loop', () => {
  /**
   * Fires 40 bad logins at once for `user`, then sends plain GETs one after another and finds the
   * longest run of GETs answered between two login answers. Checked off the event loop, a password
   * check takes many GETs' time, so runs are long (it stops at 5, leaving the cores to the checks);
   * checked on the loop, a GET waits for the check being computed: about one GET per login answer.
   */
  async function getsBetweenLoginAnswers(user: string): Promise<{ run: number; statuses: number[] }> {
    const token = await api!.login('admin');
    let pending = 40;
    let answered = 0;
    const logins = Array.from({ length: 40 }, (_, i) =>
      login(user, `wrong-${i}`).then((r) => {
        pending--;
        answered++;
        return r.status;
      }),
    );
    let longest = 0;
    let run = 0;
    let seen = 0;
    while (pending > 0 && longest < 5) {
      const r = await api!.req('GET', '/Customer/ALFKI', { token, validate: false });
      expect(r.status).toBe(200);
      if (pending === 0 || answered === 0) continue; // only between the first login answer and the last
      if (answered !== seen) [seen, run] = [answered, 0];
      longest = Math.max(longest, ++run);
    }
    return { run: longest, statuses: await Promise.all(logins) };
  }

  it('scrypt (the thread pool): GETs keep being answered while 40 bad logins are checked', async () => {
    api = await startApi({ security: { ...northwindGrants, loginLimits: GENEROUS } });
    const { run, statuses } = await getsBetweenLoginAnswers('admin');
    expect(statuses).toEqual(Array(40).fill(401));
    expect(run).toBe(5);
  });

  it('bcrypt hashes from older grants (a worker thread): the same', async () => {
    const legacy: SecurityConfig = {
      ...northwindGrants,
      users: [...(northwindGrants.users ?? []), { name: 'legacy', password: P, roles: ['admin'] }],
      loginLimits: GENEROUS,
    };
    api = await startApi({ security: legacy });
    const before = passwordChecks.bcrypt;
    expect((await login('legacy', 'p')).status).toBe(200); // a bcrypt hash still verifies
    const { run, statuses } = await getsBetweenLoginAnswers('legacy');
    expect(statuses).toEqual(Array(40).fill(401));
    expect(passwordChecks.bcrypt - before).toBe(41);
    expect(run).toBe(5);
  });
});
