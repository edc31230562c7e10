/** A multi-line text editor as a pure state machine, for editing a message before it is produced. */
export interface TextArea {
  lines: string[];
  row: number;
  col: number;
}

export interface AreaKey {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

export const areaOf = (text: string): TextArea => ({ lines: text.replace(/\r\n?/g, '\n').split('\n'), row: 0, col: 0 });
export const textOf = (a: TextArea): string => a.lines.join('\n');

function insert(a: TextArea, typed: string): TextArea {
  const line = a.lines[a.row] ?? '';
  const parts = (line.slice(0, a.col) + typed).split('\n');
  const rest = line.slice(a.col);
  const lastPart = parts[parts.length - 1]!;
  const lines = [...a.lines.slice(0, a.row), ...parts.slice(0, -1), lastPart + rest, ...a.lines.slice(a.row + 1)];
  return { lines, row: a.row + parts.length - 1, col: lastPart.length };
}

/** the text after one key, or undefined when the key is not an editing key (ctrl-s, esc, tab …) */
export function editArea(a: TextArea, key: AreaKey, pageRows = 10): TextArea | undefined {
  const { lines, row, col } = a;
  const line = lines[row] ?? '';
  const at = (r: number, c: number): TextArea => {
    const rr = Math.max(0, Math.min(lines.length - 1, r));
    return { lines, row: rr, col: Math.max(0, Math.min((lines[rr] ?? '').length, c)) };
  };
  if (key.upArrow) return at(row - 1, col);
  if (key.downArrow) return at(row + 1, col);
  if (key.pageUp) return at(row - pageRows, col);
  if (key.pageDown) return at(row + pageRows, col);
  if (key.leftArrow) return col > 0 ? at(row, col - 1) : row > 0 ? at(row - 1, Infinity) : a;
  if (key.rightArrow) return col < line.length ? at(row, col + 1) : row < lines.length - 1 ? at(row + 1, 0) : a;
  if (key.home || (key.ctrl && key.input === 'a')) return at(row, 0);
  if (key.end || (key.ctrl && key.input === 'e')) return at(row, Infinity);
  if (key.return) {
    // keep the line's indentation, as an editor for JSON would
    const indent = /^ */.exec(line)?.[0] ?? '';
    return insert(a, `\n${indent.slice(0, col)}`);
  }
  // terminals send DEL for the Backspace key, which ink reports as `delete`
  if (key.backspace || key.delete) {
    if (col > 0) return { lines: lines.map((l, i) => (i === row ? l.slice(0, col - 1) + l.slice(col) : l)), row, col: col - 1 };
    if (row === 0) return a;
    const prev = lines[row - 1]!;
    return { lines: [...lines.slice(0, row - 1), prev + line, ...lines.slice(row + 1)], row: row - 1, col: prev.length };
  }
  if (key.ctrl && key.input === 'k') return { lines: lines.map((l, i) => (i === row ? l.slice(0, col) : l)), row, col };
  if (key.ctrl || key.meta || !key.input) return undefined;
  // a paste arrives as one input; terminals send CR for newlines
  return insert(a, key.input.replace(/\r\n?/g, '\n').replace(/\t/g, '  '));
}

/** the rows to show so the cursor stays in view: the first row of a window `height` rows tall */
export function firstVisibleRow(a: TextArea, height: number, previousTop: number): number {
  if (a.row < previousTop) return a.row;
  if (a.row >= previousTop + height) return a.row - height + 1;
  return Math.min(previousTop, Math.max(0, a.lines.length - height));
}
