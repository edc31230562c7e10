/**
 * The real `alsx` in a real pseudo-terminal (node-pty), its screen kept by a headless xterm: type
 * keys like a person and read what they would see.
 */
import { resolve } from 'node:path';
import { spawn, type IPty } from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { ROOT } from './cli.js';
import { waitFor } from './wait.js';

/** what the screen should show: text, a pattern, or a test of the whole screen's text */
export type Shows = RegExp | string | ((text: string) => boolean);

export interface Screen {
  /** the visible screen, one string per row, trailing spaces trimmed */
  rows(): string[];
  text(): string;
  /** waits until the screen matches (for up to `ms`, 30 s by default), or fails showing the screen */
  waitFor(pattern: Shows, ms?: number): Promise<void>;
  /**
   * types keys and waits until the screen shows their effect. Keys typed before the screen shows
   * what the previous ones did may reach the program in one read and be taken as one paste, so
   * each key (or text typed at once) waits for what it should show before the next is typed.
   */
  press(keys: string, shows: Shows): Promise<void>;
  type(keys: string): void;
  /** each key written on its own, `ms` apart, as a quick typist sends them (no waiting for the screen) */
  typeApart(keys: string[], ms?: number): Promise<void>;
  exit: Promise<{ exitCode: number; signal?: number }>;
  /** 'alternate' while a full-screen app owns the terminal, 'normal' once it gave it back */
  buffer(): 'normal' | 'alternate';
  /** everything the program wrote, escape sequences included */
  raw(): string;
  pid: number;
  kill(): void;
}

export const KEY = {
  enter: '\r',
  esc: '\x1b',
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  tab: '\t',
  ctrlC: '\x03',
  ctrlS: '\x13',
};

export function runInPty(
  args: string[],
  options: {
    columns?: number;
    rows?: number;
    env?: Record<string, string | undefined>;
    cwd?: string;
    /** the program to run instead of this clone's bin/alsx.js (an installed `alsx`) */
    command?: string;
  } = {},
): Screen {
  const columns = options.columns ?? 120;
  const rows = options.rows ?? 36;
  const term = new xterm.Terminal({ cols: columns, rows, allowProposedApi: true, convertEol: true });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, TERM: 'xterm-256color', ...options.env }))
    if (v !== undefined && k !== 'CI' && !k.startsWith('VITEST')) env[k] = v;
  const [file, argv] = options.command ? [options.command, args] : [process.execPath, [resolve(ROOT, 'bin/alsx.js'), ...args]];
  const pty: IPty = spawn(file, argv, {
    name: 'xterm-256color',
    cols: columns,
    rows,
    cwd: options.cwd ?? ROOT,
    env,
  });
  let raw = '';
  pty.onData((d) => {
    raw += d;
    term.write(d);
  });
  // settled once the screen has taken in everything written before the exit (xterm parses asynchronously)
  const exit = new Promise<{ exitCode: number; signal?: number }>((ok) => pty.onExit((e) => term.write('', () => ok(e))));
  const screen: Screen = {
    rows() {
      const buf = term.buffer.active;
      return Array.from({ length: rows }, (_, i) => buf.getLine(buf.viewportY + i)?.translateToString(true) ?? '');
    },
    text: () => screen.rows().join('\n'),
    async waitFor(pattern, ms) {
      const shows = (text: string) =>
        typeof pattern === 'string' ? text.includes(pattern) : typeof pattern === 'function' ? pattern(text) : pattern.test(text);
      await waitFor(() => shows(screen.text()), {
        what: `the screen to show ${typeof pattern === 'function' ? pattern.toString() : pattern}`,
        timeout: ms,
        detail: () => screen.text(),
      });
    },
    async press(keys, shows) {
      pty.write(keys);
      await screen.waitFor(shows);
    },
    type: (keys) => pty.write(keys),
    async typeApart(keys, ms = 20) {
      for (const [i, key] of keys.entries()) {
        if (i) await new Promise((r) => setTimeout(r, ms));
        pty.write(key);
      }
    },
    buffer: () => term.buffer.active.type,
    raw: () => raw,
    exit,
    pid: pty.pid,
    kill: () => pty.kill('SIGKILL'),
  };
  return screen;
}
