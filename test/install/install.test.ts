/**
 * alsx as a user installs it: `npm pack`, then `npm install -g` of the tarball into a temporary
 * prefix, then the installed `alsx` on the PATH, run from a folder outside this repository on a
 * project with no node_modules of its own — `alsx` and `drizzle-orm` come from the installation.
 * And `npm link` from the clone.
 *
 * npm installs from its cache where it can. better-sqlite3 compiles from source on install (about
 * two minutes, its prebuilt binaries are out of reach here): the install skips install scripts and
 * takes the binary this clone compiled for the same version and Node; ALSX_TEST_FULL_INSTALL=1 runs
 * them all instead.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { runInPty } from '../helpers/pty.js';

const NPM_TIMEOUT = 10 * 60_000;
let work: string;
let prefix: string;
let env: NodeJS.ProcessEnv;

function npm(args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', timeout: NPM_TIMEOUT, env: { ...process.env, ...extraEnv }, stdio: 'pipe' });
}

/** the installed `alsx`, as a shell would find it on the PATH, in a folder outside the repository */
function alsx(args: string[], cwd = work): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('alsx', args, { cwd, env, encoding: 'utf8', timeout: 4 * 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'alsx-install-')));
  prefix = join(work, 'prefix');
  // a user's shell: the prefix's bin first, no test-runner or state-folder settings
  env = { ...process.env, PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH}`, NO_COLOR: '1' };
  for (const k of Object.keys(env)) if (k.startsWith('VITEST') || k === 'ALSX_STATE_DIR' || k === 'npm_command') delete env[k];

  // npm test has just built dist/: pack what is there
  const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT)) as { filename: string }[];
  const tarball = join(work, packed[0]!.filename);
  const full = process.env.ALSX_TEST_FULL_INSTALL === '1';
  npm(
    ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', ...(full ? [] : ['--ignore-scripts']), tarball],
    work,
  );
  if (!full) {
    const installed = join(prefix, 'lib', 'node_modules', 'alsx', 'node_modules', 'better-sqlite3');
    const version = (dir: string) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    const ours = join(ROOT, 'node_modules', 'better-sqlite3');
    expect(version(installed), 'the installation and this clone use the same better-sqlite3').toBe(version(ours));
    mkdirSync(join(installed, 'build', 'Release'), { recursive: true });
    copyFileSync(join(ours, 'build', 'Release', 'better_sqlite3.node'), join(installed, 'build', 'Release', 'better_sqlite3.node'));
  }
  // a SQLite database of the user's, outside any project
  const db = new Database(join(work, 'hr.sqlite'));
  db.exec(readFileSync(join(ROOT, 'fixtures', 'create', 'hr.sql'), 'utf8'));
  db.close();
}, NPM_TIMEOUT);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('installed from the packed tarball', () => {
  it('ships the compiled command, its declarations and the scenario schema — not the sources or the tests', () => {
    const pkg = join(prefix, 'lib', 'node_modules', 'alsx');
    expect(existsSync(join(pkg, 'dist', 'cli.js'))).toBe(true);
    expect(existsSync(join(pkg, 'dist', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(pkg, 'schemas', 'scenario.schema.json'))).toBe(true);
    expect(readdirSync(pkg).sort()).toEqual(['README.md', 'bin', 'dist', 'node_modules', 'package.json', 'schemas']);
  });

  it('answers --version and --help from any folder', () => {
    const version = alsx(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    const help = alsx(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['open', 'create', 'tx', 'test', 'serve']) expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('creates a project from a SQLite file, whose next steps say plain `alsx`, and tests it', () => {
    const created = alsx(['create', '--db', 'hr.sqlite', 'hr']);
    expect(created.stderr).not.toMatch(/error/i);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('alsx open hr ');
    expect(existsSync(join(work, 'hr', 'node_modules'))).toBe(false);
    const tested = alsx(['test', 'hr']);
    expect(tested.stdout).toContain('1 passed, 0 failed');
    expect(tested.code).toBe(0);
  });

  it('applies transactions through rules written afterwards (alsx and drizzle-orm from the installation)', () => {
    writeFileSync(
      join(work, 'hr', 'logic', 'rules.ts'),
      `import { rules } from 'alsx';
import * as models from '../models.js';
import { Department } from '../models.js';

export default rules(models, ({ constraint }) => [
  constraint(Department, (d) => d.Budget == null || d.Budget <= 100000, (d) => \`\${d.Name}: a budget of \${d.Budget} is over 100000\`),
]);
`,
    );
    const tx = (budget: number) =>
      spawnSync('alsx', ['tx', 'hr', '--json'], {
        cwd: work,
        env,
        encoding: 'utf8',
        input: JSON.stringify([{ update: 'Department', key: 1, set: { Budget: budget } }]),
      });
    const refused = tx(200000);
    expect(refused.status, refused.stderr).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, error: { message: 'Sales: a budget of 200000 is over 100000' } });
    const committed = tx(6000);
    expect(committed.status, committed.stderr).toBe(0);
    expect(JSON.parse(committed.stdout)).toMatchObject({ ok: true, changes: [{ table: 'Department', values: { Budget: [5000, 6000] } }] });
  });

  it('serves the project until SIGTERM', async () => {
    const child = spawn('alsx', ['serve', 'hr', '--port', '0'], { cwd: work, env });
    const lines = createInterface({ input: child.stdout });
    const api = await new Promise<string>((resolve, reject) => {
      lines.on('line', (line) => {
        const m = /API on (http:\/\/\S+\/api)/.exec(line);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`alsx serve exited with ${code}`)));
    });
    const res = await fetch(`${api}/Department/1`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { attributes: { Name: string } } }).data.attributes.Name).toBe('Sales');
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('opens the workbench on the project, and quits with q', async () => {
    const screen = runInPty(['open', 'hr', '--port', '0'], {
      command: join(prefix, 'bin', 'alsx'),
      cwd: work,
      env: { ...env, ALSX_STATE_DIR: undefined },
    });
    await screen.waitFor(/Department\s+3/);
    await screen.waitFor('q quit');
    screen.type('q');
    expect((await screen.exit).exitCode).toBe(0);
  });
});

describe('npm link from the clone', () => {
  it('puts this clone’s alsx on the PATH, and create’s next steps say plain `alsx`', () => {
    const linkPrefix = join(work, 'link-prefix');
    npm(['link', '--ignore-scripts', '--no-audit', '--no-fund'], ROOT, { npm_config_prefix: linkPrefix }); // a global prefix of the test's own
    const linked = join(linkPrefix, 'bin', 'alsx');
    expect(realpathSync(linked)).toBe(realpathSync(join(ROOT, 'bin', 'alsx.js')));
    const linkEnv = { ...env, PATH: `${join(linkPrefix, 'bin')}${delimiter}${process.env.PATH}` };
    const r = spawnSync('alsx', ['create', '--db', 'hr.sqlite', 'hr-linked'], { cwd: work, env: linkEnv, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('alsx open hr-linked ');
  });
});
