/** The Trace pane's pure parts — list rows, filters, the chain, the row at each step, the store — on real Northwind transactions. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TxRecord } from '../../src/runtime/protocol.js';
import { fit, showDuration, showTime } from '../../src/tui/trace/format.js';
import { chainLines, listRow, matches, parseFilter, rowAtStep, type RowAtStep } from '../../src/tui/trace/model.js';
import { initialState, reduce, selectedPosition } from '../../src/tui/trace/state.js';
import { TraceStore } from '../../src/tui/trace/store.js';
import { viewOf } from '../../src/tui/trace/view.js';
import { realRecords, type RealRecords } from './trace-fixtures.js';

let real: RealRecords;
beforeAll(async () => {
  real = await realRecords();
});

const CREDIT = 'Customer: Balance <= CreditLimit';
const value = (row: RowAtStep | undefined, column: string) => row?.columns.find((c) => c.name === column);
const stepIndex = (r: TxRecord, pred: (s: TxRecord['trace'][number]) => boolean) => r.trace.findIndex(pred);

describe('the list row', () => {
  it('shows a refused transaction with ✘ and the rule that refused it', () => {
    expect(real.refused.error?.rule).toBe(CREDIT);
    const row = listRow(real.refused);
    expect(row).toMatchObject({ origin: 'api', outcome: 'rejected', symbol: '✘', outcomeText: CREDIT });
    expect(row.root).toMatch(/^Order \d+$/); // no changes when refused: the trace's first step
    expect(row.time).toMatch(/^\d\d:\d\d:\d\d\.125$/);
    // rule firings only: the three inserts are operations, not rules
    expect(row.rules).toBe(real.refused.trace.length - 3);
  });

  it('shows a committed one with ✔ and its first changed row, a dry run with ◌', () => {
    const order = real.committed.changes[0]!;
    expect(listRow(real.committed)).toMatchObject({
      origin: 'kafka',
      outcome: 'committed',
      symbol: '✔',
      outcomeText: 'committed',
      root: `Order ${order.key}`,
    });
    expect(listRow(real.dryRun)).toMatchObject({ outcome: 'dry-run', symbol: '◌', outcomeText: 'dry run' });
  });

  it('names the user a transaction ran for beside its origin', () => {
    expect(real.byAlfki.user).toBe('ALFKI');
    expect(listRow(real.byAlfki).origin).toBe('api · ALFKI');
    expect(real.refused.user).toBeUndefined();
  });

  it('writes times, durations and columns in fixed widths', () => {
    const local = new Date('2026-01-15T10:00:00.125Z');
    expect(showTime('2026-01-15T10:00:00.125Z')).toBe(
      `${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}:00.125`,
    );
    expect([0.42, 7.6, 9.97, 123.4, 999.7, 1234, 75_000].map(showDuration)).toEqual([
      '0.4ms',
      '7.6ms',
      '10ms',
      '123ms',
      '1.0s',
      '1.2s',
      '75s',
    ]);
    expect(fit('Customer', 5)).toBe('Cust…');
    expect(fit('7ms', 5, 'right')).toBe('  7ms');
  });
});

describe('filters', () => {
  it('reads fields, outcome words and text', () => {
    expect(parseFilter('table:Order origin:kafka failed')).toEqual({
      tables: ['order'],
      origins: ['kafka'],
      users: [],
      outcomes: ['rejected'],
      rules: [],
      text: [],
    });
    expect(parseFilter('  ok dry rule:Credit mwum ')).toEqual({
      tables: [],
      origins: [],
      users: [],
      outcomes: ['committed', 'dry-run'],
      rules: ['credit'],
      text: ['mwum'],
    });
  });

  it('keeps what matches every field, any value of one', () => {
    const all = [real.refused, real.committed, real.dryRun];
    const keep = (f: string) => all.filter((r) => matches(r, parseFilter(f)));
    expect(keep('failed')).toEqual([real.refused]);
    expect(keep('✔')).toEqual([real.committed]);
    expect(keep('origin:kafka origin:tui')).toEqual([real.committed, real.dryRun]);
    expect(keep('table:orderdetail')).toEqual(all);
    expect(keep('table:Product')).toEqual([]); // the copy reads Product, no step changes it
    expect(keep('table:Customer failed')).toEqual([real.refused]);
    expect(keep('rule:cloneItems')).toEqual(all);
    expect(keep(real.committed.tx)).toEqual([real.committed]);
    expect(keep('balance exceeds')).toEqual([real.refused]); // words of the error message, all of them
    expect(keep('')).toEqual(all);
  });

  it('user:NAME keeps the transactions that ran for that user (any case)', () => {
    const all = [real.refused, real.committed, real.byAlfki];
    const keep = (f: string) => all.filter((r) => matches(r, parseFilter(f)));
    expect(parseFilter('user:ALFKI u:s1').users).toEqual(['alfki', 's1']);
    expect(keep('user:ALFKI')).toEqual([real.byAlfki]);
    expect(keep('u:alfki ok')).toEqual([real.byAlfki]);
    expect(keep('user:ANATR')).toEqual([]);
    expect(keep('origin:api')).toEqual([real.refused, real.byAlfki]);
  });
});

describe('the chain', () => {
  it('is one line per step, indented under its cause with tree guides', () => {
    const lines = chainLines(real.refused);
    expect(lines).toHaveLength(real.refused.trace.length);
    expect(lines[0]).toMatchObject({ seq: 1, depth: 0, guide: '', kind: 'insert' });
    const amount = lines.find((l) => l.change === 'Amount null → 38000')!;
    expect(amount).toMatchObject({ kind: 'formula', rule: 'OrderDetail.Amount = Quantity * UnitPrice', depth: 1, guide: '├─ ' });
    expect(amount.where).toMatch(/^OrderDetail \d+$/);
    expect(amount.cause).toBe(real.refused.trace[amount.index]!.cause);
    const balance = lines.find((l) => l.change === 'Balance 2120 → 40120')!;
    expect(balance).toMatchObject({ kind: 'sum', depth: 2 });
    expect(balance.guide).toMatch(/^( {2}|│ )├─ $/);
    // the last of a parent's children closes its branch
    expect(lines.filter((l) => l.depth === 1).some((l) => l.guide === '└─ ')).toBe(true);
    expect(lines.at(-1)).toMatchObject({
      kind: 'constraint',
      rule: CREDIT,
      verdict: 'failed',
      note: 'balance (40120.00) exceeds credit (2300.00)',
    });
    expect(chainLines(real.committed).find((l) => l.kind === 'constraint')).toMatchObject({ verdict: 'held' });
  });
});

describe('the row at a step', () => {
  it('replays a refused transaction from its trace alone', () => {
    const r = real.refused;
    const copy = stepIndex(r, (s) => s.kind === 'copy' && s.new === 19);
    const formula = stepIndex(r, (s) => s.column === 'Amount' && s.new === 38000);
    expect(formula).toBe(copy + 1);
    const before = rowAtStep(r, copy)!;
    expect(before).toMatchObject({ table: 'OrderDetail', state: 'inserted' });
    expect(value(before, 'UnitPrice')).toMatchObject({ value: 19, changedHere: true, was: null });
    expect(value(before, 'Amount')).toMatchObject({ value: null, changedHere: false });
    const at = rowAtStep(r, formula)!;
    expect(at.key).toBe(before.key);
    expect(value(at, 'Amount')).toMatchObject({ value: 38000, changedHere: true, was: null, changedSoFar: true });
    expect(value(at, 'UnitPrice')).toMatchObject({ value: 19, changedHere: false, changedSoFar: true });
    // the customer, step by step to the constraint that refused it
    const firstBalance = stepIndex(r, (s) => s.column === 'Balance');
    expect(value(rowAtStep(r, firstBalance), 'Balance')).toMatchObject({ value: 2120, was: 2102 });
    const end = rowAtStep(r, r.trace.length - 1)!;
    expect(end).toMatchObject({ table: 'Customer', key: 'ALFKI', state: 'existing' });
    expect(Object.fromEntries(end.columns.map((c) => [c.name, c.value]))).toEqual({ OrderCount: 7, UnpaidOrderCount: 4, Balance: 40120 });
    expect(end.columns.every((c) => !c.changedHere)).toBe(true);
  });

  it("shows what the operation itself set at its insert, from a committed transaction's changes", () => {
    const r = real.committed;
    const insert = rowAtStep(r, 0)!;
    expect(insert).toMatchObject({ table: 'Order', state: 'inserted' });
    expect(value(insert, 'CustomerId')).toMatchObject({ value: 'ALFKI', changedHere: true });
    expect(value(insert, 'Freight')).toMatchObject({ value: 10, changedHere: true });
    // derived columns start where the rules found them (the insert's defaults), not at null
    expect(value(insert, 'AmountTotal')).toMatchObject({ value: 0, changedHere: false });
    expect(value(insert, 'OrderDate')).toMatchObject({ value: null });
    expect(value(rowAtStep(r, 1), 'OrderDate')?.value).toBe(r.trace[1]!.new);
    const lastSum = r.trace.findLastIndex((s) => s.column === 'AmountTotal');
    expect(value(rowAtStep(r, lastSum), 'AmountTotal')).toMatchObject({ value: 56, was: 18 });
    // columns an insert left null are not shown
    expect(value(insert, 'ShipName')).toBeUndefined();
    expect(rowAtStep(r, r.trace.length)).toBeUndefined();
  });
});

describe('the store', () => {
  afterEach(() => vi.useRealTimers());
  const numbered = (n: number): TxRecord => ({ ...real.committed, tx: `t${n}` });

  it('keeps the last N in a ring, counting every outcome it received', () => {
    const store = new TraceStore({ capacity: 3 });
    for (let i = 0; i < 5; i++) store.push(numbered(i));
    store.push(real.refused);
    expect(store.size).toBe(3);
    expect([store.start, store.end]).toEqual([3, 6]);
    expect([3, 4, 5].map((n) => store.get(n)!.tx)).toEqual(['t3', 't4', real.refused.tx]);
    expect(store.get(2)).toBeUndefined();
    expect(store.counts).toEqual({ committed: 5, rejected: 1, dryRun: 0 });
    store.clear();
    expect([store.size, store.counts.committed]).toEqual([0, 0]);
  });

  it('tells its listeners of a burst once, then at most every 100 ms', () => {
    vi.useFakeTimers();
    const store = new TraceStore();
    let heard = 0;
    const off = store.subscribe(() => heard++);
    for (let i = 0; i < 1000; i++) store.push(numbered(i));
    expect(heard).toBe(0); // not synchronously, not per transaction
    vi.advanceTimersByTime(0);
    expect(heard).toBe(1);
    store.push(numbered(1000));
    vi.advanceTimersByTime(50);
    expect(heard).toBe(1);
    vi.advanceTimersByTime(50);
    expect(heard).toBe(2);
    off();
    store.push(numbered(1001));
    vi.advanceTimersByTime(200);
    expect(heard).toBe(2);
  });

  it('loads a past run from traces.jsonl, skipping lines that are not transactions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alsx-trace-'));
    try {
      const file = join(dir, 'traces.jsonl');
      const lines = [real.committed, real.byAlfki].map((r) => JSON.stringify(r));
      writeFileSync(file, [lines[0], '{"torn": tr', '', '{"hello": 1}', lines[1], ''].join('\n'));
      const store = new TraceStore();
      expect(await store.load(file)).toEqual({ loaded: 2, skipped: 2 });
      expect([store.get(0)!.tx, store.get(1)!.tx]).toEqual([real.committed.tx, real.byAlfki.tx]);
      expect(store.get(1)!.user).toBe('ALFKI');
      // only the last `capacity` lines matter
      writeFileSync(file, [0, 1, 2, 3, 4].map((n) => JSON.stringify(numbered(n))).join('\n'));
      const small = new TraceStore({ capacity: 2 });
      expect(await small.load(file)).toEqual({ loaded: 2, skipped: 0 });
      expect([small.get(0)!.tx, small.get(1)!.tx]).toEqual(['t3', 't4']);
      await expect(new TraceStore().load(join(dir, 'missing.jsonl'))).rejects.toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('selection', () => {
  it('follows the newest until moved, finds its way back through filters and eviction', () => {
    const store = new TraceStore({ capacity: 4 });
    for (const r of [real.committed, real.refused, real.dryRun]) store.push(r);
    let view = viewOf(store, parseFilter(''));
    let s = initialState;
    expect(selectedPosition(s, view)).toBe(2);
    s = reduce(s, { type: 'move', by: -1, view });
    expect([s.follow, s.selected]).toEqual([false, 1]);
    store.push(real.committed);
    view = viewOf(store, parseFilter(''));
    expect(selectedPosition(s, view)).toBe(1); // new arrivals do not move it
    view = viewOf(store, parseFilter('ok'));
    expect(view.length).toBe(2);
    expect(view.record(selectedPosition(s, view))).toBe(real.committed); // filtered out: the next one that matches
    s = reduce(s, { type: 'move', by: 'last', view });
    expect(s.follow).toBe(true);
    s = reduce(s, { type: 'open', view });
    expect(s).toMatchObject({ mode: 'steps', follow: false, opened: { record: real.committed, step: 0 } });
    s = reduce(s, { type: 'step', by: 'last' });
    expect(s.opened!.step).toBe(real.committed.trace.length - 1);
    s = reduce(s, { type: 'step', by: 5 });
    expect(s.opened!.step).toBe(real.committed.trace.length - 1);
  });

  it('edits a filter as a draft: enter applies it, esc leaves the old one', () => {
    let s = reduce(initialState, { type: 'filter-start' });
    for (const text of ['fa', 'iled', 'x']) s = reduce(s, { type: 'filter-type', text });
    s = reduce(s, { type: 'filter-erase' });
    s = reduce(s, { type: 'filter-apply' });
    expect(s).toMatchObject({ mode: 'list', filter: 'failed' });
    s = reduce(reduce(reduce(s, { type: 'filter-start' }), { type: 'filter-type', text: ' ok' }), { type: 'filter-cancel' });
    expect(s).toMatchObject({ mode: 'list', filter: 'failed' });
    expect(reduce(s, { type: 'filter-clear' }).filter).toBe('');
  });
});
