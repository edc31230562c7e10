/**
 * The declaration API of a project's `logic/rules.ts`:
 *
 *   export default rules(models, ({ constraint, sum, count, formula, copy }) => [
 *     constraint(Customer, c => c.Balance <= c.CreditLimit, c => `balance (${money(c.Balance)}) exceeds credit`),
 *     sum(Customer.Balance, Order.AmountTotal, { where: o => o.ShippedDate == null }),
 *     formula(OrderDetail.Amount, d => d.Quantity * d.UnitPrice),
 *     copy(OrderDetail.UnitPrice, Product.UnitPrice),
 *   ]);
 *
 * Declarations are data: `compile.ts` resolves them against the database schema, derives each
 * rule's dependencies from its function's source, and orders them. Declaration order never matters.
 */
import Big from 'big.js';
import type { Mapping } from '../mapping/mapping.js';
import { getTableName, is, Column, Table, type InferSelectModel } from 'drizzle-orm';

type AnyTable = Table;
type AnyColumn = Column;
export type RowOf<T extends AnyTable> = InferSelectModel<T>;
type Data<C extends AnyColumn> = C['_']['notNull'] extends true ? C['_']['data'] : C['_']['data'] | null;

/** the models module (`import * as models from '../models.js'`): every exported drizzle table */
export type Models = Record<string, unknown>;
type TableNamed<M extends Models, N> = Extract<M[keyof M], { _: { name: N } }> extends infer T extends AnyTable ? T : never;
type RowOfColumn<M extends Models, C extends AnyColumn> = RowOf<TableNamed<M, C['_']['tableName']>>;

export type Op = 'insert' | 'update' | 'delete';

/**
 * Who the transaction runs for: the logged-in user of an API request, the user a consumer applies
 * messages as. Frozen. Undefined for transactions without one (`alsx tx`, scenarios, the system's own).
 */
export interface TxUser {
  readonly name: string;
  readonly roles: readonly string[];
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** what every rule function receives besides the row */
export interface RuleContext<R> {
  /** the row as it was before this change (for constraints and late events: before the transaction); null on insert */
  old: R | null;
  op: Op;
  /** the user behind the transaction; undefined when there is none */
  user: TxUser | undefined;
}
export interface FormulaContext<R> extends RuleContext<R> {
  /** the row's parent through the (single) foreign key to `table`; `role` picks one when there are several */
  parent<P extends AnyTable>(table: P, role?: string): RowOf<P>;
}
/** what a default's function receives besides the time */
export interface DefaultContext {
  user: TxUser | undefined;
}
/** writes an event may make: they run through the rules, in the same transaction */
export interface TxApi {
  insert<T extends AnyTable>(table: T, values: Partial<RowOf<T>>): RowOf<T>;
  update<T extends AnyTable>(table: T, key: unknown, set: Partial<RowOf<T>>): RowOf<T>;
  delete<T extends AnyTable>(table: T, key: unknown): void;
  get<T extends AnyTable>(table: T, key: unknown): RowOf<T> | undefined;
  /** rows whose columns equal the given values (indexed columns, please: this runs a query) */
  find<T extends AnyTable>(table: T, where: Partial<RowOf<T>>): RowOf<T>[];
}
export interface EventContext<R> extends RuleContext<R> {
  /** a line in the transaction's logic log */
  log(message: string): void;
  /** when the event runs: now, as an ISO timestamp (one value per transaction) */
  now: string;
}
export interface RowEventContext<R> extends EventContext<R> {
  tx: TxApi;
}
/** Extension point: later layers (the Kafka outbox) add members to what late events receive. */
export interface LateEventContext<R> extends EventContext<R> {
  /**
   * Writes a message to the outbox, in this transaction: the relay sends it to Kafka after commit,
   * with a stable message-id header; a rolled-back transaction publishes nothing.
   */
  publish(topic: string, key: string | number | null, value: unknown, headers?: Record<string, string>): void;
  /** a row as a partner's dict, through a mapping (its reads see this transaction) */
  toDict(mapping: Mapping, row: object): Record<string, unknown>;
}

interface Declared {
  /** optional name, shown in traces and errors */
  name?: string;
  /** where it was declared ("logic/rules.ts:14"), for load-time errors */
  site: string;
}
export interface ConstraintDecl extends Declared {
  kind: 'constraint';
  table: AnyTable;
  check: (row: any, ctx: RuleContext<any>) => boolean;
  message: string | ((row: any, ctx: RuleContext<any>) => string);
}
export interface SumDecl extends Declared {
  kind: 'sum';
  target: AnyColumn;
  source: AnyColumn;
  where?: (row: any) => boolean;
  /** the child's foreign key column, when the child has several to the parent */
  via?: AnyColumn;
}
export interface CountDecl extends Declared {
  kind: 'count';
  target: AnyColumn;
  child: AnyTable;
  where?: (row: any) => boolean;
  via?: AnyColumn;
}
export interface FormulaDecl extends Declared {
  kind: 'formula';
  target: AnyColumn;
  fn: (row: any, ctx: FormulaContext<any>) => unknown;
  /** explicit dependencies, for functions whose source cannot be analysed */
  deps?: AnyColumn[];
}
export interface CopyDecl extends Declared {
  kind: 'copy';
  target: AnyColumn;
  from: AnyColumn;
  via?: AnyColumn;
}
export interface DefaultsDecl extends Declared {
  kind: 'defaults';
  table: AnyTable;
  values: Record<string, unknown>;
}
export type EventWhen = 'early' | 'row' | 'afterFlush' | 'commit';
export interface EventDecl extends Declared {
  kind: 'event';
  when: EventWhen;
  table: AnyTable;
  fn: (row: any, ctx: any) => void;
}
export type RuleDecl = ConstraintDecl | SumDecl | CountDecl | FormulaDecl | CopyDecl | DefaultsDecl | EventDecl;

interface Named {
  name?: string;
}

export interface Dsl<M extends Models> {
  /** the row must satisfy `check` when the transaction ends; otherwise everything rolls back */
  constraint<T extends AnyTable>(
    table: T,
    check: (row: RowOf<T>, ctx: RuleContext<RowOf<T>>) => boolean,
    message: string | ((row: RowOf<T>, ctx: RuleContext<RowOf<T>>) => string),
    options?: Named,
  ): RuleDecl;
  /** parent.target = Σ child.source (where …), kept by adjustment, never by re-aggregation */
  sum<P extends AnyColumn, S extends AnyColumn>(
    target: P,
    source: S,
    options?: Named & { where?: (row: RowOfColumn<M, S>) => boolean; via?: AnyColumn },
  ): RuleDecl;
  /** parent.target = number of child rows (where …) */
  count<P extends AnyColumn, C extends AnyTable>(
    target: P,
    child: C,
    options?: Named & { where?: (row: RowOf<C>) => boolean; via?: AnyColumn },
  ): RuleDecl;
  /** target = fn(row); re-evaluated only when a column it reads changes, and cascaded when a parent column it reads changes */
  formula<C extends AnyColumn>(
    target: C,
    fn: (row: RowOfColumn<M, C>, ctx: FormulaContext<RowOfColumn<M, C>>) => Data<C>,
    options?: Named & { deps?: AnyColumn[] },
  ): RuleDecl;
  /** target = parent's column, taken on insert and when the foreign key changes — later parent changes do not cascade */
  copy<C extends AnyColumn>(target: C, from: AnyColumn, options?: Named & { via?: AnyColumn }): RuleDecl;
  /**
   * values set on insert for columns the caller left empty; a function gets the time and the user:
   * `defaults(Order, { CreatedBy: (_now, { user }) => user?.name ?? null })`
   */
  defaults<T extends AnyTable>(
    table: T,
    values: { [K in keyof RowOf<T>]?: RowOf<T>[K] | ((now: string, ctx: DefaultContext) => RowOf<T>[K]) },
  ): RuleDecl;
  /** runs before the row's rules, and may change the row */
  early<T extends AnyTable>(table: T, fn: (row: RowOf<T>, ctx: EventContext<RowOf<T>>) => void, options?: Named): RuleDecl;
  /** runs after the row's rules; may write other rows through `tx` */
  event<T extends AnyTable>(table: T, fn: (row: RowOf<T>, ctx: RowEventContext<RowOf<T>>) => void, options?: Named): RuleDecl;
  /** runs once per changed row after all rules and constraints passed, still inside the transaction */
  afterFlush<T extends AnyTable>(table: T, fn: (row: RowOf<T>, ctx: LateEventContext<RowOf<T>>) => void, options?: Named): RuleDecl;
  /** runs once per changed row just before commit */
  commit<T extends AnyTable>(table: T, fn: (row: RowOf<T>, ctx: LateEventContext<RowOf<T>>) => void, options?: Named): RuleDecl;
}

export interface RuleSet {
  readonly models: Models;
  readonly declarations: RuleDecl[];
}

/** Declares a project's rules. `models` is the project's drizzle tables module. */
export function rules<M extends Models>(models: M, build: (dsl: Dsl<M>) => RuleDecl[]): RuleSet {
  const dsl: Dsl<M> = {
    constraint: (table, check, message, o) => ({
      kind: 'constraint',
      table,
      check: check as ConstraintDecl['check'],
      message: message as ConstraintDecl['message'],
      name: o?.name,
      site: site(),
    }),
    sum: (target, source, o) => ({
      kind: 'sum',
      target,
      source,
      where: o?.where as SumDecl['where'],
      via: o?.via,
      name: o?.name,
      site: site(),
    }),
    count: (target, child, o) => ({
      kind: 'count',
      target,
      child,
      where: o?.where as CountDecl['where'],
      via: o?.via,
      name: o?.name,
      site: site(),
    }),
    formula: (target, fn, o) => ({ kind: 'formula', target, fn: fn as FormulaDecl['fn'], deps: o?.deps, name: o?.name, site: site() }),
    copy: (target, from, o) => ({ kind: 'copy', target, from, via: o?.via, name: o?.name, site: site() }),
    defaults: (table, values) => ({ kind: 'defaults', table, values, site: site() }),
    early: (table, fn, o) => ({ kind: 'event', when: 'early', table, fn: fn as EventDecl['fn'], name: o?.name, site: site() }),
    event: (table, fn, o) => ({ kind: 'event', when: 'row', table, fn: fn as EventDecl['fn'], name: o?.name, site: site() }),
    afterFlush: (table, fn, o) => ({ kind: 'event', when: 'afterFlush', table, fn: fn as EventDecl['fn'], name: o?.name, site: site() }),
    commit: (table, fn, o) => ({ kind: 'event', when: 'commit', table, fn: fn as EventDecl['fn'], name: o?.name, site: site() }),
  };
  return { models, declarations: build(dsl) };
}

/** "logic/rules.ts:14": the caller of the declaring function (two frames up), for error messages. */
function site(): string {
  const line = new Error().stack?.split('\n')[3] ?? '';
  const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):\d+\)?\s*$/.exec(line);
  if (!m) return 'rules';
  const file = m[1]!.replace(/^file:\/\//, '');
  const parts = file.split('/');
  return `${parts.slice(-2).join('/')}:${m[2]}`;
}

export const tableName = (t: AnyTable): string => getTableName(t);
export const isTable = (v: unknown): v is AnyTable => is(v, Table);
export const isColumn = (v: unknown): v is AnyColumn => is(v, Column);

/** exact decimal arithmetic for rules that compare money: `dec(e.Salary).gte(dec(old.Salary).times(1.2))` */
export const dec = (value: number | string): Big => new Big(value);

/** "2102.00": money as the messages show it */
export function money(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return Number(value).toFixed(2);
}
