/**
 * The keys that scroll text too long for its box (a `:` result, the help), the same as every list
 * moves with: j/k and ↑↓ a line, PgUp/PgDn a page, g/G (Home/End) the top and the end.
 */
import type { Key } from 'ink';

/** the first line to show after `key`, or undefined when it is not a scrolling key */
export function scrolled(input: string, key: Partial<Key>, top: number, visible: number, count: number): number | undefined {
  const last = Math.max(0, count - visible);
  const to = (t: number): number => Math.min(last, Math.max(0, t));
  if (key.downArrow || input === 'j') return to(top + 1);
  if (key.upArrow || input === 'k') return to(top - 1);
  if (key.pageDown) return to(top + Math.max(1, visible - 1));
  if (key.pageUp) return to(top - Math.max(1, visible - 1));
  if (input === 'g' || key.home) return 0;
  if (input === 'G' || key.end) return last;
  return undefined;
}

export const SCROLL_HINT = { keys: 'j k ↑↓ PgUp PgDn g G', does: 'scroll' };

/** "lines 13–24 of 40", or '' when everything shows */
export function shownLines(top: number, visible: number, count: number): string {
  if (count <= visible) return '';
  return `lines ${top + 1}–${Math.min(count, top + visible)} of ${count}`;
}
