/** How the PostgreSQL tests find their server, and what they say when there is none (they never skip) */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findServer } from '../helpers/postgres.js';

const SCRIPT = join(import.meta.dirname, '../../scripts/postgres-test-server.sh');
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'alsx-pg-server-test-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('finding the PostgreSQL test server', () => {
  it('ALSX_TEST_PG_URL wins', async () => {
    await expect(findServer({ ALSX_TEST_PG_URL: 'postgres://u@127.0.0.1:1/x', CI: 'true' }, () => '')).resolves.toBe(
      'postgres://u@127.0.0.1:1/x',
    );
  });

  it('under CI without ALSX_TEST_PG_URL: fails, naming the script', async () => {
    await expect(findServer({ CI: 'true' }, () => tempDir())).rejects.toThrow(
      /ALSX_TEST_PG_URL is not set\. Start one with `eval "\$\(scripts\/postgres-test-server\.sh start\)"`/,
    );
  });

  it('locally, a server the script could not start fails every PostgreSQL test with the script’s words', async () => {
    const state = tempDir();
    mkdirSync(join(state, 'lock')); // another file "started" it…
    writeFileSync(join(state, 'error'), 'postgres-test-server: PostgreSQL is not installed (…)'); // …and failed
    await expect(findServer({}, () => state)).rejects.toThrow(
      /could not start one:\npostgres-test-server: PostgreSQL is not installed \(…\)\nInstall PostgreSQL, or set ALSX_TEST_PG_URL/,
    );
  });

  it('locally, the file that did not start the server takes the URL the starter wrote', async () => {
    const state = tempDir();
    mkdirSync(join(state, 'lock'));
    writeFileSync(join(state, 'env'), 'ALSX_TEST_PG_URL=postgres://postgres@127.0.0.1:56999/postgres\nALSX_TEST_PG_DIR=/tmp/x\n');
    const saved = process.env.ALSX_TEST_PG_URL;
    try {
      await expect(findServer({}, () => state)).resolves.toBe('postgres://postgres@127.0.0.1:56999/postgres');
    } finally {
      if (saved === undefined) delete process.env.ALSX_TEST_PG_URL;
      else process.env.ALSX_TEST_PG_URL = saved;
    }
  });
});

describe('scripts/postgres-test-server.sh', () => {
  it('stop refuses a directory it did not make (a real cluster, /var/lib/postgresql …)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'keep'), '');
    const run = spawnSync('bash', [SCRIPT, 'stop', dir], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/was not made by .*: refusing to stop or remove it/);
    expect(execFileSync('ls', [dir], { encoding: 'utf8' })).toBe('keep\n');
  });

  it('usage without a command', () => {
    const run = spawnSync('bash', [SCRIPT], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/usage: .* start \| stop DIR/);
  });
});
