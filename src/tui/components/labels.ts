/**
 * The column of field names in a row's detail and form: as wide as the longest name when the room
 * allows (a third of the width, at least 20), else each name that does not fit cut with "…" — never
 * silently (salesRepEmployeeNumb).
 */
import { fit } from './DataGrid.js';

const MIN_ROOM = 20;

export function labelWidth(names: readonly string[], width: number): number {
  const longest = Math.max(4, ...names.map((n) => [...n].length));
  return Math.min(longest, Math.max(MIN_ROOM, Math.floor(width / 3)));
}

/** `name` in a column of `width`: padded, or cut with "…" */
export function label(name: string, width: number): string {
  return fit(name, width).padEnd(width);
}
