/** The key-hint bar's text: whole hints only, as many as fit, so none is ever cut mid-word. */
import type { KeyHint } from './pane.js';

export const HINT_SEPARATOR = ' · ';

export const hintText = (h: KeyHint): string => `${h.keys} ${h.does}`;

/** `hints` joined while they fit in `width`, in order; one that does not fit is left out whole */
export function fitHints(hints: readonly KeyHint[], width: number): string {
  let line = '';
  for (const h of hints) {
    const next = line ? `${line}${HINT_SEPARATOR}${hintText(h)}` : hintText(h);
    if ([...next].length <= width) line = next;
  }
  return line;
}
