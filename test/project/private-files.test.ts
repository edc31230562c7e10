/**
 * A project's runtime state is its owner's alone: what alsx creates under .alsx (the working
 * database and its -wal/-shm, the traces, the broker's logs, the JWT secret) is mode 600 and its
 * folders 700, whatever the umask; state left readable by an older alsx is tightened on open.
 */
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Storage } from '../../src/kafka/broker/storage.js';
import { readProject } from '../../src/project/load.js';
import { Supervisor } from '../../src/runtime/supervisor.js';
import { NORTHWIND } from '../helpers/northwind.js';
import { waitFor } from '../helpers/wait.js';

const mode = (path: string) => statSync(path).mode & 0o777;
const octal = (path: string) => `${path.slice(process.env.ALSX_STATE_DIR!.length)} ${mode(path).toString(8)}`;

/** every file and folder under `dir`, with its mode */
function modes(dir: string): string[] {
  const out = [octal(dir)];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...modes(p));
    else out.push(octal(p));
  }
  return out;
}
const privateOnly = (list: string[]) => list.filter((l) => !/ (600|700)$/.test(l));

let supervisor: Supervisor | undefined;
afterAll(async () => {
  await supervisor?.stop();
});

describe("a project's state files", () => {
  it('are created 600 in 700 folders even with a permissive umask: database, -wal, -shm, traces, JWT secret, broker logs', async () => {
    const old = process.umask(0o022);
    try {
      const project = await readProject(NORTHWIND);
      supervisor = new Supervisor(project, { port: 0, host: '127.0.0.1', kafka: false });
      await supervisor.start();
      const base = `http://127.0.0.1:${supervisor.children.get('api')!.port}/api`;
      const login = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"username":"admin","password":"p"}',
      });
      const token = ((await login.json()) as { access_token: string }).access_token;
      const patch = await fetch(`${base}/Customer/ALFKI`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/vnd.api+json' },
        body: JSON.stringify({ data: { type: 'Customer', id: 'ALFKI', attributes: { ContactName: 'Maria Anders' } } }),
      });
      expect(patch.status).toBe(200);
      const dir = project.stateDir;
      await waitFor(() => statSync(join(dir, 'traces.jsonl'), { throwIfNoEntry: false })?.size, { what: 'a line in traces.jsonl' });
      // the broker's logs, as the embedded broker writes them
      const storage = new Storage(join(dir, 'kafka'));
      storage.createTopic('order_shipping', { partitions: 2 });
      storage.close();
      const files = modes(dir);
      for (const f of [
        'db.sqlite',
        'db.sqlite-wal',
        'db.sqlite-shm',
        'db.sqlite.source',
        'traces.jsonl',
        'jwt-secret',
        'kafka/topics.json',
      ])
        expect(files).toContain(`/northwind/${f} 600`);
      expect(files).toContain('/northwind 700');
      expect(files.some((f) => /\/kafka\/order_shipping-1\/\d+\.log 600$/.test(f))).toBe(true);
      expect(privateOnly(files)).toEqual([]);
    } finally {
      process.umask(old);
      await supervisor?.stop();
      supervisor = undefined;
    }
  });

  it('made readable by an older alsx are made private when the project is read', async () => {
    const dir = join(process.env.ALSX_STATE_DIR!, 'northwind');
    mkdirSync(join(dir, 'kafka', 'old-0'), { recursive: true });
    writeFileSync(join(dir, 'kafka', 'old-0', '00000000000000000000.log'), '');
    writeFileSync(join(dir, 'traces.jsonl'), '{}\n', { flag: 'a' });
    for (const p of [dir, join(dir, 'kafka'), join(dir, 'kafka', 'old-0')]) chmodSync(p, 0o755);
    for (const p of ['db.sqlite', 'traces.jsonl', 'jwt-secret', 'kafka/old-0/00000000000000000000.log']) chmodSync(join(dir, p), 0o644);
    expect(privateOnly(modes(dir)).length).toBeGreaterThanOrEqual(7);
    await readProject(NORTHWIND);
    expect(privateOnly(modes(dir))).toEqual([]);
  });
});
