/**
 * The terminal, borrowed and given back: the workbench draws on the alternate screen with the
 * cursor hidden (ink 6 has no option for it), and whatever happens — q, Ctrl-C, SIGTERM, a crash —
 * the user's screen, cursor and scrollback come back as they were.
 */
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

/** the terminal's size now, tracking resizes */
export function terminalSize(stdout: NodeJS.WriteStream = process.stdout): { columns: number; rows: number } {
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}
