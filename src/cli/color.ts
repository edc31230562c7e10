/** Terminal colours, decided in one place: NO_COLOR wins, FORCE_COLOR forces, otherwise a TTY gets colour. */
import type { Paint } from '../rules/trace.js';

export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  if ('NO_COLOR' in process.env && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && process.env.TERM !== 'dumb';
}

const sgr = (open: number, close: number) => (on: boolean) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
const bold = sgr(1, 22),
  dim = sgr(2, 22),
  red = sgr(31, 39),
  green = sgr(32, 39),
  cyan = sgr(36, 39),
  yellow = sgr(33, 39);

export interface Theme extends Paint {
  title(s: string): string;
  warn(s: string): string;
}

export function theme(on = colorEnabled()): Theme {
  return {
    op: (s) => bold(on)(s),
    kind: (s) => cyan(on)(s),
    dim: (s) => dim(on)(s),
    ok: (s) => green(on)(s),
    bad: (s) => red(on)(s),
    title: (s) => bold(on)(s),
    warn: (s) => yellow(on)(s),
  };
}

/** warnings go to stderr, so stdout stays the command's data (--json) */
export function warn(messages: string[]): void {
  const t = theme(colorEnabled(process.stderr));
  for (const m of messages) process.stderr.write(`${t.warn(`warning: ${m}`)}\n`);
}
