/**
 * Values in and out of the engine: a caller's value is checked against the column's declared type
 * and normalised (money rounded to its scale, booleans to 0/1), with an error in the caller's terms.
 */
import type { ColumnInfo, Value } from '../store/types.js';
import { BadInput } from './errors.js';
import { roundToScale } from './decimal.js';
import { describe } from '../bounded-json.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A caller's value for `col`, checked and normalised; `at` (+ `.field`) says where it came from, for
 * the error. As in PostgreSQL, money with more decimals than its column's scale is rounded to it;
 * a value beyond the column's range — its integer range, the digits of its DECIMAL precision —
 * or not finite is refused (400), never stored changed.
 */
export function normalize(col: ColumnInfo, value: unknown, at: string, table: string, field?: string): Value {
  const where = field === undefined ? at : `${at}.${field}`;
  const v = convert(col, value, where, table);
  if (typeof v === 'number' || typeof v === 'bigint') {
    const limit = outOfRange(col, v);
    if (limit) throw new BadInput(`${table}.${col.name} ${limit}, got ${describe(value)}`, where, 'out-of-range');
  }
  return v;
}

/**
 * A value a rule computed for `col` (a formula's result): rounded to the column's scale as the
 * column would, refused when it does not fit — the caller's input drove it past the column's limits.
 */
export function derivedValue(col: ColumnInfo, value: unknown, table: string, rule: string): Value {
  const v = convert(col, value, col.name, table);
  const limit = typeof v === 'number' || typeof v === 'bigint' ? outOfRange(col, v) : null;
  if (limit)
    throw new BadInput(`${table}.${col.name} would be ${describe(value)} (rule "${rule}"), but it ${limit}`, undefined, 'out-of-range');
  return v;
}

/** a recomputed value as the column holds it, without judging it (`alsx check` reports, never refuses) */
export function recomputed(col: ColumnInfo, value: unknown): Value {
  return convert(col, value, col.name, '');
}

/** why `n` cannot be stored in `col` exactly ("holds integers up to ±9007199254740991"), or null */
export function outOfRange(col: ColumnInfo, n: number | bigint): string | null {
  if (typeof n === 'bigint') return col.kind === 'integer' && (n > INT64_MAX || n < -INT64_MAX - 1n) ? 'holds 64-bit integers' : null;
  if (!Number.isFinite(n)) return 'holds finite numbers';
  if (col.kind === 'integer' && !Number.isSafeInteger(n)) return `holds integers up to ±${Number.MAX_SAFE_INTEGER} exactly`;
  if (col.kind === 'decimal' || col.kind === 'numeric') {
    if (col.precision != null) {
      const scale = col.scale ?? 0;
      const max = 10 ** (col.precision - scale);
      // DECIMAL(10, 2): at most ±99999999.99
      if (Math.abs(n) >= max)
        return `is ${col.declaredType}: at most ±${'9'.repeat(col.precision - scale) || '0'}${scale ? `.${'9'.repeat(scale)}` : ''}`;
    } else if (col.kind === 'decimal' && Math.abs(n) >= 1e15) {
      return `is ${col.declaredType || 'DECIMAL'} without a precision: at most 15 digits (below ±1e15)`;
    }
  }
  return null;
}

const INT64_MAX = 9223372036854775807n;

function convert(col: ColumnInfo, value: unknown, where: string, table: string): Value {
  if (value === null || value === undefined) return null;
  switch (col.kind) {
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'bigint') return value;
      if (typeof value === 'boolean') return value ? 1 : 0;
      throw typeError(col, value, where, table, 'an integer');
    case 'boolean':
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (value === 0 || value === 1) return value;
      throw typeError(col, value, where, table, 'true or false');
    case 'decimal':
    case 'real':
    case 'numeric': {
      let n: number;
      if (typeof value === 'number') n = value;
      else if (typeof value === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) n = Number(value);
      else if (typeof value === 'bigint') n = Number(value);
      else throw typeError(col, value, where, table, 'a number');
      if (!Number.isFinite(n)) throw typeError(col, value, where, table, 'a finite number');
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
      throw typeError(col, value, where, table, 'an ISO date (YYYY-MM-DD)');
    case 'text':
      if (typeof value === 'string') return value;
      throw typeError(col, value, where, table, 'text');
    case 'blob':
      if (value instanceof Uint8Array || typeof value === 'string') return value;
      throw typeError(col, value, where, table, 'bytes');
  }
}

function typeError(col: ColumnInfo, value: unknown, pointer: string, table: string, expected: string): BadInput {
  return new BadInput(`${table}.${col.name} expects ${expected}, got ${describe(value)}`, pointer, 'type');
}

export function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (typeof a === 'bigint' || typeof b === 'bigint') return a != null && b != null && BigInt(a as number) === BigInt(b as number);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  return false;
}
