/**
 * Values in and out of the engine: a caller's value is checked against the column's declared type
 * and normalised (money rounded to its scale, booleans to 0/1), with an error in the caller's terms.
 */
import type { ColumnInfo, Value } from '../store/types.js';
import { BadInput } from './errors.js';
import { roundToScale } from './decimal.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** `at` (+ `.field`) says where the value came from, for the error: built only when there is one */
export function normalize(col: ColumnInfo, value: unknown, at: string, table: string, field?: string): Value {
  if (value === null || value === undefined) return null;
  switch (col.kind) {
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'bigint') return value;
      if (typeof value === 'boolean') return value ? 1 : 0;
      throw typeError(col, value, field === undefined ? at : `${at}.${field}`, table, 'an integer');
    case 'boolean':
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (value === 0 || value === 1) return value;
      throw typeError(col, value, field === undefined ? at : `${at}.${field}`, table, 'true or false');
    case 'decimal':
    case 'real':
    case 'numeric': {
      let n: number;
      if (typeof value === 'number') n = value;
      else if (typeof value === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) n = Number(value);
      else if (typeof value === 'bigint') n = Number(value);
      else throw typeError(col, value, field === undefined ? at : `${at}.${field}`, table, 'a number');
      if (!Number.isFinite(n)) throw typeError(col, value, field === undefined ? at : `${at}.${field}`, table, 'a finite number');
      if (col.scale !== null) return roundToScale(n, col.scale);
      // DECIMAL with no declared scale: drop binary noise (3 × 19.99 = 59.970000000000006 → 59.97) by
      // keeping the 15 significant digits a double holds faithfully
      return col.kind === 'decimal' && !Number.isInteger(n) ? Number(n.toPrecision(15)) : n;
    }
    case 'date':
    case 'datetime':
      if (typeof value === 'string' && ISO_DATE.test(value)) return value;
      if (value instanceof Date && !Number.isNaN(value.getTime()))
        return col.kind === 'date' ? value.toISOString().slice(0, 10) : value.toISOString();
      throw typeError(col, value, field === undefined ? at : `${at}.${field}`, table, 'an ISO date (YYYY-MM-DD)');
    case 'text':
      if (typeof value === 'string') return value;
      throw typeError(col, value, field === undefined ? at : `${at}.${field}`, table, 'text');
    case 'blob':
      if (value instanceof Uint8Array || typeof value === 'string') return value;
      throw typeError(col, value, field === undefined ? at : `${at}.${field}`, table, 'bytes');
  }
}

function typeError(col: ColumnInfo, value: unknown, pointer: string, table: string, expected: string): BadInput {
  return new BadInput(`${table}.${col.name} expects ${expected}, got ${JSON.stringify(value) ?? String(value)}`, pointer, 'type');
}

export function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (typeof a === 'bigint' || typeof b === 'bigint') return a != null && b != null && BigInt(a as number) === BigInt(b as number);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  return false;
}
