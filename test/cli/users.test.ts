/** `alsx users`: a project's logins from the shell — passwords never from the command line. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/api/security/passwords.js';
import { alsx } from '../helpers/cli.js';
import { freshNorthwind } from '../helpers/northwind.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

const P = 'projects/northwind';
let db: Awaited<ReturnType<typeof freshNorthwind>>;
beforeAll(async () => {
  db = await freshNorthwind();
});
afterAll(() => db.dispose());
const stored = (name: string) =>
  sqliteDb(db).prepare('SELECT password_hash AS hash, token_version AS version, attributes FROM _alsx_users WHERE name = ?').get(name) as
    | { hash: string | null; version: number; attributes: string }
    | undefined;

describe('alsx users', () => {
  it.each([[['users']], [['users', 'set-password']], [['users', 'revoke']], [['users', 'list']], [['users', 'set-attributes']]])(
    'alsx %j --help explains usage and exits 0',
    (cmd) => {
      const r = alsx([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: alsx ${cmd.join(' ')} `));
    },
  );

  it('set-password reads the new password from stdin (--password-stdin), stores a salted scrypt hash and raises the token version', async () => {
    const before = stored('ALFKI')!;
    const r = alsx(['users', 'set-password', P, 'ALFKI', '--db', db.file, '--password-stdin'], { input: 'correct horse\nignored\n' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ALFKI: password set/);
    const after = stored('ALFKI')!;
    expect(after.hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    expect(after.hash).not.toBe(before.hash);
    expect(after.version).toBe(before.version + 1);
    expect(await verifyPassword('correct horse', after.hash!)).toBe(true);
  });

  it('never takes the password from the command line, asks for a terminal without --password-stdin, and refuses short ones', () => {
    const argv = alsx(['users', 'set-password', P, 'ANATR', 'secret-on-argv', '--db', db.file]);
    expect(argv.code).toBe(2);
    const noTerminal = alsx(['users', 'set-password', P, 'ANATR', '--db', db.file], { input: 'piped-but-not-asked\n' });
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.stderr).toMatch(/no terminal to ask the password on: pipe it in with --password-stdin/);
    const short = alsx(['users', 'set-password', P, 'ANATR', '--db', db.file, '--password-stdin'], { input: 'p\n' });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/at least 8 characters/);
    expect(stored('ANATR')!.version).toBe(0); // nothing changed
  });

  it('a name that is neither a user of grants.ts nor a customer is named in the error', () => {
    for (const cmd of [['set-password', '--password-stdin'], ['revoke']]) {
      const r = alsx(['users', cmd[0]!, P, 'NOSUCH', '--db', db.file, ...cmd.slice(1)], { input: 'long enough\n' });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/there is no user NOSUCH \(NOSUCH is not a user of security\/grants\.ts, nor a Customer Id\)/);
    }
    expect(stored('NOSUCH')).toBeUndefined();
  });

  it('revoke raises the token version; set-attributes stores a JSON object; list shows who can log in', () => {
    expect(alsx(['users', 'revoke', P, 'admin', '--db', db.file]).code).toBe(0);
    expect(stored('admin')).toMatchObject({ hash: null, version: 1 });
    expect(alsx(['users', 'set-attributes', P, 'ANTON', '{"region":"WA"}', '--db', db.file]).code).toBe(0);
    expect(JSON.parse(stored('ANTON')!.attributes)).toEqual({ region: 'WA' });
    expect(alsx(['users', 'set-attributes', P, 'ANTON', '[1]', '--db', db.file]).code).toBe(2);
    sqliteDb(db).prepare(`DELETE FROM _alsx_users WHERE name = 'BERGS'`).run();
    const r = alsx(['users', 'list', P, '--db', db.file, '--json']);
    expect(r.code).toBe(0);
    const listing = JSON.parse(r.stdout);
    const by = new Map(listing.users.map((u: any) => [u.name, u]));
    expect(by.get('admin')).toMatchObject({ kind: 'fixed', roles: ['admin'], password: 'grants.ts', tokenVersion: 1 });
    expect(by.get('ALFKI')).toMatchObject({ kind: 'row', roles: ['customer'], password: '_alsx_users', tokenVersion: 1 });
    expect(by.get('ANTON')).toMatchObject({ attributes: { region: 'WA' } });
    expect(by.has('BERGS')).toBe(false);
    expect(listing.withoutPassword).toEqual([{ table: 'Customer', count: 1 }]);
    const text = alsx(['users', 'list', P, '--db', db.file]);
    expect(text.stdout).toMatch(/^admin\s+fixed\s+admin\s+password from grants\.ts/m);
    expect(text.stdout).toMatch(/1 Customer row without a password \(they cannot log in\)/);
  });
});
