/**
 * Checking a step's expectations against what happened. Each failure is one readable line saying
 * where, what was expected and what was there: `Customer ALFKI Balance: expected 2159, got 2158`.
 */
import type { ProjectStore } from '../store/types.js';
import type { Row } from '../store/types.js';
import type { TraceStep } from '../rules/trace.js';
import type { Expectation, RowExpectation } from './format.js';

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

/** numbers compare as numbers (SQLite may hand back 56 for 56.0); strings that hold numbers too */
/** a boolean column's stored 1/0 compared as true/false when that is how the expectation says it (as the API shows it, and a recording writes it) */
function asExpected(expected: unknown, kind: string | undefined, stored: unknown): unknown {
  return kind === 'boolean' && typeof expected === 'boolean' && (stored === 0 || stored === 1) ? stored === 1 : stored;
}

function same(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (expected === null || actual === null || expected === undefined || actual === undefined) return false;
  const num = (v: unknown) =>
    typeof v === 'number'
      ? v
      : typeof v === 'bigint'
        ? Number(v)
        : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)
          ? Number(v)
          : undefined;
  const a = num(expected);
  const b = num(actual);
  if (a !== undefined && b !== undefined && (typeof expected === 'number' || typeof actual === 'number')) return Math.abs(a - b) < 1e-9;
  return false;
}

/** `expected` must be contained in `actual`: objects by their listed keys, arrays item by item */
export function subset(expected: unknown, actual: unknown, path: string, out: string[]): void {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return void out.push(`${path}: expected a list, got ${show(actual)}`);
    if (expected.length !== actual.length) out.push(`${path}: expected ${expected.length} items, got ${actual.length}`);
    expected.forEach((e, i) => {
      if (i < actual.length) subset(e, actual[i], `${path}[${i}]`, out);
    });
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return void out.push(`${path}: expected ${show(expected)}, got ${show(actual)}`);
    for (const [k, v] of Object.entries(expected)) subset(v, (actual as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if (!same(expected, actual)) out.push(`${path}: expected ${show(expected)}, got ${show(actual)}`);
}

export function checkRows(rows: RowExpectation[], storeOf: (project?: string) => ProjectStore, out: string[]): void {
  for (const r of rows) {
    const store = storeOf(r.project);
    const table = store.schema.tables.get(r.table);
    const where = r.project ? `${r.project}: ${r.table}` : r.table;
    if (!table) {
      out.push(`${where}: no such table`);
      continue;
    }
    let found: Row[];
    let label: string;
    if (r.key !== undefined) {
      const key: Row =
        table.primaryKey.length === 1 && (typeof r.key !== 'object' || r.key === null)
          ? { [table.primaryKey[0]!]: r.key as never }
          : (r.key as Row);
      const row = store.get(table, key);
      found = row ? [row] : [];
      label = `${where} ${typeof r.key === 'object' ? JSON.stringify(r.key) : String(r.key)}`;
    } else {
      found = store.rowsWhere(r.table, (r.where ?? {}) as Row, 100_000);
      label = `${where}${
        r.where
          ? ` where ${Object.entries(r.where)
              .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
              .join(' ')}`
          : ''
      }`;
    }
    if (r.absent) {
      if (found.length) out.push(`${label}: expected no row, found ${found.length}`);
      continue;
    }
    if (r.count !== undefined && found.length !== r.count)
      out.push(`${label}: expected ${r.count} row${r.count === 1 ? '' : 's'}, found ${found.length}`);
    if (r.count === undefined && found.length === 0) {
      out.push(`${label}: no such row`);
      continue;
    }
    for (const [i, row] of found.entries()) {
      for (const [col, v] of Object.entries(r.values ?? {})) {
        if (!(col in row)) out.push(`${label}: no column ${col}`);
        else if (!same(v, asExpected(v, table.columnsByName.get(col)?.kind, row[col])))
          out.push(`${label}${found.length > 1 ? ` (row ${i + 1})` : ''} ${col}: expected ${show(v)}, got ${show(row[col])}`);
      }
    }
  }
}

/** the rules that fired, in order, must include these (each matched by a part of its name) */
export function checkTrace(expected: string[], steps: TraceStep[], out: string[]): void {
  const fired = steps.map((s) => s.rule).filter((r): r is string => Boolean(r));
  let at = 0;
  for (const want of expected) {
    const i = fired.findIndex((r, j) => j >= at && r.includes(want));
    if (i < 0) {
      const seen = fired.slice(at).filter((r, j, all) => all.indexOf(r) === j);
      out.push(
        `trace: expected ${show(want)}${at ? ' after the ones before it' : ''}; fired ${seen.length ? seen.map((r) => show(r)).join(', ') : 'no rules'}`,
      );
      return;
    }
    at = i + 1;
  }
}

export function checkError(
  expected: NonNullable<Expectation['error']>,
  actual: { rule?: string; message?: string } | undefined,
  out: string[],
): void {
  if (!actual) return void out.push(`error: expected ${show(expected)}, but it succeeded`);
  if (expected.rule !== undefined && actual.rule !== expected.rule)
    out.push(`error rule: expected ${show(expected.rule)}, got ${show(actual.rule)}`);
  if (expected.message !== undefined && !(actual.message ?? '').includes(expected.message))
    out.push(`error message: expected it to contain ${show(expected.message)}, got ${show(actual.message)}`);
}
