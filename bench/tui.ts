/**
 * (g) The workbench (`alsx open`) as a person meets it:
 *
 *   1. start-up (benchStartup): the installed command — bin/alsx.js on the compiled dist/ — as
 *      `alsx --version`, `alsx tx` of one transaction and `alsx open projects/northwind --port 0`
 *      to its first full frame, against `node -e 0`, alternating. The first frame is timed in a
 *      pseudo-terminal (node-pty, 120×36, its screen kept by a headless xterm) from spawn until the
 *      screen shows the header ("1 Tables"), the table list with "Customer  47" and the key-hint
 *      bar; each run then quits with q. The working database is built and the project's TypeScript
 *      compiled beforehand (in a temporary ALSX_STATE_DIR), so neither is counted.
 *
 *   2. the UI under a stream of transactions: in this process, the real App with the real TracePane
 *      and TraceStore as the focused pane, drawn by ink into a stand-in TTY of 120×36; real Northwind
 *      TxRecords (run through the engine, then through JSON as over the runtime's IPC channel) pushed
 *      at 1,000/s for 5 s in 10 ms ticks of 10, while monitorEventLoopDelay records; meanwhile a key
 *      (↓ / ↑, alternating) every 100 ms, each timed until the first frame written that shows the
 *      selection it asked for. Baseline: the same push loop with no UI mounted (the store alone).
 *      The first ↑ stops following (as it does for a person), so the keyed run mostly draws a still
 *      list with running counts; the same stream with the pane following the newest and nobody typing
 *      is measured too, for information (each of its frames draws a new chain).
 *      The runtime's own costs per transaction in `alsx open` (IPC, traces.jsonl) are not here: the
 *      push loop only parses each record from JSON, on both sides.
 */
import { spawn as spawnChild } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { stripVTControlCharacters } from 'node:util';
import { spawn as spawnPty } from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { createElement } from 'react';
import { openProject, type OpenProject } from '../src/project/load.js';
import type { TxOp, TxOutcome } from '../src/rules/engine.js';
import { txRecord, type TxRecord } from '../src/runtime/protocol.js';
import { sqliteDb } from '../test/helpers/sqlite-db.js';

const ROOT = resolve(import.meta.dirname, '..');
const NORTHWIND = join(ROOT, 'projects/northwind');
const COLUMNS = 120;
const ROWS = 36;

const STARTUP_RUNS = 5;
/** a run that shows no full frame in this long is a failure, not a figure */
const FRAME_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 10_000;

const STREAM_RATE = 1000;
const STREAM_SECONDS = 5;
const TICK_MS = 10;
const KEY_EVERY_MS = 100;
/** monitorEventLoopDelay's sampling interval (ms) */
const LOOP_RESOLUTION = 10;

export interface Spread {
  p50: number;
  p99: number;
  max: number;
}
export interface TuiFigures {
  /** event-loop delay (ms) with the UI mounted, and with the store alone */
  loopUi: Spread;
  loopBare: Spread;
  /** ms from a key written to stdin until the first frame showing its effect */
  input: Spread & { keys: number; held: number };
  /** event-loop delay (ms) with the UI following the newest and no keys (informational) */
  loopFollow: Spread;
  framesFollow: number;
  /** frames ink wrote during the 5 s with the UI, and transactions pushed (each side) */
  frames: number;
  pushedUi: number;
  pushedBare: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** resolves to `value` after `ms`, unless cancelled first (a pending timer would keep the bench alive) */
function timeout<T>(ms: number, value: T): { promise: Promise<T>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<T>((ok) => (timer = setTimeout(() => ok(value), ms)));
  return { promise, cancel: () => clearTimeout(timer) };
}
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};
const spread = (xs: number[]): Spread => ({ p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), max: Math.max(...xs) });

/** the environment of a person's terminal: no CI (ink draws nothing but the last frame under CI), no test runner */
export function terminalEnv(stateDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, TERM: 'xterm-256color', ALSX_STATE_DIR: stateDir })) {
    if (v !== undefined && k !== 'CI' && k !== 'CONTINUOUS_INTEGRATION' && !k.startsWith('VITEST')) env[k] = v;
  }
  return env;
}

/** ms until `node bin/alsx.js <args>` exits; a non-zero exit fails the bench */
export function runCli(args: string[], env: Record<string, string>): Promise<number> {
  const start = performance.now();
  return new Promise((ok, fail) => {
    const child = spawnChild(process.execPath, [join(ROOT, 'bin/alsx.js'), ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => void (err += d.toString()));
    child.once('error', fail);
    child.once('exit', (code, signal) => {
      const ms = performance.now() - start;
      if (code === 0) ok(ms);
      else fail(new Error(`(g) alsx ${args.join(' ')} exited ${signal ?? `with code ${code}`}: ${err.trim().slice(0, 500)}`));
    });
  });
}

// ── 1. time to the first full frame ───────────────────────────────────────────────────────────

/** the header with the Tables tab, Customer with its 47 rows, and the key-hint bar (the Tables pane's keys, then the global ones) on the last row */
function fullFrame(rows: string[]): boolean {
  const hints = rows[ROWS - 1] ?? '';
  return (
    /\b1 Tables\b/.test(rows[0] ?? '') &&
    rows.some((r) => /\bCustomer\s+47\b/.test(r)) &&
    /^↑↓ j k move · /.test(hints) &&
    /· q quit\b/.test(hints)
  );
}

/** one `alsx open`: ms from spawn to the first full frame; then q, and its exit (killed if it lingers) */
async function openOnce(env: Record<string, string>): Promise<number> {
  const term = new xterm.Terminal({ cols: COLUMNS, rows: ROWS, allowProposedApi: true });
  const screen = (): string[] => {
    const buf = term.buffer.active;
    return Array.from({ length: ROWS }, (_, i) => buf.getLine(buf.viewportY + i)?.translateToString(true) ?? '');
  };
  const start = performance.now();
  const pty = spawnPty(process.execPath, [join(ROOT, 'bin/alsx.js'), 'open', 'projects/northwind', '--port', '0'], {
    name: 'xterm-256color',
    cols: COLUMNS,
    rows: ROWS,
    cwd: ROOT,
    env,
  });
  const exited = new Promise<{ exitCode: number; signal?: number }>((ok) => pty.onExit(ok));
  let shownAt: number | undefined;
  let seen: () => void = () => {};
  const shown = new Promise<void>((ok) => (seen = ok));
  // checked as each chunk has been parsed into the screen: the moment is the parse's, not a poll's
  pty.onData((d) =>
    term.write(d, () => {
      if (shownAt === undefined && fullFrame(screen())) {
        shownAt = performance.now();
        seen();
      }
    }),
  );
  const frameTimeout = timeout(FRAME_TIMEOUT_MS, 'timeout' as const);
  const exitTimeout = timeout(EXIT_TIMEOUT_MS, undefined);
  try {
    const outcome = await Promise.race([shown.then(() => 'shown' as const), exited.then(() => 'exited' as const), frameTimeout.promise]);
    if (outcome !== 'shown')
      throw new Error(
        `(g) alsx open ${outcome === 'exited' ? 'exited' : `showed no full frame within ${FRAME_TIMEOUT_MS / 1000} s`}; the screen:\n${screen().join('\n')}`,
      );
    const ms = shownAt! - start;
    pty.write('q');
    const quit = await Promise.race([exited, exitTimeout.promise]);
    if (!quit) throw new Error(`(g) alsx open did not exit within ${EXIT_TIMEOUT_MS / 1000} s of q`);
    if (quit.exitCode !== 0)
      throw new Error(`(g) alsx open exited with code ${quit.exitCode} after q; the screen:\n${screen().join('\n')}`);
    return ms;
  } finally {
    frameTimeout.cancel();
    exitTimeout.cancel();
    try {
      pty.kill('SIGKILL'); // only if still running: its runtimes then stop on their own (they watch the IPC channel)
    } catch {
      // gone already
    }
    term.dispose();
  }
}

/** ms until `node -e 0` exits: the floor every start-up figure stands on */
function runNode(env: Record<string, string>): Promise<number> {
  const start = performance.now();
  return new Promise((ok, fail) => {
    const child = spawnChild(process.execPath, ['-e', '0'], { env, stdio: 'ignore' });
    child.once('error', fail);
    child.once('exit', () => ok(performance.now() - start));
  });
}

export interface StartupFigures {
  nodeMs: number[];
  versionMs: number[];
  txMs: number[];
  firstFrameMs: number[];
  /** NODE_EXTRA_CA_CERTS was set here and left out of the measured runs */
  withoutExtraCaCerts: boolean;
}

/**
 * Start-up as a user meets it: the installed command is bin/alsx.js on the compiled dist/ (what
 * `npm install -g` links onto the PATH), no npx. `node -e 0`, `alsx --version`, `alsx tx` of one
 * transaction (the 2-Chang order, as a dry run so every run sees the same data) and `alsx open`'s
 * first full frame, each STARTUP_RUNS times, alternating, the order rotating every run.
 */
export async function benchStartup(progress: (line: string) => void): Promise<StartupFigures> {
  const state = mkdtempSync(join(tmpdir(), 'alsx-bench-startup-'));
  try {
    const env = terminalEnv(state);
    // This machine sets NODE_EXTRA_CA_CERTS, which makes every Node.js start read a CA bundle
    // (~90 ms here): a cost of the machine, not of alsx; left out of the runs (and said so).
    const withoutExtraCaCerts = 'NODE_EXTRA_CA_CERTS' in env;
    delete env.NODE_EXTRA_CA_CERTS;
    progress('(g) building the working database and compiling the project (alsx reset, alsx rules), not timed …');
    await runCli(['reset', 'projects/northwind'], env);
    await runCli(['rules', 'projects/northwind'], env);
    const figures: StartupFigures = { nodeMs: [], versionMs: [], txMs: [], firstFrameMs: [], withoutExtraCaCerts };
    const tx = ['tx', 'projects/northwind', 'fixtures/tx/alfki-2-chang.json', '--dry-run'];
    const steps = [
      async () => void figures.nodeMs.push(await runNode(env)),
      async () => void figures.versionMs.push(await runCli(['--version'], env)),
      async () => void figures.txMs.push(await runCli(tx, env)),
      async () => void figures.firstFrameMs.push(await openOnce(env)),
    ];
    for (let i = 0; i < STARTUP_RUNS; i++) {
      for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]!();
      const last = (xs: number[]) => xs.at(-1)!.toFixed(0);
      progress(
        `(g) run ${i + 1}/${STARTUP_RUNS}: node -e 0 ${last(figures.nodeMs)} ms, --version ${last(figures.versionMs)} ms, tx ${last(figures.txMs)} ms, first frame ${last(figures.firstFrameMs)} ms`,
      );
    }
    return figures;
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}

// ── 2. the UI under 1,000 transactions a second ───────────────────────────────────────────────

/**
 * Real transactions, each as JSON as the runtime sends it (src/runtime/child.ts reportTx): orders of
 * 1–4 items by many customers, some refused by the credit rule, some dry runs, quantity changes and
 * shipments — on a private copy of Northwind.
 */
function realRecords(project: OpenProject): string[] {
  const db = sqliteDb(project);
  const customers = db.prepare(`SELECT "Id" FROM "Customer" ORDER BY "Id"`).pluck().all() as string[];
  const products = db.prepare(`SELECT "Id" FROM "Product" WHERE NOT "Discontinued" ORDER BY "Id"`).pluck().all() as number[];
  const items = db.prepare(`SELECT "Id" FROM "OrderDetail" ORDER BY "Id" LIMIT 200`).pluck().all() as number[];
  const unshipped = db.prepare(`SELECT "Id" FROM "Order" WHERE "ShippedDate" IS NULL ORDER BY "Id" LIMIT 50`).pluck().all() as number[];
  const out: string[] = [];
  const keep = (o: TxOutcome): void => void out.push(JSON.stringify(txRecord(o, o.origin === 'kafka' ? 'workers' : 'api', o.origin, '')));
  for (let i = 0; i < 300; i++) {
    const origins = ['api', 'kafka', 'tui', 'api'];
    const origin = origins[i % origins.length]!;
    let ops: TxOp[];
    if (i % 5 === 3 && items.length) ops = [{ update: 'OrderDetail', key: items[i % items.length]!, set: { Quantity: 1 + (i % 7) } }];
    else if (i % 11 === 6 && unshipped.length)
      ops = [{ update: 'Order', key: unshipped[i % unshipped.length]!, set: { ShippedDate: '2026-01-20' } }];
    else {
      const n = 1 + (i % 4);
      // every 9th asks for far more than any credit limit allows: the credit rule refuses it
      const quantity = (k: number): number => (i % 9 === 4 && k === 0 ? 5000 : 1 + ((i + k) % 5));
      ops = [
        {
          insert: 'Order',
          values: { CustomerId: customers[i % customers.length]!, EmployeeId: 1 + (i % 9), Freight: 10 + (i % 30) },
          as: 'o',
        },
        ...Array.from(
          { length: n },
          (_, k): TxOp => ({
            insert: 'OrderDetail',
            values: { OrderId: '$o.Id', ProductId: products[(i * 7 + k * 13) % products.length]!, Quantity: quantity(k) },
          }),
        ),
      ];
    }
    keep(project.engine.run(ops, { origin, dryRun: i % 13 === 8 }));
  }
  return out;
}

interface PushLoop {
  pushed: number;
  /** the time (Date ms) of the first record; record n has base + n */
  base: number;
  done: Promise<void>;
}

/**
 * `rate` records a second for `seconds`, in ticks of TICK_MS: a late tick pushes what is due (as a
 * backlog of IPC messages would arrive), so the rate holds. Each record is parsed from its JSON and
 * given a time of its own — one millisecond apart, so every list row's time names its transaction.
 */
function pushLoop(records: string[], push: (r: TxRecord) => void, onTick?: (elapsedMs: number) => void): PushLoop {
  const total = STREAM_RATE * STREAM_SECONDS;
  const start = performance.now();
  const base = Date.now();
  const loop: PushLoop = { pushed: 0, base, done: Promise.resolve() };
  loop.done = new Promise<void>((ok) => {
    let tick = 0;
    const step = (): void => {
      const elapsed = performance.now() - start;
      const due = Math.min(total, Math.floor((elapsed / 1000) * STREAM_RATE));
      while (loop.pushed < due) {
        const r = JSON.parse(records[loop.pushed % records.length]!) as TxRecord;
        r.at = new Date(base + loop.pushed).toISOString();
        push(r);
        loop.pushed++;
      }
      onTick?.(elapsed);
      if (loop.pushed >= total) return ok();
      tick++;
      setTimeout(step, Math.max(0, start + tick * TICK_MS - performance.now()));
    };
    setTimeout(step, TICK_MS);
  });
  return loop;
}

/** event-loop delay while `run` goes: monitorEventLoopDelay records each sample's full interval, so the resolution is taken off */
async function loopDelay(run: () => Promise<void>): Promise<Spread> {
  const h = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION });
  h.enable();
  await run();
  h.disable();
  const ms = (ns: number): number => Math.max(0, ns / 1e6 - LOOP_RESOLUTION);
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}

/** a terminal as ink sees one: 120×36, a TTY, resize events; every write is kept for the latest frame */
class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  columns = COLUMNS;
  rows = ROWS;
  frames = 0;
  onFrame: (text: string) => void = () => {};
  write = (data: string): boolean => {
    // a frame is one write: the rows it changed (src/tui/frame-writer.ts); ink's '' at unmount is none
    if (data.length > 0) {
      this.frames++;
      this.onFrame(data);
    }
    return true;
  };
}

/** a keyboard as ink reads one (raw mode, 'readable', read()), as ink-testing-library does it */
class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private data: string | null = null;
  write(data: string): void {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read = (): string | null => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

const UP = '\x1b[A';
const DOWN = '\x1b[B';

/** the selected transaction's time in a frame (the list row marked ›), and whether the pane is paused */
function selectedIn(frame: string): { time?: string; paused: boolean } {
  const text = stripVTControlCharacters(frame);
  // a frame holds only the rows it changed, each placed by a cursor move: no line starts to anchor on
  return { time: /› (\d\d:\d\d:\d\d\.\d{3}) /.exec(text)?.[1], paused: text.includes('paused (f follows)') };
}
type Selected = ReturnType<typeof selectedIn>;

async function benchStream(template: string, progress: (line: string) => void): Promise<TuiFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'alsx-bench-tui-'));
  const file = join(dir, 'db.sqlite');
  copyFileSync(template, file);
  // ink decides at import whether it is under CI (then it draws only the last frame): as in a terminal
  const savedCi = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION };
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  let project: OpenProject | undefined;
  try {
    progress('(g) real transactions through the engine …');
    project = await openProject(NORTHWIND, { db: file });
    const records = realRecords(project);
    project.close();
    project = undefined;

    const { render, Text } = await import('ink');
    const { App } = await import('../src/tui/app.js');
    const { TraceStore } = await import('../src/tui/trace/store.js');
    const { TracePane, traceHints } = await import('../src/tui/trace/TracePane.js');
    const { showTime } = await import('../src/tui/trace/format.js');
    const { frameRenderOptions } = await import('../src/tui/frame-writer.js');
    type PaneSpec = import('../src/tui/app.js').PaneSpec;
    type RuntimeControl = import('../src/tui/runtimes/RuntimesPane.js').RuntimeControl;
    type TraceStore = InstanceType<typeof TraceStore>;

    /**
     * The workbench's frame around a real Trace pane on `store` (the other panes stand-ins, the
     * runtimes all up), drawn by ink into a stand-in terminal, then switched to the Trace pane with
     * "2" as a person does it.
     */
    const mount = async (store: TraceStore) => {
      const stand = (what: string) => (): ReturnType<typeof createElement> => createElement(Text, null, what);
      const panes: PaneSpec[] = [
        { id: 'tables', title: 'Tables', hints: [], render: stand('tables') },
        { id: 'trace', title: 'Trace', hints: traceHints, render: (p) => createElement(TracePane, { ...p, store }) },
        { id: 'topics', title: 'Topics', hints: [], render: stand('topics') },
        { id: 'runtimes', title: 'Runtimes', hints: [], render: stand('runtimes') },
        { id: 'scenarios', title: 'Scenarios', hints: [], render: stand('scenarios') },
      ];
      const runtime: RuntimeControl = {
        children: () =>
          (['broker', 'api', 'workers'] as const).map((name, i) => ({ name, status: 'up' as const, pid: 1000 + i, log: [], restarts: 0 })),
        restart: async () => {},
        subscribe: () => () => {},
        kafka: 'embedded broker',
      };
      const stdout = new FakeStdout();
      const stdin = new FakeStdin();
      const app = render(
        createElement(App, {
          project: 'northwind',
          panes,
          runtime,
          color: true,
          user: () => 'admin',
          command: async () => ({ ok: true, summary: '', lines: [] }),
          completions: () => ({ tables: [], topics: [] }),
          onQuit: () => {},
        }),
        {
          ...frameRenderOptions(stdout as unknown as NodeJS.WriteStream),
          stdin: stdin as unknown as NodeJS.ReadStream,
          stderr: stdout as unknown as NodeJS.WriteStream,
          exitOnCtrlC: false,
          patchConsole: false,
        },
      );
      let watch: ((frame: string) => void) | undefined;
      stdout.onFrame = (frame) => watch?.(frame);
      /** the next frame for which `ok` holds */
      const frameWhere = (ok: (s: Selected) => boolean, ms = 5000): Promise<Selected> =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`(g) no frame as expected within ${ms} ms`)), ms);
          watch = (frame) => {
            const s = selectedIn(frame);
            if (!ok(s)) return;
            clearTimeout(timer);
            watch = undefined;
            resolve(s);
          };
        });
      const unmount = (): void => {
        app.unmount();
        app.cleanup();
      };
      try {
        const onTrace = frameWhere(() => true);
        stdin.write('2');
        await onTrace;
      } catch (e) {
        unmount();
        throw e;
      }
      return { stdout, stdin, frameWhere, onFrame: (f: (frame: string) => void) => void (watch = f), unmount };
    };

    // warm-up, not measured: the parse, the store, the pane's first renders get their JIT
    {
      const warm = new TraceStore();
      for (let i = 0; i < 2000; i++) warm.push(JSON.parse(records[i % records.length]!) as TxRecord);
      const ui = await mount(warm);
      await sleep(300);
      ui.unmount();
    }

    // baseline: the store alone
    progress(`(g) ${STREAM_RATE}/s for ${STREAM_SECONDS} s into the store alone …`);
    const bareStore = new TraceStore();
    let bare: PushLoop | undefined;
    const loopBare = await loopDelay(async () => {
      bare = pushLoop(records, (r) => bareStore.push(r));
      await bare.done;
    });

    // the pane following the newest, nobody typing (not part of the verdict: what one watches a stream with)
    progress(`(g) ${STREAM_RATE}/s for ${STREAM_SECONDS} s into the Trace pane, following …`);
    let follow: { loop: Spread; frames: number };
    {
      const store = new TraceStore();
      const ui = await mount(store);
      try {
        const frames0 = ui.stdout.frames;
        const loop = await loopDelay(() => pushLoop(records, (r) => store.push(r)).done);
        follow = { loop, frames: ui.stdout.frames - frames0 };
      } finally {
        ui.unmount();
      }
    }

    // the measured run: a key every 100 ms
    progress(`(g) ${STREAM_RATE}/s for ${STREAM_SECONDS} s into the Trace pane, a key every ${KEY_EVERY_MS} ms …`);
    const store = new TraceStore();
    const ui = await mount(store);
    try {
      const latencies: number[] = [];
      let sent = 0;
      /** the key waiting for its frame: when it was written, and the time of the row it selects */
      let pending: { sentAt: number; expect: string } | undefined;
      /** keys sent late because the previous one had not shown yet */
      let held = 0;
      let holding = false;
      let firstUp: 'unsent' | 'sent' | 'shown' = 'unsent';
      /** the store number selected by the first ↑; the keys then move between it and the next */
      let selectedAt = 0;
      let lastKeyAt = 0;
      let loop: PushLoop | undefined;
      let failure: Error | undefined;
      /** store number → the time its row shows (records are 1 ms apart from the loop's base) */
      const timeOf = (n: number): string => showTime(new Date(loop!.base + n).toISOString());

      const onKeyFrame = (frame: string): void => {
        if (!pending || failure) return;
        const now = performance.now();
        if (selectedIn(frame).time !== pending.expect) return;
        latencies.push(now - pending.sentAt);
        pending = undefined;
      };

      const frames0 = ui.stdout.frames;
      const loopUi = await loopDelay(async () => {
        loop = pushLoop(
          records,
          (r) => store.push(r),
          (elapsed) => {
            if (
              failure ||
              elapsed < 2 * KEY_EVERY_MS ||
              elapsed - lastKeyAt < KEY_EVERY_MS ||
              elapsed > STREAM_SECONDS * 1000 - KEY_EVERY_MS
            )
              return;
            if (firstUp === 'unsent') {
              // the first ↑ stops following, as for a person: the selection then moves only with the keys; not timed
              firstUp = 'sent';
              lastKeyAt = elapsed;
              ui.frameWhere((s) => s.paused && s.time !== undefined).then(
                (s) => {
                  let n = store.end - 1;
                  while (n >= store.start && timeOf(n) !== s.time) n--;
                  if (n < store.start) failure = new Error(`(g) the selected row's time ${s.time} names no transaction`);
                  selectedAt = n;
                  firstUp = 'shown';
                  ui.onFrame(onKeyFrame);
                },
                (e: Error) => void (failure = e),
              );
              ui.stdin.write(UP);
              return;
            }
            if (firstUp !== 'shown') return;
            // a key still waiting for its frame holds the next one back (two in flight would make "its frame" ambiguous)
            if (pending) {
              if (!holding) held++;
              holding = true;
              return;
            }
            holding = false;
            lastKeyAt = elapsed;
            // ↓, ↑, ↓ …: between the first ↑'s transaction and the next, so each key's frame is known
            const down = sent % 2 === 0;
            sent++;
            pending = { sentAt: performance.now(), expect: timeOf(selectedAt + (down ? 1 : 0)) };
            ui.stdin.write(down ? DOWN : UP);
          },
        );
        await loop.done;
        await sleep(300); // the last key's frame
      });
      if (failure) throw failure;
      if (!latencies.length) throw new Error('(g) no key press showed in a frame');
      if (pending) throw new Error(`(g) a key press (of ${sent}) never showed in a frame`);
      return {
        loopUi,
        loopBare,
        loopFollow: follow.loop,
        framesFollow: follow.frames,
        input: { ...spread(latencies), keys: latencies.length, held },
        frames: ui.stdout.frames - frames0,
        pushedUi: loop!.pushed,
        pushedBare: bare!.pushed,
      };
    } finally {
      ui.unmount();
    }
  } finally {
    project?.close();
    for (const [k, v] of Object.entries(savedCi)) if (v !== undefined) process.env[k] = v;
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchTui(template: string, progress: (line: string) => void): Promise<TuiFigures> {
  return benchStream(template, progress);
}
