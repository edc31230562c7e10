/** Values as a person reads them in a cell: money with its scale, no binary noise, one line. */
import type { ColumnInfo, Value } from '../../store/types.js';

export function formatValue(col: Pick<ColumnInfo, 'kind' | 'scale'> | undefined, value: Value | undefined): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Uint8Array) return `‹${value.length} bytes›`;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (col?.kind === 'decimal' && col.scale !== null) return value.toFixed(col.scale);
    if (col?.kind === 'boolean') return value ? 'yes' : 'no';
    return String(value);
  }
  // a cell is one line: newlines and tabs would tear the grid
  return value.replace(/[\r\n\t]+/g, ' ');
}

/** numbers line up on the right */
export function isNumeric(col: ColumnInfo | undefined): boolean {
  return col !== undefined && (col.kind === 'integer' || col.kind === 'decimal' || col.kind === 'real');
}
