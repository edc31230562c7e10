/** A one-line text editor as a pure state machine: the command line and form fields use it. */
export interface LineState {
  text: string;
  cursor: number;
}

export interface EditKey {
  input: string;
  leftArrow?: boolean;
  rightArrow?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
  home?: boolean;
  end?: boolean;
}

/** the line after one key, or undefined when the key is not an editing key */
export function edit(s: LineState, key: EditKey): LineState | undefined {
  const { text, cursor } = s;
  if (key.leftArrow) return { text, cursor: Math.max(0, cursor - 1) };
  if (key.rightArrow) return { text, cursor: Math.min(text.length, cursor + 1) };
  if (key.home || (key.ctrl && key.input === 'a')) return { text, cursor: 0 };
  if (key.end || (key.ctrl && key.input === 'e')) return { text, cursor: text.length };
  if (key.ctrl && key.input === 'u') return { text: text.slice(cursor), cursor: 0 };
  if (key.ctrl && key.input === 'k') return { text: text.slice(0, cursor), cursor };
  if (key.ctrl && key.input === 'w') {
    const start = text.slice(0, cursor).replace(/\S+\s*$/, '').length;
    return { text: text.slice(0, start) + text.slice(cursor), cursor: start };
  }
  // terminals send DEL (backspace) for the Backspace key; ink reports it as `delete`
  if (key.backspace || key.delete) return cursor === 0 ? s : { text: text.slice(0, cursor - 1) + text.slice(cursor), cursor: cursor - 1 };
  if (key.ctrl || key.meta || !key.input) return undefined;
  const typed = key.input.replace(/[\r\n]+/g, ' ');
  return { text: text.slice(0, cursor) + typed + text.slice(cursor), cursor: cursor + typed.length };
}

/** the visible slice of a long line around the cursor, for a field `width` cells wide */
export function viewport(s: LineState, width: number): { before: string; at: string; after: string } {
  const start = Math.max(0, Math.min(s.cursor - Math.floor(width * 0.7), s.text.length - width + 1));
  const shown = s.text.slice(start, start + width);
  const c = s.cursor - start;
  return { before: shown.slice(0, c), at: shown[c] ?? ' ', after: shown.slice(c + 1) };
}
