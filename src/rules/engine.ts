/**
 * The rules engine: applies a transaction (inserts, updates, deletes) through every rule, inside one
 * database transaction, and reports what each rule did.
 *
 * Per changed row, in this order (LogicBank's): early events → copies (insert or FK change) →
 * formulas (in dependency order, pruned to those whose inputs changed) → parent adjustments (sums and
 * counts by difference, chaining upward) → cascades to children (formulas that read a changed parent
 * column) → row events. When every row is done: constraints (once per changed row, against its final
 * state) → writes → after-flush events → commit events → commit. Any failure rolls back everything.
 */
import type { Dialect } from '../store/dialect.js';
import type { Key, Row, Store, Value } from '../store/types.js';
import type { CompiledRules, TableLogic } from './compiled.js';
import { BadInput, RuleViolation } from './errors.js';
import type { Op, TxApi, TxUser } from './dsl.js';
import type { TraceStep } from './trace.js';
import { Slicer } from '../slicer.js';
import { Turns } from './turns.js';
import { UnitOfWork } from './unit-of-work.js';

export { formatKey } from './unit-of-work.js';

/** One operation of a transaction, as `alsx tx` and scenarios write it. */
export type TxOp =
  | { insert: string; values?: Record<string, unknown>; as?: string }
  | { update: string; key: unknown; set: Record<string, unknown>; as?: string }
  | { delete: string; key: unknown };

export interface Change {
  table: string;
  key: Key;
  op: Op;
  /** column → [old, new] (old null on insert, new null on delete) */
  values: Record<string, [Value, Value]>;
}

export interface TxError {
  kind: 'constraint' | 'integrity' | 'error' | 'bad-input';
  rule?: string;
  table?: string;
  key?: Key;
  message: string;
  /** bad input: where ("ops[2].values.Quantity") and a short code */
  pointer?: string;
  code?: string;
}

export interface TxOutcome {
  ok: boolean;
  tx: string;
  origin: string;
  /** the name of the user the transaction ran for (absent: none) */
  user?: string;
  dryRun: boolean;
  durationMs: number;
  changes: Change[];
  trace: TraceStep[];
  error?: TxError;
  /** rows named with "as" in the ops, as they ended */
  aliases: Record<string, Row>;
}

export interface TxOptions {
  /** who asked: cli, api, kafka, tui, scenario, test … (shown in traces) */
  origin?: string;
  /** the user behind the transaction: rules see it as `user` (frozen), the trace records the name */
  user?: { name: string; roles: readonly string[]; attributes?: Readonly<Record<string, unknown>> } | null;
  /** run every rule, then roll back */
  dryRun?: boolean;
  /** called after every rule ran and every write is in the database, before commit; throwing rolls back (the API checks row security here) */
  beforeCommit?: (uow: UnitOfWork) => void;
}

/** What late (after-flush, commit) events receive beyond row/old/op/log: the Kafka layer adds `publish`. */
export type LateContextExtension = (tx: { id: string; origin: string }) => Record<string, unknown>;

export interface EngineOptions {
  /** the clock rules see as `now` (tests and scenarios fix it) */
  clock?: () => Date;
  extendLateContext?: LateContextExtension;
  /** called with every finished transaction (the trace pane, traces.jsonl) */
  onOutcome?: (outcome: TxOutcome) => void;
}

let txCounter = 0;
const txId = (): string => `${Date.now().toString(36)}-${(++txCounter).toString(36)}`;

export class Engine {
  constructor(
    readonly store: Store,
    readonly rules: CompiledRules,
    private readonly options: EngineOptions = {},
  ) {}

  /** Applies `ops` as one transaction; never throws for bad input or a rule's refusal — the outcome says. */
  run(ops: TxOp[], options: TxOptions = {}): TxOutcome {
    return this.transaction((uow) => {
      if (!Array.isArray(ops)) throw new BadInput('a transaction is a JSON list of operations', '', 'bad-json');
      ops.forEach((op, i) => {
        uow.applyOp(op, `ops[${i}]`);
      });
    }, options);
  }

  /** Runs `fn` with a TxApi inside one transaction (the JSON:API and workers use this). */
  transaction(fn: (uow: UnitOfWork) => void, options: TxOptions = {}): TxOutcome {
    if (this.paused)
      throw new Error('alsx: a transaction began while a sliced one was paused (a write path that did not wait for Engine.turns)');
    const started = performance.now();
    const uow = this.unitOfWork(options);
    let error: TxError | undefined;
    const outer = this.active;
    try {
      this.store.transaction(
        () => {
          fn(uow);
          uow.finish();
          options.beforeCommit?.(uow);
        },
        { rollback: options.dryRun ?? false },
      );
    } catch (e) {
      error = toTxError(e, this.store.dialect);
    } finally {
      this.active = outer;
    }
    return this.finished(uow, options, started, error);
  }

  /** whose turn it is to write in this process: every write path that may meet a sliced transaction takes one */
  readonly turns = new Turns();
  private paused = false;

  /**
   * A long transaction that does not stall everyone: `fn` calls `pause()` between its steps, which
   * yields to the event loop once a few milliseconds of work are done, with the database transaction
   * still open. Only for a caller that holds a turn (`turns`), so no other write can land inside it;
   * readers on their own connections (SqliteStore.reads) never see it half-done.
   */
  async transactionSliced(fn: (uow: UnitOfWork, pause: () => Promise<void>) => Promise<void>, options: TxOptions = {}): Promise<TxOutcome> {
    const started = performance.now();
    const uow = this.unitOfWork(options);
    let error: TxError | undefined;
    const slicer = new Slicer();
    const pause = async (): Promise<void> => {
      if (!slicer.due()) return;
      this.paused = true;
      try {
        await slicer.next();
      } finally {
        this.paused = false;
      }
    };
    try {
      await this.store.transactionAsync(
        async () => {
          await fn(uow, pause);
          for (const _ of uow.finishing()) await pause();
          options.beforeCommit?.(uow);
        },
        { rollback: options.dryRun ?? false },
      );
    } catch (e) {
      error = toTxError(e, this.store.dialect);
    } finally {
      this.active = undefined;
    }
    return this.finished(uow, options, started, error);
  }

  private unitOfWork(options: TxOptions): UnitOfWork {
    return new UnitOfWork(this, this.store, this.rules, txId(), options.origin ?? 'api', this.options, frozenUser(options.user));
  }

  private finished(uow: UnitOfWork, options: TxOptions, started: number, error: TxError | undefined): TxOutcome {
    const outcome = new Outcome(uow, options.dryRun ?? false, performance.now() - started, error);
    this.options.onOutcome?.(outcome);
    return outcome;
  }

  private active: UnitOfWork | undefined;
  private sharedApi: TxApi | undefined;

  /** the TxApi events receive, bound to the transaction running now */
  eventApi(uow: UnitOfWork): TxApi {
    this.active = uow;
    return (this.sharedApi ??= this.createEventApi());
  }

  private createEventApi(): TxApi {
    const current = (): UnitOfWork => this.active!;
    return {
      insert: (t, values) => current().eventInsert(t, values as Row) as never,
      update: (t, key, set) => current().eventUpdate(t, key, set as Row) as never,
      delete: (t, key) => current().eventDelete(t, key),
      get: (t, key) => current().eventGet(t, key) as never,
      find: (t, where) => current().eventFind(t, where as Row) as never,
    };
  }

  logicOf(name: string): TableLogic | undefined {
    return this.rules.tables.get(name);
  }
}

/** A finished transaction. Its changes and aliases are computed when first read: most callers on a hot path never look. */
class Outcome implements TxOutcome {
  readonly ok: boolean;
  readonly tx: string;
  readonly origin: string;
  readonly user: string | undefined;
  readonly trace: TraceStep[];
  private computed: { changes: Change[]; aliases: Record<string, Row> } | undefined;

  constructor(
    private readonly uow: UnitOfWork,
    readonly dryRun: boolean,
    readonly durationMs: number,
    readonly error: TxError | undefined,
  ) {
    this.ok = error === undefined;
    this.tx = uow.trace.tx;
    this.origin = uow.trace.origin;
    this.user = uow.user?.name;
    this.trace = uow.trace.steps;
  }

  private get result(): { changes: Change[]; aliases: Record<string, Row> } {
    return (this.computed ??= this.ok ? { changes: this.uow.changes(), aliases: this.uow.aliasRows() } : { changes: [], aliases: {} });
  }
  get changes(): Change[] {
    return this.result.changes;
  }
  get aliases(): Record<string, Row> {
    return this.result.aliases;
  }

  toJSON(): TxOutcome {
    const { ok, tx, origin, user, dryRun, durationMs, changes, trace, aliases, error } = this;
    return {
      ok,
      tx,
      origin,
      ...(user !== undefined ? { user } : {}),
      dryRun,
      durationMs,
      changes,
      trace,
      aliases,
      ...(error ? { error } : {}),
    };
  }
}

/** a copy the rules cannot change: what they see of the user is what the API decided */
function frozenUser(u: TxOptions['user']): TxUser | undefined {
  if (!u) return undefined;
  return Object.freeze({
    name: u.name,
    roles: Object.freeze([...u.roles]),
    attributes: Object.freeze({ ...(u.attributes ?? {}) }),
  });
}

function toTxError(e: unknown, dialect: Dialect): TxError {
  if (e instanceof RuleViolation) return { kind: e.kind, rule: e.rule, table: e.table, key: e.key, message: e.message };
  if (e instanceof BadInput) return { kind: 'bad-input', message: e.message, code: e.code, ...(e.pointer ? { pointer: e.pointer } : {}) };
  if (e instanceof Error && dialect.classify(e).kind === 'busy')
    return { kind: 'error', code: 'busy', message: `the database is busy (${e.message}); try again` };
  throw e;
}
