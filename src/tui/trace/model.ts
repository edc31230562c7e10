/**
 * What the Trace pane shows of a transaction, as pure functions of its TxRecord: the list row and
 * the filter here, the rule chain and the stepping in chain.ts (re-exported, one entry point).
 */
import type { TxRecord } from '../../runtime/protocol.js';
import type { TraceStep } from '../../rules/trace.js';
import { showDuration, showKey, showTime } from './format.js';

export * from './chain.js';

export type Outcome = 'committed' | 'rejected' | 'dry-run';

/** one line of the transaction list */
export interface TxRow {
  time: string;
  /** where it came from, and for whom: "api · ALFKI", "kafka", "tui" */
  origin: string;
  /** the row the transaction is about: "Order 11078" */
  root: string;
  outcome: Outcome;
  /** ✔ committed, ✘ rejected, ◌ dry run: never colour alone */
  symbol: '✔' | '✘' | '◌';
  /** "committed", the rule that refused it, "dry run" */
  outcomeText: string;
  duration: string;
  /** rule firings (operations and log lines are not rules) */
  rules: number;
}

const NOT_RULES = new Set<TraceStep['kind']>(['insert', 'update', 'delete', 'log']);

export function outcomeOf(r: TxRecord): Outcome {
  if (!r.ok) return 'rejected';
  return r.dryRun ? 'dry-run' : 'committed';
}

export function rootOf(r: TxRecord): string {
  const c = r.changes?.[0];
  if (c) return `${c.table} ${showKey(c.key)}`;
  const s = r.trace?.[0];
  if (s) return `${s.table} ${showKey(s.key)}`;
  if (r.error?.table) return `${r.error.table} ${showKey(r.error.key)}`.trimEnd();
  return '—';
}

// A row is asked for on every render of every visible line, and a record never changes once
// finished: computed once per record.
const rows = new WeakMap<TxRecord, TxRow>();

export function listRow(r: TxRecord): TxRow {
  let row = rows.get(r);
  if (row) return row;
  const outcome = outcomeOf(r);
  const refusedBy = r.error ? (r.error.rule ?? r.error.message) : '';
  row = {
    time: showTime(r.at),
    origin: r.user ? `${r.origin} · ${r.user}` : r.origin,
    root: rootOf(r),
    outcome,
    symbol: outcome === 'committed' ? '✔' : outcome === 'rejected' ? '✘' : '◌',
    outcomeText:
      outcome === 'committed' ? 'committed' : outcome === 'dry-run' ? 'dry run' : r.dryRun ? `${refusedBy} (dry run)` : refusedBy,
    duration: showDuration(r.durationMs),
    rules: (r.trace ?? []).reduce((n, s) => (NOT_RULES.has(s.kind) ? n : n + 1), 0),
  };
  rows.set(r, row);
  return row;
}

/**
 * A filter, from what the user types after `/`: `table:Order origin:kafka user:ALFKI failed`. Values
 * of one field are alternatives (origin:api origin:kafka), fields must all match; bare words are outcomes
 * (failed/rejected/✘, ok/committed/✔, dry) or text looked for in the tx id, root row and error.
 */
export interface TraceFilter {
  tables: string[];
  origins: string[];
  /** the names of users the transaction ran for */
  users: string[];
  outcomes: Outcome[];
  /** parts of a rule's name: the transaction fired (or was refused by) a rule containing it */
  rules: string[];
  text: string[];
}

const OUTCOME_WORDS: Record<string, Outcome> = {
  failed: 'rejected',
  fail: 'rejected',
  rejected: 'rejected',
  refused: 'rejected',
  error: 'rejected',
  '✘': 'rejected',
  ok: 'committed',
  committed: 'committed',
  '✔': 'committed',
  dry: 'dry-run',
  'dry-run': 'dry-run',
  dryrun: 'dry-run',
  '◌': 'dry-run',
};

export const emptyFilter = (): TraceFilter => ({ tables: [], origins: [], users: [], outcomes: [], rules: [], text: [] });

export function parseFilter(text: string): TraceFilter {
  const f = emptyFilter();
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const m = /^(table|t|origin|o|user|u|outcome|rule|r):(.+)$/i.exec(word);
    const field = m?.[1]?.toLowerCase();
    const value = (m ? m[2]! : word).toLowerCase();
    if (field === 'table' || field === 't') f.tables.push(value);
    else if (field === 'origin' || field === 'o') f.origins.push(value);
    else if (field === 'user' || field === 'u') f.users.push(value);
    else if (field === 'rule' || field === 'r') f.rules.push(value);
    else if (OUTCOME_WORDS[value]) f.outcomes.push(OUTCOME_WORDS[value]);
    else f.text.push(value);
  }
  return f;
}

export const isEmptyFilter = (f: TraceFilter): boolean =>
  !f.tables.length && !f.origins.length && !f.users.length && !f.outcomes.length && !f.rules.length && !f.text.length;

/**
 * What a filter looks at in a transaction, lower case, computed once: the filter runs over every
 * kept transaction each time the list is drawn (up to ten times a second over thousands).
 */
interface Searchable {
  /** the tables it touched: its changes and every step */
  tables: Set<string>;
  /** the names of the rules it fired or was refused by, one a line */
  rules: string;
  /** tx id, root row, refusing rule and message */
  text: string;
}

const searchables = new WeakMap<TxRecord, Searchable>();

function searchable(r: TxRecord): Searchable {
  let s = searchables.get(r);
  if (s) return s;
  const tables = new Set<string>();
  for (const c of r.changes ?? []) tables.add(c.table.toLowerCase());
  const rules = new Set<string>(r.error?.rule ? [r.error.rule] : []);
  for (const step of r.trace ?? []) {
    tables.add(step.table.toLowerCase());
    if (step.rule) rules.add(step.rule);
  }
  s = {
    tables,
    rules: [...rules].join('\n').toLowerCase(),
    text: `${r.tx} ${listRow(r).root} ${r.error?.rule ?? ''} ${r.error?.message ?? ''}`.toLowerCase(),
  };
  searchables.set(r, s);
  return s;
}

export function matches(r: TxRecord, f: TraceFilter): boolean {
  if (f.outcomes.length && !f.outcomes.includes(outcomeOf(r))) return false;
  if (f.origins.length && !f.origins.includes(r.origin.toLowerCase())) return false;
  if (f.users.length && !f.users.includes(r.user?.toLowerCase() ?? '')) return false;
  if (!f.tables.length && !f.rules.length && !f.text.length) return true;
  const s = searchable(r);
  if (f.tables.length && !f.tables.some((t) => s.tables.has(t))) return false;
  if (f.rules.length && !f.rules.some((want) => s.rules.includes(want))) return false;
  if (f.text.length && !f.text.every((w) => s.text.includes(w))) return false;
  return true;
}
