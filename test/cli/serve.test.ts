/** `alsx serve` as a user starts it: a URL on stdout, a clear message for a taken port, a clean stop. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshNorthwind } from '../helpers/northwind.js';
import { alsx, ROOT } from '../helpers/cli.js';

let db: Awaited<ReturnType<typeof freshNorthwind>>;
beforeAll(async () => {
  db = await freshNorthwind();
  db.close();
});
afterAll(() => db.dispose());

function start(args: string[]): Promise<{ url: string; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, [resolve(ROOT, 'bin/alsx.js'), 'serve', 'projects/northwind', '--db', db.file, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (d) => {
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
    });
    child.once('exit', (code) => fail(new Error(`alsx serve exited ${code}: ${out}`)));
  });
}

describe('alsx serve', () => {
  it('prints where the API is, serves it, and stops on SIGTERM with exit 0', async () => {
    const server = await start(['--port', '0']);
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { openapi: string };
    expect(doc.openapi).toBe('3.1.0');
    const login = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"username":"admin","password":"p"}',
    });
    const { access_token } = (await login.json()) as { access_token: string };
    const alfki = (await (
      await fetch(`${server.url}/Customer/ALFKI`, { headers: { Authorization: `Bearer ${access_token}` } })
    ).json()) as any;
    expect(alfki.data.attributes.Balance).toBe(2102);
    expect(await server.stop()).toBe(0);
  });

  it('says so when the port is taken, and exits 2', async () => {
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = alsx(['serve', 'projects/northwind', '--db', db.file, '--port', String(port)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is taken .*--port`));
    } finally {
      blocker.close();
    }
  });

  it('hash-password prints a salted scrypt hash usable in grants.ts', async () => {
    const r = alsx(['hash-password', '-'], { input: 'secret\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+\n$/);
    const { verifyPassword } = await import('../../src/api/security/passwords.js');
    expect(await verifyPassword('secret', r.stdout.trim())).toBe(true);
    expect(await verifyPassword('secreT', r.stdout.trim())).toBe(false);
  });
});
