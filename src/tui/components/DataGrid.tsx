/**
 * A generic grid of text cells: header, a cursor row marked "›" (never colour alone), vertical
 * scrolling that keeps the cursor in view, columns fitted to the width (cut with "…") and scrolled
 * sideways to keep the current column in view, the first `frozen` columns always shown. Only the
 * rows on screen are asked for and drawn, so the row count does not matter — ink-table cannot do
 * this and does not load under ESM ink 6.
 *
 * The grid is controlled: the caller owns cursor, current column and the first row shown (see
 * useScrollTop), and hands over the cells of row i on demand.
 */
import { useRef, type ReactNode } from 'react';
import { Box, Text } from 'ink';

export interface GridColumn {
  key: string;
  title: string;
  /** the widest cell seen (the grid fits columns to this, the title's width included) */
  natural: number;
  align?: 'left' | 'right';
  /** after the title: "↑" or "↓" for the sort */
  badge?: string;
}

export interface DataGridProps {
  columns: GridColumn[];
  rowCount: number;
  /** the cells of row i (0-based, absolute), in column order; undefined while not loaded */
  cells(i: number): string[] | undefined;
  /** the first row shown: keep it from useScrollTop */
  top: number;
  cursor: number;
  /** the current column (sorting, sideways scrolling) */
  column: number;
  width: number;
  /** lines, the header's included */
  height: number;
  /** draws the cursor row and current column; an inactive grid is a preview */
  active: boolean;
  color: boolean;
  /** leading columns that stay when scrolling sideways (the key) */
  frozen?: number;
  /** shown when there are no rows */
  empty?: string;
}

const GAP = 1;
const MARKER = 2; // "› "
const MAX_COLUMN = 40;
const MIN_PARTIAL = 4;

export function DataGrid(props: DataGridProps) {
  const { columns, rowCount, top, cursor, width, height, active, color } = props;
  const frozen = Math.min(props.frozen ?? 1, columns.length);
  const leftRef = useRef(frozen);
  const layout = fitColumns(columns, width - MARKER, frozen, props.column, leftRef.current);
  leftRef.current = layout.left;
  const bodyHeight = Math.max(0, height - 1);
  const lines: ReactNode[] = [];

  const header = layout.shown
    .map(({ index, width: w }) => {
      const c = columns[index]!;
      const current = active && index === props.column;
      const title = (current && !color ? `[${c.title}]` : c.title) + (c.badge ?? '');
      return cell(title, w, c.align === 'right' && !current ? 'right' : 'left');
    })
    .join(' '.repeat(GAP));
  const hiddenLeft = layout.left > frozen;
  const hiddenRight = layout.shown.length > 0 && layout.shown[layout.shown.length - 1]!.index < columns.length - 1;
  const headerText = fit(`${hiddenLeft ? '«' : ' '} ${header}`, width - 1).padEnd(width - 1) + (hiddenRight ? '»' : '');
  lines.push(
    <Text key="h" bold={color} underline={color} wrap="truncate">
      {headerText}
    </Text>,
  );

  if (rowCount === 0) {
    lines.push(
      <Text key="empty" dimColor={color} wrap="truncate">
        {fit(`  ${props.empty ?? '(no rows)'}`, width)}
      </Text>,
    );
  }
  const last = Math.min(rowCount, top + bodyHeight);
  for (let i = top; i < last; i++) {
    const values = props.cells(i);
    const selected = active && i === cursor;
    const text = values
      ? layout.shown.map(({ index, width: w }) => cell(values[index] ?? '', w, columns[index]!.align ?? 'left')).join(' '.repeat(GAP))
      : '…';
    lines.push(
      <Text key={i} inverse={selected && color} wrap="truncate">
        {fit(`${selected ? '›' : ' '} ${text}`, width)}
      </Text>,
    );
  }
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {lines}
    </Box>
  );
}

/**
 * The first row to show so the cursor stays in view, moving as little as possible from the last one
 * (the list does not jump while the cursor moves inside the window).
 */
export function keepVisible(top: number, cursor: number, visible: number, count: number): number {
  if (visible <= 0 || count <= 0) return 0;
  let t = Math.min(top, Math.max(0, count - visible));
  if (cursor < t) t = cursor;
  if (cursor >= t + visible) t = cursor - visible + 1;
  return Math.max(0, t);
}

/** keepVisible, remembering the last top between renders */
export function useScrollTop(cursor: number, visible: number, count: number): number {
  const ref = useRef(0);
  ref.current = keepVisible(ref.current, cursor, visible, count);
  return ref.current;
}

export interface ColumnLayout {
  /** the first non-frozen column shown */
  left: number;
  shown: { index: number; width: number }[];
}

/**
 * Which columns fit in `width` and how wide each is: the frozen ones, then from `left` on, with
 * `left` moved so `current` is shown. A column that fits only in part is cut, if it keeps a few
 * characters.
 */
export function fitColumns(columns: GridColumn[], width: number, frozen: number, current: number, left: number): ColumnLayout {
  const wanted = columns.map((c) => Math.max(1, Math.min(MAX_COLUMN, Math.max(c.natural, textWidth(c.title) + (c.badge ? 1 : 0) + 2))));
  const frozenWidth = wanted.slice(0, frozen).reduce((s, w) => s + w + GAP, 0);
  let l = Math.max(frozen, Math.min(left, columns.length - 1));
  if (current >= frozen) {
    if (current < l) l = current;
    // move right until the current column fits whole (or is the first scrolled one)
    while (l < current && frozenWidth + sum(wanted, l, current + 1) > width) l++;
  }
  const shown: ColumnLayout['shown'] = [];
  let used = 0;
  const place = (index: number): boolean => {
    const room = width - used - (shown.length ? GAP : 0);
    if (room <= 0) return false;
    const w = wanted[index]!;
    if (w <= room) {
      shown.push({ index, width: w });
      used += w + (shown.length > 1 ? GAP : 0);
      return true;
    }
    if (room >= MIN_PARTIAL || shown.length === 0) shown.push({ index, width: room });
    used = width;
    return false;
  };
  for (let i = 0; i < frozen; i++) if (!place(i)) return { left: l, shown };
  for (let i = l; i < columns.length; i++) if (!place(i)) break;
  return { left: l, shown };
}

function sum(ws: number[], from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += ws[i]! + GAP;
  return s;
}

/** the text in exactly `w` cells: cut with "…", padded on the side away from its alignment */
export function cell(text: string, w: number, align: 'left' | 'right'): string {
  const chars = [...text];
  if (chars.length > w) return w <= 1 ? '…'.slice(0, w) : `${chars.slice(0, w - 1).join('')}…`;
  const pad = ' '.repeat(w - chars.length);
  return align === 'right' ? pad + text : text + pad;
}

/** at most `w` cells (one line) */
export function fit(text: string, w: number): string {
  const chars = [...text];
  return chars.length > w ? chars.slice(0, Math.max(0, w - 1)).join('') + (w > 0 ? '…' : '') : text;
}

export function textWidth(text: string): number {
  return [...text].length;
}
