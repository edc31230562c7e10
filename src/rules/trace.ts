/** What the engine tells about a transaction: one step per rule firing, and the logic log text. */
import type { Key, Value } from '../store/types.js';
import { KEY_SEPARATOR } from './keys.js';

export type StepKind =
  | 'insert'
  | 'update'
  | 'delete'
  | 'early'
  | 'copy'
  | 'formula'
  | 'sum'
  | 'count'
  | 'constraint'
  | 'event'
  | 'afterFlush'
  | 'commit'
  | 'log';

export interface TraceStep {
  tx: string;
  origin: string;
  /** 1, 2, 3 … in firing order */
  seq: number;
  /** 0 for the transaction's own operations; +1 for each rule reached through another */
  depth: number;
  kind: StepKind;
  /** the rule's name (absent for operations) */
  rule?: string;
  table: string;
  key: Key;
  column?: string;
  old?: Value;
  new?: Value;
  /** seq of the step whose change caused this one */
  cause?: number;
  /** free text: a constraint's message, an event's log line, "cascade from Order 10643" … */
  note?: string;
  /** constraints: whether it held */
  passed?: boolean;
}

export class TraceRecorder {
  readonly steps: TraceStep[] = [];
  constructor(
    readonly tx: string,
    readonly origin: string,
  ) {}

  /** records a step; the caller's fresh object literal becomes the step itself (the hot path of every rule) */
  add(s: Omit<TraceStep, 'tx' | 'origin' | 'seq'>): TraceStep {
    const step = s as TraceStep;
    step.tx = this.tx;
    step.origin = this.origin;
    step.seq = this.steps.length + 1;
    this.steps.push(step);
    return step;
  }
}

const show = (v: Value | undefined): string =>
  v === undefined ? '∅' : v === null ? 'null' : typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' ? '<blob>' : String(v);
const bare = (v: Value | undefined): string => show(v).replace(/^"(.*)"$/, '$1');
/** bare, composite parts joined by "," (as the API and Tables show a key) */
const showKey = (k: Key): string =>
  k !== null && typeof k === 'object' && !(k instanceof Uint8Array) ? Object.values(k).map(bare).join(KEY_SEPARATOR) : bare(k as Value);

/**
 * The indented "logic log": one line per step, nested by cause.
 *
 *   insert OrderDetail 2481
 *     copy     OrderDetail.UnitPrice = copy(Product.UnitPrice)   UnitPrice ∅ → 19
 *     formula  OrderDetail.Amount = Quantity * UnitPrice          Amount ∅ → 38
 *     sum      Order.AmountTotal = sum(OrderDetail.Amount)        Order 11078  AmountTotal 18 → 56
 */
export function renderLogicLog(steps: TraceStep[], paint: Paint = plain): string {
  const lines: string[] = [];
  for (const { index, depth } of causeTree(steps)) {
    const s = steps[index]!;
    const indent = '  '.repeat(depth);
    const where = `${s.table} ${showKey(s.key)}`;
    const change = s.column !== undefined ? `  ${s.column} ${show(s.old)} → ${show(s.new)}` : '';
    let line: string;
    switch (s.kind) {
      case 'insert':
      case 'update':
      case 'delete':
        line = `${paint.op(s.kind)} ${where}${s.note ? paint.dim(`  ${s.note}`) : ''}`;
        break;
      case 'constraint':
        line = s.passed
          ? `${paint.kind(pad(s.kind))} ${s.rule}  ${paint.ok('ok')}  ${paint.dim(where)}`
          : `${paint.bad(`${pad(s.kind)} ${s.rule}  FAILED  ${where}: ${s.note}`)}`;
        break;
      case 'log':
        line = `${paint.kind(pad(s.kind))} ${s.note}  ${paint.dim(where)}`;
        break;
      default:
        line = `${paint.kind(pad(s.kind))} ${s.rule}  ${paint.dim(where)}${change}${s.note ? paint.dim(`  (${s.note})`) : ''}`;
    }
    lines.push(indent + line);
  }
  return lines.join('\n');
}

const pad = (s: string): string => s.padEnd(10);

/**
 * The steps as a tree: each under the step that caused it, a step's effects in firing order, all of
 * them before its next sibling — so a line's parent is its cause, never merely the line above it at a
 * lesser depth (a sum's effects are not drawn under the count fired after it). `guide` draws the
 * branches ("│ ├─ ").
 */
export function causeTree(steps: TraceStep[]): { index: number; depth: number; guide: string }[] {
  const indexBySeq = new Map(steps.map((s, i) => [s.seq, i]));
  const children = steps.map((): number[] => []);
  const roots: number[] = [];
  steps.forEach((s, i) => {
    const cause = s.cause === undefined ? undefined : indexBySeq.get(s.cause);
    // a cause always fired first; one that is missing (a trimmed trace) makes the step a root
    if (cause !== undefined && cause < i) children[cause]!.push(i);
    else roots.push(i);
  });
  const out: { index: number; depth: number; guide: string }[] = [];
  // depth first, iteratively (cascades can be deep): each entry carries the guides of its ancestors
  const pending = roots.map((index) => ({ index, depth: 0, guide: '', prefix: '' })).reverse();
  while (pending.length) {
    const { index, depth, guide, prefix } = pending.pop()!;
    out.push({ index, depth, guide });
    const kids = children[index]!;
    for (let k = kids.length - 1; k >= 0; k--) {
      const last = k === kids.length - 1;
      pending.push({
        index: kids[k]!,
        depth: depth + 1,
        guide: `${prefix}${last ? '└─ ' : '├─ '}`,
        prefix: `${prefix}${last ? '  ' : '│ '}`,
      });
    }
  }
  return out;
}

export interface Paint {
  op(s: string): string;
  kind(s: string): string;
  dim(s: string): string;
  ok(s: string): string;
  bad(s: string): string;
}
export const plain: Paint = { op: (s) => s, kind: (s) => s, dim: (s) => s, ok: (s) => s, bad: (s) => s };
