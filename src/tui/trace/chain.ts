/**
 * A transaction's rule chain as the Trace pane shows it: one line per step, each under its cause,
 * with tree guides; stepping walks the lines as drawn. And the affected row's values at any step,
 * replayed from the trace in firing order.
 */
import type { TxRecord } from '../../runtime/protocol.js';
import { causeTree, type StepKind, type TraceStep } from '../../rules/trace.js';
import type { Value } from '../../store/types.js';
import { showKey, showValue } from './format.js';

export interface ChainLine {
  /** position in record.trace (firing order; the line's own place in the list is its step) */
  index: number;
  seq: number;
  /** how many causes lead to it: 0 for the transaction's own operations */
  depth: number;
  /** tree guides drawn before the kind, two cells a level and a space: "│ ├─ " */
  guide: string;
  kind: StepKind;
  rule?: string;
  /** the affected row: "OrderDetail 2482" */
  where: string;
  /** "Amount null → 38000" */
  change?: string;
  /** seq of the step that led to this one */
  cause?: number;
  note?: string;
  /** constraints only: whether it held */
  verdict?: 'held' | 'failed';
}

const chains = new WeakMap<TxRecord, ChainLine[]>();

/**
 * The chain as a tree: each step under the step that caused it, a step's effects in firing order,
 * all of them before the next sibling — so a line's parent is its cause, never merely the line
 * above it at a lesser depth (a sum's effects are not drawn under the count fired after it).
 */
export function chainLines(r: TxRecord): ChainLine[] {
  let lines = chains.get(r);
  if (lines) return lines;
  const steps = r.trace ?? [];
  lines = causeTree(steps).map(({ index, depth, guide }) => chainLine(steps[index]!, index, depth, guide));
  chains.set(r, lines);
  return lines;
}

function chainLine(s: TraceStep, index: number, depth: number, guide: string): ChainLine {
  return {
    index,
    seq: s.seq,
    depth,
    guide,
    kind: s.kind,
    ...(s.rule !== undefined ? { rule: s.rule } : {}),
    where: `${s.table} ${showKey(s.key)}`,
    ...(s.column !== undefined ? { change: `${s.column} ${showValue(s.old)} → ${showValue(s.new)}` } : {}),
    ...(s.cause !== undefined ? { cause: s.cause } : {}),
    ...(s.note !== undefined ? { note: s.note } : {}),
    ...(s.kind === 'constraint' ? { verdict: s.passed === false ? 'failed' : 'held' } : {}),
  } as ChainLine;
}

/** the trace index of the step drawn at line `step` of the chain */
export const stepIndex = (r: TxRecord, step: number): number => chainLines(r)[step]?.index ?? step;

/** the step a line's cause points to, for "caused by #14 insert OrderDetail 2482" */
export function causeOf(r: TxRecord, index: number): TraceStep | undefined {
  const cause = r.trace?.[index]?.cause;
  if (cause === undefined) return undefined;
  // seq is 1-based firing order, so it is the index + 1, unless a trace was trimmed: then look
  const direct = r.trace[cause - 1];
  return direct?.seq === cause ? direct : r.trace.find((s) => s.seq === cause);
}

export const clampStep = (i: number, r: TxRecord | undefined): number => Math.max(0, Math.min(i, (r?.trace?.length ?? 1) - 1));

export interface ColumnAtStep {
  name: string;
  value: Value | undefined;
  /** this step set it */
  changedHere: boolean;
  /** its value before this step, when changedHere */
  was?: Value | undefined;
  /** some step up to this one set it */
  changedSoFar: boolean;
}

export interface RowAtStep {
  table: string;
  key: string;
  /** an inserted row does not exist before its insert step; a deleted one is gone from its delete step */
  state: 'not yet inserted' | 'inserted' | 'existing' | 'deleted';
  columns: ColumnAtStep[];
}

/** what the replay knows of one row before the transaction, and what its own operation set */
interface RowHistory {
  table: string;
  key: string;
  op?: 'insert' | 'update' | 'delete';
  /** the step index of the row's own insert/update/delete (the first, if several) */
  opIndex?: number;
  columns: string[];
  before: Map<string, Value | undefined>;
  /** columns the operation itself set (no rule did), with their final values: only committed transactions report them */
  opSets: Map<string, Value>;
}

const rowId = (table: string, key: string): string => `${table}\u0000${key}`;
const histories = new WeakMap<TxRecord, Map<string, RowHistory>>();

/**
 * Each row's starting point. A column some step set starts at that first step's old value (an
 * insert's defaults: AmountTotal 0, where `changes` says null); other columns at `changes`' old
 * value. Rejected transactions have no `changes`: their rows show only what the steps touched.
 */
function historiesOf(r: TxRecord): Map<string, RowHistory> {
  let rows = histories.get(r);
  if (rows) return rows;
  rows = new Map();
  const row = (table: string, key: string): RowHistory => {
    const id = rowId(table, key);
    let h = rows!.get(id);
    if (!h) rows!.set(id, (h = { table, key, columns: [], before: new Map(), opSets: new Map() }));
    return h;
  };
  const steps = r.trace ?? [];
  const setByRule = new Set<string>();
  steps.forEach((s, i) => {
    const h = row(s.table, showKey(s.key));
    if ((s.kind === 'insert' || s.kind === 'update' || s.kind === 'delete') && h.opIndex === undefined) {
      h.opIndex = i;
      h.op ??= s.kind;
    }
    if (s.column === undefined) return;
    if (!h.before.has(s.column)) {
      h.before.set(s.column, s.old);
      h.columns.push(s.column);
    }
    setByRule.add(rowId(h.table, `${h.key}\u0000${s.column}`));
  });
  for (const c of r.changes ?? []) {
    const h = row(c.table, showKey(c.key));
    h.op = c.op as RowHistory['op'];
    const ordered: string[] = [];
    for (const [col, [old, nu]] of Object.entries(c.values)) {
      const byRule = setByRule.has(rowId(h.table, `${h.key}\u0000${col}`));
      // an insert's columns left null are noise in a small box; updates list only what changed anyway
      if (!byRule && c.op === 'insert' && nu === null) continue;
      ordered.push(col);
      if (!byRule) {
        h.before.set(col, c.op === 'insert' ? undefined : old);
        h.opSets.set(col, nu);
      }
    }
    // the table's own column order reads best; columns only a step knows go last
    h.columns = [...ordered, ...h.columns.filter((col) => !ordered.includes(col))];
  }
  histories.set(r, rows);
  return rows;
}

/** the row step `index` affected, with its values once steps 0..index have fired */
export function rowAtStep(r: TxRecord, index: number): RowAtStep | undefined {
  const steps = r.trace ?? [];
  const at = steps[index];
  if (!at) return undefined;
  const h = historiesOf(r).get(rowId(at.table, showKey(at.key)))!;
  const values = new Map(h.before);
  const changed = new Set<string>();
  let state: RowAtStep['state'] = h.op === 'insert' ? 'not yet inserted' : 'existing';
  let was: Value | undefined;
  for (let i = 0; i <= index; i++) {
    const s = steps[i]!;
    if (s.table !== at.table || showKey(s.key) !== h.key) continue;
    if (i === h.opIndex) {
      state = s.kind === 'insert' ? 'inserted' : s.kind === 'delete' ? 'deleted' : state;
      for (const [col, v] of h.opSets) {
        values.set(col, v);
        changed.add(col);
      }
    }
    if (s.column !== undefined) {
      if (i === index) was = values.get(s.column);
      values.set(s.column, s.new);
      changed.add(s.column);
    }
  }
  // the step's own column, or at a row's insert/update every column that operation set
  const setHere = (name: string): boolean => name === at.column || (index === h.opIndex && h.opSets.has(name));
  return {
    table: h.table,
    key: h.key,
    state,
    columns: h.columns.map((name) => ({
      name,
      value: values.get(name),
      changedHere: setHere(name),
      ...(name === at.column ? { was } : {}),
      changedSoFar: changed.has(name),
    })),
  };
}
