/**
 * (i) What the workbench writes to the terminal: the real `alsx open projects/northwind` in a
 * pseudo-terminal of 120×36 (node-pty, its screen kept by a headless xterm), as over SSH every
 * byte is a byte on the wire and every full-screen clear (ESC[2J) a flicker.
 *
 *   - per key: in the Customer grid, j pressed KEYS times, each once the previous one's move shows;
 *     the bytes written from the first j until the screen shows the last one's move and has gone
 *     quiet, divided by KEYS. Target ≤ 2 KB.
 *   - per streamed transaction: the Trace pane following the newest while TXS transactions arrive
 *     through the API (a PATCH of an item's Quantity: formula, sums, constraint), each sent once
 *     the previous one shows in the pane's count, so each costs at least one frame of its own.
 *
 * The working database is built and the project compiled beforehand, as in (g).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn } from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { runCli, terminalEnv } from './tui.js';

const ROOT = resolve(import.meta.dirname, '..');
const COLUMNS = 120;
const ROWS = 36;
const KEYS = 20;
const TXS = 40;
const WAIT_MS = 30_000;
/** no output for this long after the last effect shows: ink's trailing frames are in */
const QUIET_MS = 300;
const CLEAR_SCREEN = '\x1b[2J';

export interface ScreenBytes {
  perKey: number;
  keys: number;
  clearsPerKey: number;
  perTx: number;
  txs: number;
  clearsPerTx: number;
}

export async function benchScreenBytes(progress: (line: string) => void): Promise<ScreenBytes> {
  const state = mkdtempSync(join(tmpdir(), 'alsx-bench-bytes-'));
  const env = terminalEnv(state);
  progress('(i) building the working database and compiling the project, not measured …');
  await runCli(['reset', 'projects/northwind'], env);
  await runCli(['rules', 'projects/northwind'], env);
  const term = new xterm.Terminal({ cols: COLUMNS, rows: ROWS, allowProposedApi: true });
  const pty = spawn(process.execPath, [join(ROOT, 'bin/alsx.js'), 'open', 'projects/northwind', '--port', '0'], {
    name: 'xterm-256color',
    cols: COLUMNS,
    rows: ROWS,
    cwd: ROOT,
    env,
  });
  const exited = new Promise<void>((done) => pty.onExit(() => done()));
  let written = '';
  let lastWrite = performance.now();
  let parsed: () => void = () => {};
  pty.onData((d) => {
    written += d;
    lastWrite = performance.now();
    term.write(d, () => parsed());
  });
  const screen = (): string => {
    const buf = term.buffer.active;
    return Array.from({ length: ROWS }, (_, i) => buf.getLine(buf.viewportY + i)?.translateToString(true) ?? '').join('\n');
  };
  /** resolves once the parsed screen shows `ok` (checked after each chunk), or fails naming it */
  const until = (what: string, ok: (text: string) => boolean): Promise<void> =>
    new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`(i) the screen did not show ${what}:\n${screen()}`)), WAIT_MS);
      const check = (): void => {
        if (!ok(screen())) return;
        clearTimeout(timer);
        parsed = () => {};
        done();
      };
      parsed = check;
      check();
    });
  const quiet = async (): Promise<void> => {
    while (performance.now() - lastWrite < QUIET_MS) await new Promise((r) => setTimeout(r, QUIET_MS / 3));
  };
  const measure = async (run: () => Promise<void>): Promise<{ bytes: number; clears: number }> => {
    await quiet();
    const from = written.length;
    await run();
    await quiet();
    const out = written.slice(from);
    return { bytes: Buffer.byteLength(out), clears: out.split(CLEAR_SCREEN).length - 1 };
  };
  try {
    await until('the tables and every runtime up', (t) => /Customer\s+47/.test(t) && /api ●.*workers ●/.test(t));
    pty.write('4');
    await until('the API port in Runtimes', (t) => /^[›\s]*● api\s+up\s.*port \d+/m.test(t));
    const port = /^[›\s]*● api\s+up\s.*port (\d+)/m.exec(screen())![1];
    pty.write('1');
    await until('the Tables pane', (t) => /Customer\s+47/.test(t));
    pty.write('j');
    await until('Customer selected', (t) => /^› Customer\s+47│/m.test(t));
    pty.write('\r');
    await until('the Customer grid', (t) => /│› ALFKI /.test(t));

    progress(`(i) ${KEYS} × j in the Customer grid …`);
    /** the screen row of the grid's cursor (a customer's five-letter key after ›) */
    const selectedRow = (t: string): number => t.split('\n').findIndex((r) => /› [A-Z]{5} /.test(r));
    const keys = await measure(async () => {
      for (let i = 0; i < KEYS; i++) {
        const at = selectedRow(screen());
        pty.write('j');
        await until(`the selection below row ${at}`, (t) => selectedRow(t) === at + 1);
      }
    });

    progress(`(i) ${TXS} transactions through the API into the Trace pane …`);
    const base = `http://127.0.0.1:${port}/api`;
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'p' }),
    });
    if (!login.ok) throw new Error(`(i) login as admin: ${login.status} ${await login.text()}`);
    const { access_token: token } = (await login.json()) as { access_token: string };
    pty.write('2');
    await until('the Trace pane', (t) => /^Trace ✔ 0 /m.test(t));
    const committed = (t: string): number => Number(/^Trace ✔ ([\d,]+)/m.exec(t)?.[1]?.replace(/,/g, '') ?? -1);
    const txs = await measure(async () => {
      for (let i = 0; i < TXS; i++) {
        const item = 1 + (i % 20);
        const reply = await fetch(`${base}/OrderDetail/${item}`, {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/vnd.api+json', Authorization: `Bearer ${token}` },
          body: JSON.stringify({ data: { type: 'OrderDetail', id: String(item), attributes: { Quantity: 1 + (i % 3) } } }),
        });
        if (!reply.ok) throw new Error(`(i) PATCH OrderDetail/${item}: ${reply.status} ${await reply.text()}`);
        await until(`${i + 1} committed`, (t) => committed(t) === i + 1);
      }
    });
    pty.write('q');
    // its runtimes stop with it: a kill would leave them to notice on their own
    await Promise.race([exited, new Promise((r) => setTimeout(r, WAIT_MS).unref())]);
    return {
      perKey: keys.bytes / KEYS,
      keys: KEYS,
      clearsPerKey: keys.clears / KEYS,
      perTx: txs.bytes / TXS,
      txs: TXS,
      clearsPerTx: txs.clears / TXS,
    };
  } finally {
    try {
      pty.kill('SIGKILL');
    } catch {
      // gone already
    }
    term.dispose();
    rmSync(state, { recursive: true, force: true });
  }
}
