/**
 * Editing a message in the user's own editor ($VISUAL, $EDITOR, else vi) on a temp file.
 *
 * The editor owns the terminal while it runs, so Ink must not draw or read keys meanwhile. Running
 * it with spawnSync does exactly that: the event loop — Ink's renders, its stdin reader, the
 * pane's polling — waits until the editor exits. Before, the terminal leaves raw mode (and the
 * workbench's alternate screen, which editors switch to and from themselves); after, both come
 * back, and the pane's next frame redraws the whole screen.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EditorTerminal {
  stdin?: NodeJS.ReadStream | { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };
  stdout?: { isTTY?: boolean; write(s: string): unknown };
  /** the workbench draws on the alternate screen: leave it while the editor runs (default: when stdout is a TTY) */
  alternateScreen?: boolean;
  /** the command; default $VISUAL, $EDITOR, vi */
  editor?: string;
  /** file name ending, so the editor highlights it (default .json) */
  suffix?: string;
}

const LEAVE_ALTERNATE = '\x1b[?25h\x1b[?1049l';
const ENTER_ALTERNATE = '\x1b[?1049h\x1b[H\x1b[2J\x1b[?25l';

/** the text after the user edited it in their editor; rejects when the editor cannot start or fails */
export async function editInExternalEditor(text: string, terminal: EditorTerminal = {}): Promise<string> {
  const editor = terminal.editor ?? (process.env.VISUAL || process.env.EDITOR || 'vi');
  const dir = mkdtempSync(join(tmpdir(), 'alsx-message-'));
  const file = join(dir, `message${terminal.suffix ?? '.json'}`);
  const stdin = terminal.stdin as { isTTY?: boolean; setRawMode?: (on: boolean) => unknown } | undefined;
  const raw = stdin?.isTTY === true && typeof stdin.setRawMode === 'function';
  const alternate = terminal.alternateScreen ?? terminal.stdout?.isTTY === true;
  try {
    writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`); // editors expect a last newline
    if (raw) stdin.setRawMode!(false);
    if (alternate) terminal.stdout?.write(LEAVE_ALTERNATE);
    // through sh, so EDITOR may carry arguments ("code --wait"); the file goes as "$1", unquoted by nobody
    const run = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit' });
    if (run.error) throw new Error(`could not start ${editor}: ${run.error.message}`);
    if (run.status !== 0) throw new Error(`${editor} exited with ${run.signal ?? `code ${run.status}`}; nothing was changed`);
    return readFileSync(file, 'utf8').replace(/\n$/, '');
  } finally {
    if (alternate) terminal.stdout?.write(ENTER_ALTERNATE);
    if (raw) stdin.setRawMode!(true);
    rmSync(dir, { recursive: true, force: true });
  }
}
