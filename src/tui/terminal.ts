/**
 * The terminal, borrowed and given back: the workbench draws on the alternate screen with the
 * cursor hidden (ink 6 has no option for it), and whatever happens — q, Ctrl-C, SIGTERM, a crash —
 * the user's screen, cursor and scrollback come back as they were.
 */
import { format } from 'node:util';

const ENTER = '\x1b[?1049h\x1b[H\x1b[2J\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';

export interface Fullscreen {
  /** gives the terminal back (idempotent) */
  restore(): void;
}

export function enterFullscreen(stdout: NodeJS.WriteStream = process.stdout): Fullscreen {
  if (!stdout.isTTY) return { restore: () => {} };
  stdout.write(ENTER);
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    stdout.write(LEAVE);
    process.off('exit', restore);
  };
  process.on('exit', restore); // also on process.exit() from anywhere
  const crash = (e: unknown): void => {
    restore();
    process.stderr.write(`alsx open crashed: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(3);
  };
  process.once('uncaughtException', crash);
  process.once('unhandledRejection', crash);
  return { restore };
}

/**
 * Sends console output of code in this process (a rule's console.log under :tx) to `show` instead
 * of across the frames, which are drawn by row and would keep whatever it printed; returns the undo.
 */
export function routeConsole(show: (text: string, level: 'info' | 'warn' | 'error') => void): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug, warn: console.warn, error: console.error };
  const to =
    (level: 'info' | 'warn' | 'error') =>
    (...args: unknown[]): void =>
      show(
        format(...args)
          .replace(/\s+/g, ' ')
          .trim(),
        level,
      );
  Object.assign(console, { log: to('info'), info: to('info'), debug: to('info'), warn: to('warn'), error: to('error') });
  return () => void Object.assign(console, saved);
}

/** the terminal's size now, tracking resizes */
export function terminalSize(stdout: NodeJS.WriteStream = process.stdout): { columns: number; rows: number } {
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}
