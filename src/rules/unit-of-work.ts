/**
 * One transaction's work: the rows it has read and changed, and the rule logic run on each change
 * (see engine.ts for the order). Reads are cached, so each row is read once; changed rows are
 * written once, at the end (or before a delete, so SQLite's own ON DELETE actions see them).
 */
import type { Key, Row, Store, TableInfo, Value } from '../store/types.js';
import {
  emptyLogic,
  type CompiledAggregate,
  type CompiledEvent,
  type CompiledFormula,
  type CompiledRules,
  type TableLogic,
} from './compiled.js';
import { BadInput, RuleViolation, suggest as suggestName } from './errors.js';
import { isTable, tableName, type Op, type TxApi, type TxUser } from './dsl.js';
import { TraceRecorder, type TraceStep } from './trace.js';
import { derivedValue, normalize, outOfRange, sameValue } from './values.js';
import { addChecked } from './decimal.js';
import { formatKey, KEY_SEPARATOR } from './keys.js';

export { formatKey };
import type { Change, Engine, EngineOptions, TxOp } from './engine.js';

/** A row as the transaction sees it. */
interface RowState {
  logic: TableLogic;
  table: TableInfo;
  id: string;
  key: Row;
  /** the row when the transaction started (null when inserted by it); the same object as `cur` until the row first changes */
  old: Row | null;
  cur: Row;
  inserted: boolean;
  deleted: boolean;
  /** being deleted: its children's adjustments to it are pruned */
  deleting: boolean;
  /** columns changed since the row was last written (null: none) */
  dirty: Set<string> | null;
  /** changed at some point in the transaction (it may have changed back) */
  touched: boolean;
}

const NO_PARENT: Row = Object.freeze({}) as Row;
const noParents = (): never => {
  throw new Error('parent(…) is not among what this rule was found to read; declare it in deps');
};

export class UnitOfWork {
  readonly trace: TraceRecorder;
  private readonly states = new Map<string, RowState>();
  /** the same rows by table, for the children of a parent that the database does not know yet */
  private readonly statesOf = new Map<string, RowState[]>();
  /** rows with changes not yet written (each once: a row joins when its `dirty` set is created) */
  private unwritten: RowState[] = [];
  private readonly aliases = new Map<string, RowState>();
  private readonly emptyLogic = new Map<string, TableLogic>();
  private readonly now: string;
  /** the event running now: its log lines and its writes through the TxApi nest under it */
  private running: { ev: CompiledEvent; key: Key; depth: number; cause: number } | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly store: Store,
    private readonly rules: CompiledRules,
    id: string,
    origin: string,
    private readonly options: EngineOptions,
    /** the user behind the transaction, frozen; rules see it as `user` */
    readonly user?: TxUser,
  ) {
    this.trace = new TraceRecorder(id, origin);
    this.now = (options.clock?.() ?? new Date()).toISOString();
  }

  // ── operations ────────────────────────────────────────────────────────────────────────────

  /** applies one operation; returns the row inserted or updated (its key filled in), as the transaction sees it */
  applyOp(op: TxOp, pointer: string): Row | undefined {
    if (!op || typeof op !== 'object' || Array.isArray(op))
      throw new BadInput(`${pointer}: an operation is an object like {"insert": "Order", "values": {…}}`, pointer, 'bad-op');
    const o = op as Record<string, unknown>;
    const verbs = ['insert', 'update', 'delete'].filter((v) => v in o);
    if (verbs.length !== 1)
      throw new BadInput(
        `${pointer}: say one of "insert", "update" or "delete" (got ${Object.keys(o).join(', ') || 'nothing'})`,
        pointer,
        'bad-op',
      );
    const verb = verbs[0] as Op;
    const table = this.tableByName(o[verb], `${pointer}.${verb}`);
    if (verb === 'insert') {
      const state = this.insert(
        table,
        this.resolveAliases(this.record(o.values ?? {}, `${pointer}.values`), `${pointer}.values`),
        0,
        undefined,
        `${pointer}.values`,
      );
      this.alias(o.as, state, pointer);
      return state.cur;
    } else if (verb === 'update') {
      if (!('set' in o)) throw new BadInput(`${pointer}: an update needs "set": {column: value}`, pointer, 'bad-op');
      const state = this.mustGet(table, this.resolveAliasValue(o.key, `${pointer}.key`), `${pointer}.key`);
      this.update(state, this.resolveAliases(this.record(o.set, `${pointer}.set`), `${pointer}.set`), 0, undefined, `${pointer}.set`);
      this.alias(o.as, state, pointer);
      return state.cur;
    }
    this.delete(this.mustGet(table, this.resolveAliasValue(o.key, `${pointer}.key`), `${pointer}.key`), 0, undefined);
    return undefined;
  }

  /**
   * The API events and custom code use: the same operations, by table object or name, nested in the
   * trace under the event running now. One object per engine (events run synchronously, one
   * transaction at a time), so a row event costs no allocation.
   */
  api(): TxApi {
    return this.engine.eventApi(this);
  }

  eventTable(t: unknown): TableInfo {
    return this.tableByName(isTable(t) ? tableName(t) : t, 'table');
  }
  eventInsert(t: unknown, values: Row): Row {
    return this.insert(this.eventTable(t), values, this.running?.depth ?? 0, this.running?.cause, 'values').cur;
  }
  eventUpdate(t: unknown, key: unknown, set: Row): Row {
    const state = this.mustGet(this.eventTable(t), key, 'key');
    this.update(state, set, this.running?.depth ?? 0, this.running?.cause, 'set');
    return state.cur;
  }
  eventDelete(t: unknown, key: unknown): void {
    this.delete(this.mustGet(this.eventTable(t), key, 'key'), this.running?.depth ?? 0, this.running?.cause);
  }
  eventGet(t: unknown, key: unknown): Row | undefined {
    const table = this.eventTable(t);
    return this.state(table, this.keyRow(table, key, 'key'))?.cur;
  }
  eventFind(t: unknown, where: Row): Row[] {
    return this.find(this.eventTable(t), where).map((s) => s.cur);
  }

  insert(table: TableInfo, values: Row, depth: number, cause: number | undefined, pointer: string): RowState {
    if (table.isView) throw new BadInput(`${table.name} is a view: it cannot be written`, pointer, 'read-only');
    const logic = this.logicOf(table);
    const row: Row = {};
    for (const col of table.columns) {
      if (col.defaultValue !== undefined) row[col.name] = col.defaultValue;
      else if (!col.defaultIsExpression) row[col.name] = null;
    }
    for (const name in values) {
      const col = table.columnsByName.get(name);
      if (!col) throw unknownColumn(table, name, pointer);
      row[name] = normalize(col, values[name], pointer, table.name, name);
      if (row[name] === null && col.notNull && !(col.pk && table.generatedKey)) throw notNullable(table, name, pointer);
    }
    const step = this.trace.add({ depth, kind: 'insert', table: table.name, key: this.keyOf(table, row), cause });
    for (const d of logic.defaults) {
      if (values[d.column] !== null && values[d.column] !== undefined) continue; // the caller's value wins
      const value = typeof d.value === 'function' ? d.value(this.now, { user: this.user }) : d.value;
      const col = table.columnsByName.get(d.column)!;
      const nv = normalize(col, value, 'defaults', table.name, d.column);
      if (!sameValue(row[d.column], nv)) {
        this.trace.add({
          depth: depth + 1,
          kind: 'early',
          rule: `${table.name} defaults`,
          table: table.name,
          key: step.key,
          column: d.column,
          old: row[d.column] ?? null,
          new: nv,
          cause: step.seq,
        });
        row[d.column] = nv;
      }
    }
    if (logic.early.length) this.runEvents(logic.early, row, null, 'insert', depth + 1, step, {});
    for (const agg of logic.aggregateTargets) row[agg.target.name] = 0;
    for (const copy of logic.copies) {
      const parent = this.parentRow(copy.fk, row);
      this.set(row, copy.target.name, parent[copy.from] ?? null, copy, depth + 1, step, table);
    }
    for (const f of logic.formulas) this.evaluate(f, row, null, 'insert', depth + 1, step);
    this.checkRequired(table, row, pointer);

    let key: Row;
    try {
      key = this.store.insert(table, row);
    } catch (e) {
      throw this.explainWriteError(e, table, row, pointer);
    }
    Object.assign(row, key);
    // steps recorded before the database assigned the key (defaults, copies, formulas) get it now
    const assigned = this.keyOf(table, row);
    for (let i = step.seq - 1; i < this.trace.steps.length; i++) {
      const s = this.trace.steps[i]!;
      if (s.table === table.name && s.key === null) s.key = assigned;
    }
    const state: RowState = {
      logic,
      table,
      id: this.idOf(table, key),
      key,
      old: null,
      cur: row,
      inserted: true,
      deleted: false,
      deleting: false,
      dirty: null,
      touched: true,
    };
    this.remember(state);
    this.adjustParents(state, null, row, null, depth + 1, step.seq);
    if (logic.rowEvents.length) this.runEvents(logic.rowEvents, row, null, 'insert', depth + 1, step, { tx: this.api() });
    return state;
  }

  update(state: RowState, set: Row, depth: number, cause: number | undefined, pointer: string): void {
    if (state.deleted)
      throw new BadInput(`${state.table.name} ${this.showKey(state)} was deleted earlier in this transaction`, pointer, 'not-found');
    const { table, logic } = state;
    this.own(state);
    const before = { ...state.cur };
    const changed = new Set<string>();
    for (const name in set) {
      const value = set[name];
      const col = table.columnsByName.get(name);
      if (!col) throw unknownColumn(table, name, pointer);
      const nv = normalize(col, value, pointer, table.name, name);
      if (nv === null && col.notNull) throw notNullable(table, name, pointer);
      if (sameValue(before[name], nv)) continue;
      if (col.pk)
        throw new BadInput(
          `${table.name}.${name} is the primary key; it cannot change (insert a new row instead)`,
          `${pointer}.${name}`,
          'key-change',
        );
      const rule = logic.derivedBy.get(name);
      if (rule && rule.kind !== 'copy' && !(rule.kind === 'formula' && rule.stateful)) {
        throw new BadInput(
          `${table.name}.${name} is derived by the rule "${rule.name}"; change what it is computed from instead`,
          `${pointer}.${name}`,
          'derived',
        );
      }
      state.cur[name] = nv;
      changed.add(name);
    }
    const step = this.trace.add({
      depth,
      kind: 'update',
      table: table.name,
      key: this.keyOf(table, state.cur),
      cause,
      note: changed.size ? undefined : 'no change',
    });
    if (changed.size === 0) return;
    this.process(state, before, changed, depth, step, NONE);
  }

  delete(state: RowState, depth: number, cause: number | undefined): void {
    if (state.deleted || state.deleting) return;
    const { table, logic } = state;
    state.deleting = true;
    state.touched = true;
    const step = this.trace.add({ depth, kind: 'delete', table: table.name, key: this.keyOf(table, state.cur), cause });
    for (const fk of table.children) {
      const children = this.children(fk, state);
      if (children.length === 0) continue;
      if (fk.onDelete === 'CASCADE') {
        for (const child of children) this.delete(child, depth + 1, step.seq);
      } else if (fk.onDelete === 'SET NULL' || fk.onDelete === 'SET DEFAULT') {
        const childTable = this.store.schema.tables.get(fk.childTable)!;
        for (const child of children) {
          const set: Row = {};
          for (const c of fk.childColumns)
            set[c] = fk.onDelete === 'SET NULL' ? null : (childTable.columnsByName.get(c)!.defaultValue ?? null);
          this.update(child, set, depth + 1, step.seq, 'set');
        }
      } else {
        throw new RuleViolation(
          `${fk.childTable}.${fk.childColumns.join('+')} → ${table.name}`,
          table.name,
          this.keyOf(table, state.cur),
          `${table.name} ${this.showKey(state)} is still referenced by ${children.length} ${fk.childTable} row${children.length === 1 ? '' : 's'} (${fk.childTable}.${fk.childColumns.join('+')}); delete or move them first`,
          'integrity',
        );
      }
    }
    this.adjustParents(state, state.cur, null, null, depth + 1, step.seq);
    this.flushWrites(); // SQLite's own ON DELETE actions must see every pending change
    this.store.delete(table, state.key);
    state.deleted = true;
    if (logic.rowEvents.length) this.runEvents(logic.rowEvents, state.cur, state.cur, 'delete', depth + 1, step, { tx: this.api() });
  }

  // ── one row's logic ───────────────────────────────────────────────────────────────────────

  /** the row changed `changed` (from `before`): run its rules; `forced` formulas run whatever changed (cascades) */
  private process(
    state: RowState,
    before: Row,
    changed: Set<string>,
    depth: number,
    step: TraceStep,
    forced: ReadonlySet<CompiledFormula>,
  ): void {
    const { logic, table } = state;
    const row = state.cur;
    if (logic.early.length) {
      this.runEvents(logic.early, row, before, 'update', depth + 1, step, {});
      for (const col of table.columns) if (!sameValue(before[col.name], row[col.name])) changed.add(col.name);
    }
    for (const copy of logic.copies) {
      if (copy.fk.childColumns.some((c) => changed.has(c))) {
        const parent = this.parentRow(copy.fk, row);
        if (this.set(row, copy.target.name, parent[copy.from] ?? null, copy, depth + 1, step, table)) changed.add(copy.target.name);
      }
    }
    for (const f of logic.formulas) {
      if (forced.has(f) || f.readsUser || intersects(f.reads, changed) || intersects(f.fkReads, changed)) {
        if (this.evaluate(f, row, before, 'update', depth + 1, step)) changed.add(f.target.name);
      }
    }
    if (state.dirty) for (const c of changed) state.dirty.add(c);
    else {
      state.dirty = new Set(changed);
      this.unwritten.push(state);
    }
    state.touched = true;
    this.adjustParents(state, before, row, changed, depth + 1, step.seq);
    for (const cascade of logic.cascades) {
      if (!intersects(cascade.parentColumns, changed)) continue;
      for (const child of this.children(cascade.fk, state)) {
        this.own(child);
        const childStep = this.trace.add({
          depth: depth + 1,
          kind: 'update',
          table: child.table.name,
          key: this.keyOf(child.table, child.cur),
          cause: step.seq,
          note: `cascade from ${table.name} ${this.showKey(state)}`,
        });
        this.process(child, { ...child.cur }, new Set(), depth + 1, childStep, cascade.formulas);
      }
    }
    if (logic.rowEvents.length) this.runEvents(logic.rowEvents, row, before, 'update', depth + 1, step, { tx: this.api() });
  }

  /** evaluates a formula into the row; true when the value changed */
  private evaluate(f: CompiledFormula, row: Row, old: Row | null, op: Op, depth: number, step: TraceStep): boolean {
    let value: unknown;
    const parent = f.parentFks.size ? (t: unknown, role?: string) => this.formulaParent(f, row, t, role) : noParents;
    try {
      value = f.fn(row, { old, op, parent: parent as never, user: this.user });
    } catch (e) {
      throw new RuleViolation(
        f.name,
        f.table.name,
        this.keyOf(f.table, row),
        `formula ${f.name} failed: ${(e as Error).message ?? e}`,
        'error',
      );
    }
    let nv: Value;
    try {
      nv = derivedValue(f.target, value, f.table.name, f.name);
    } catch (e) {
      if ((e as BadInput).code === 'out-of-range') throw e;
      throw new RuleViolation(
        f.name,
        f.table.name,
        this.keyOf(f.table, row),
        `formula ${f.name} returned ${String(value)}: ${(e as Error).message}`,
        'error',
      );
    }
    return this.set(row, f.target.name, nv, f, depth, step, f.table);
  }

  private set(
    row: Row,
    column: string,
    value: Value,
    rule: { kind: string; name: string },
    depth: number,
    step: TraceStep,
    table: TableInfo,
  ): boolean {
    const old = row[column] ?? null;
    if (sameValue(old, value) && !(step.kind === 'insert')) return false;
    row[column] = value;
    this.trace.add({
      depth,
      kind: rule.kind as TraceStep['kind'],
      rule: rule.name,
      table: table.name,
      key: this.keyOf(table, row),
      column,
      old: step.kind === 'insert' ? null : old,
      new: value,
      cause: step.seq,
    });
    return !sameValue(old, value);
  }

  private formulaParent(f: CompiledFormula, row: Row, t: unknown, role: string | undefined): Row {
    const name = isTable(t) ? tableName(t) : String(t);
    const fk = f.parentFks.get(`${name}/${role ?? ''}`) ?? f.parentFks.get(`${name}/`);
    if (!fk) throw new Error(`parent(${name}${role ? `, '${role}'` : ''}) was not found when the rule was loaded`);
    const key = fkValue(fk.childColumns, row);
    if (!key) return NO_PARENT;
    const parent = this.state(this.store.schema.tables.get(fk.parentTable)!, keyRowFrom(fk.parentColumns, key));
    return parent?.cur ?? NO_PARENT;
  }

  /** Sums and counts: adjust each parent by the difference between the row's old and new contribution. */
  private adjustParents(
    state: RowState,
    before: Row | null,
    after: Row | null,
    changed: Set<string> | null,
    depth: number,
    cause: number,
  ): void {
    for (const group of state.logic.aggregatesByFk) {
      const fk = group.fk;
      const oldKey = before && fkValue(fk.childColumns, before);
      const newKey = after && fkValue(fk.childColumns, after);
      const sameParent = oldKey !== null && newKey !== null && sameKey(oldKey, newKey);
      let toOld: [CompiledAggregate, number][] | undefined;
      let toNew: [CompiledAggregate, number][] | undefined;
      for (const rule of group.rules) {
        if (changed && !intersects(rule.relevant, changed)) continue;
        const oldC = oldKey ? contribution(rule, before!) : 0;
        const newC = newKey ? contribution(rule, after!) : 0;
        if (sameParent) {
          if (oldC !== newC) (toNew ??= []).push([rule, this.exactSum(rule, newC, -oldC)]);
        } else {
          if (oldKey && oldC !== 0) (toOld ??= []).push([rule, -oldC]);
          if (newKey && newC !== 0) (toNew ??= []).push([rule, newC]);
        }
      }
      const parentTable = this.store.schema.tables.get(fk.parentTable)!;
      if (toOld) this.adjust(parentTable, keyRowFrom(fk.parentColumns, oldKey!), toOld, depth, cause, state);
      if (toNew) this.adjust(parentTable, keyRowFrom(fk.parentColumns, newKey!), toNew, depth, cause, state);
    }
  }

  /** a + b for the total `rule` keeps: exact, within the column, or the transaction is refused (never stored rounded) */
  private exactSum(rule: CompiledAggregate, a: number, b: number): number {
    const where = `${rule.parent.name}.${rule.target.name}`;
    const sum = addChecked(a, b, rule.target.scale);
    if (sum === null)
      throw new BadInput(
        `${where} cannot be kept exactly: ${a} + ${b} needs more digits than a number holds (rule "${rule.name}")`,
        undefined,
        'out-of-range',
      );
    const limit = outOfRange(rule.target, sum);
    if (limit) throw new BadInput(`${where} would be ${sum} (rule "${rule.name}"), but it ${limit}`, undefined, 'out-of-range');
    return sum;
  }

  private adjust(table: TableInfo, key: Row, deltas: [CompiledAggregate, number][], depth: number, cause: number, child: RowState): void {
    const parent = this.state(table, key);
    if (!parent) {
      const fk = deltas[0]![0].fk;
      throw new RuleViolation(
        `${fk.childTable}.${fk.childColumns.join('+')} → ${table.name}`,
        child.table.name,
        this.keyOf(child.table, child.cur),
        `${child.table.name}.${fk.childColumns.join('+')} = ${formatKey(key)}: there is no ${table.name} with ${table.primaryKey.join('+')} ${formatKey(key)}`,
        'integrity',
      );
    }
    if (parent.deleting || parent.deleted) return; // pruned: the parent is going away
    this.own(parent);
    const before = parent.logic.usesBefore ? { ...parent.cur } : parent.cur;
    const changed = new Set<string>();
    let first: TraceStep | undefined;
    for (const [rule, delta] of deltas) {
      const col = rule.target.name;
      const old = (parent.cur[col] as number | null) ?? 0; // a NULL total counts as 0
      const nv = this.exactSum(rule, old, delta);
      parent.cur[col] = nv;
      changed.add(col);
      const s = this.trace.add({
        depth,
        kind: rule.kind,
        rule: rule.name,
        table: table.name,
        key: this.keyOf(table, parent.cur),
        column: col,
        old,
        new: nv,
        cause,
      });
      first ??= s;
    }
    this.process(parent, before, changed, depth, first!, NONE);
  }

  // ── end of transaction ────────────────────────────────────────────────────────────────────

  finish(): void {
    for (const state of this.states.values()) this.checkConstraints(state);
    this.flushWrites();
    const changed = this.changedStates();
    for (const when of LATE) {
      const extension = this.lateExtension();
      for (const state of changed) this.lateEvents(when, state, extension);
    }
  }

  /** finish, a row at a time: yields between rows, where a sliced transaction may pause (the loops of finish) */
  *finishing(): Generator<void, void> {
    for (const state of this.states.values()) {
      this.checkConstraints(state);
      yield;
    }
    const rows = this.takeUnwritten();
    for (const state of rows) {
      this.writeRow(state);
      yield;
    }
    const changed = this.changedStates();
    for (const when of LATE) {
      const extension = this.lateExtension();
      for (const state of changed) {
        this.lateEvents(when, state, extension);
        yield;
      }
    }
  }

  /** every constraint of a row the transaction changed, against its final state (its writes may already be flushed, so not `dirty`) */
  private checkConstraints(state: RowState): void {
    if (state.deleted || !(state.inserted || this.changedSinceStart(state))) return;
    for (const c of state.logic.constraints) {
      if (state.old && !c.readsOld && !this.changedAny(state, c.reads)) continue; // pruned: nothing it reads changed
      const op: Op = state.inserted ? 'insert' : 'update';
      let ok: boolean;
      try {
        ok = Boolean(c.check(state.cur, { old: state.old, op, user: this.user }));
      } catch (e) {
        throw new RuleViolation(
          c.name,
          state.table.name,
          this.keyOf(state.table, state.cur),
          `constraint ${c.name} failed to evaluate: ${(e as Error).message}`,
          'error',
        );
      }
      const key = this.keyOf(state.table, state.cur);
      if (ok) {
        this.trace.add({ depth: 0, kind: 'constraint', rule: c.name, table: state.table.name, key, passed: true });
        continue;
      }
      const message =
        typeof c.message === 'function'
          ? safeMessage(() => (c.message as (r: Row, x: unknown) => string)(state.cur, { old: state.old, op, user: this.user }), c.name)
          : c.message;
      this.trace.add({ depth: 0, kind: 'constraint', rule: c.name, table: state.table.name, key, passed: false, note: message });
      throw new RuleViolation(c.name, state.table.name, key, message);
    }
  }

  private changedStates(): RowState[] {
    return [...this.states.values()].filter((s) => (s.inserted ? !s.deleted : s.deleted || this.changedSinceStart(s)));
  }

  private lateExtension(): Record<string, unknown> {
    return this.options.extendLateContext?.({ id: this.trace.tx, origin: this.trace.origin }) ?? {};
  }

  private lateEvents(when: 'afterFlush' | 'commit', state: RowState, extension: Record<string, unknown>): void {
    const events = when === 'afterFlush' ? state.logic.afterFlush : state.logic.commit;
    if (events.length === 0) return;
    const op: Op = state.inserted ? 'insert' : state.deleted ? 'delete' : 'update';
    const step = this.trace.add({
      depth: 0,
      kind: when,
      rule: events.map((e) => e.name).join(', '),
      table: state.table.name,
      key: this.keyOf(state.table, state.cur),
      note: op,
    });
    this.runEvents(events, state.cur, state.old, op, 0, step, extension, when);
  }

  private flushWrites(): void {
    for (const state of this.takeUnwritten()) this.writeRow(state);
  }

  private takeUnwritten(): RowState[] {
    const rows = this.unwritten;
    this.unwritten = [];
    return rows;
  }

  private writeRow(state: RowState): void {
    if (!state.dirty || state.deleted) return;
    const values: Row = {};
    for (const c of state.dirty) values[c] = state.cur[c]!;
    try {
      this.store.update(state.table, state.key, values);
    } catch (e) {
      throw this.explainWriteError(e, state.table, state.cur, 'set');
    }
    state.dirty = null;
  }

  changes(): Change[] {
    const out: Change[] = [];
    for (const s of this.states.values()) {
      const key = this.keyOf(s.table, s.cur);
      if (s.inserted && s.deleted) continue;
      if (s.inserted || s.deleted) {
        const values: Change['values'] = {};
        for (const col of s.table.columns)
          values[col.name] = s.deleted ? [s.old![col.name] ?? null, null] : [null, s.cur[col.name] ?? null];
        out.push({ table: s.table.name, key, op: s.inserted ? 'insert' : 'delete', values });
        continue;
      }
      const values: Change['values'] = {};
      for (const col of s.table.columns) {
        if (!sameValue(s.old![col.name], s.cur[col.name])) values[col.name] = [s.old![col.name] ?? null, s.cur[col.name] ?? null];
      }
      if (Object.keys(values).length) out.push({ table: s.table.name, key, op: 'update', values });
    }
    return out;
  }

  aliasRows(): Record<string, Row> {
    return Object.fromEntries([...this.aliases].map(([name, s]) => [name, { ...s.cur }]));
  }

  private changedAny(s: RowState, columns: Set<string>): boolean {
    for (const col of columns) if (!sameValue(s.old![col], s.cur[col])) return true;
    return false;
  }

  private changedSinceStart(s: RowState): boolean {
    return s.touched && s.table.columns.some((c) => !sameValue(s.old![c.name], s.cur[c.name]));
  }

  // ── events ────────────────────────────────────────────────────────────────────────────────

  private runEvents(
    events: CompiledEvent[],
    row: Row,
    old: Row | null,
    op: Op,
    depth: number,
    step: TraceStep,
    extra: Record<string, unknown>,
    when?: string,
  ): void {
    for (const ev of events) {
      const table = ev.table.name;
      const key = step.key;
      if (!when) this.trace.add({ depth, kind: ev.when === 'early' ? 'early' : 'event', rule: ev.name, table, key, cause: step.seq });
      const saved = this.running;
      this.running = { ev, key, depth: depth + 1, cause: step.seq };
      try {
        ev.fn(row, { old, op, log: this.log, now: this.now, user: this.user, ...extra });
      } catch (e) {
        if (e instanceof RuleViolation || e instanceof BadInput) throw e;
        throw new RuleViolation(ev.name, table, key, `event ${ev.name} failed: ${(e as Error).message ?? e}`, 'error');
      } finally {
        this.running = saved;
      }
    }
  }

  /** `log` in an event's context: a line in the logic log, under the event running now */
  private readonly log = (message: string): void => {
    const r = this.running;
    if (r)
      this.trace.add({
        depth: r.depth,
        kind: 'log',
        rule: r.ev.name,
        table: r.ev.table.name,
        key: r.key,
        note: String(message),
        cause: r.cause,
      });
  };

  // ── rows ──────────────────────────────────────────────────────────────────────────────────

  private logicOf(table: TableInfo): TableLogic {
    const l = this.rules.tables.get(table.name);
    if (l) return l;
    let empty = this.emptyLogic.get(table.name);
    if (!empty) this.emptyLogic.set(table.name, (empty = emptyLogic(table)));
    return empty;
  }

  private idOf(table: TableInfo, key: Row): string {
    if (table.primaryKey.length === 1) {
      const v = key[table.primaryKey[0]!];
      return `${table.name}\u0000${typeof v}\u0000${String(v)}`;
    }
    return `${table.name}\u0000${JSON.stringify(table.primaryKey.map((c) => key[c]))}`;
  }

  private remember(state: RowState): void {
    this.states.set(state.id, state);
    const list = this.statesOf.get(state.table.name);
    if (list) list.push(state);
    else this.statesOf.set(state.table.name, [state]);
  }

  /** copy-on-write: keep the row as the transaction found it before its first change (most rows read are never changed) */
  private own(state: RowState): void {
    if (state.old === state.cur) state.old = { ...state.cur };
  }

  /** the row with this key as the transaction sees it (read once, then cached) */
  private state(table: TableInfo, key: Row): RowState | undefined {
    const id = this.idOf(table, key);
    const cached = this.states.get(id);
    if (cached) return cached.deleted ? undefined : cached;
    const row = this.store.get(table, key);
    if (!row) return undefined;
    const state: RowState = {
      logic: this.logicOf(table),
      table,
      id,
      key: pick(row, table.primaryKey),
      old: row,
      cur: row,
      inserted: false,
      deleted: false,
      deleting: false,
      dirty: null,
      touched: false,
    };
    this.remember(state);
    return state;
  }

  private mustGet(table: TableInfo, key: unknown, pointer: string): RowState {
    const state = this.state(table, this.keyRow(table, key, pointer));
    if (!state) throw new BadInput(`${table.name} ${formatKey(key)} does not exist`, pointer, 'not-found');
    return state;
  }

  private parentRow(fk: TableInfo['parents'][number], row: Row): Row {
    const key = fkValue(fk.childColumns, row);
    if (!key) return NO_PARENT;
    const parent = this.state(this.store.schema.tables.get(fk.parentTable)!, keyRowFrom(fk.parentColumns, key));
    if (!parent) {
      throw new RuleViolation(
        `${fk.childTable}.${fk.childColumns.join('+')} → ${fk.parentTable}`,
        fk.childTable,
        this.keyOf(this.store.schema.tables.get(fk.childTable)!, row),
        `${fk.childTable}.${fk.childColumns.join('+')} = ${key.map(String).join(KEY_SEPARATOR)}: there is no ${fk.parentTable} with that key`,
        'integrity',
      );
    }
    return parent.cur;
  }

  /** the children of a parent through one FK, as the transaction sees them (including unwritten re-parents) */
  private children(fk: TableInfo['children'][number], parent: RowState): RowState[] {
    const childTable = this.store.schema.tables.get(fk.childTable)!;
    const parentKey = fk.parentColumns.map((c) => parent.cur[c] ?? null);
    const found = new Map<string, RowState>();
    for (const key of this.store.childKeys(fk, parentKey)) {
      const s = this.state(childTable, key);
      if (s) found.set(s.id, s);
    }
    for (const s of this.statesOf.get(childTable.name) ?? []) if (!found.has(s.id)) found.set(s.id, s);
    return [...found.values()].filter(
      (s) => !s.deleted && !s.deleting && fk.childColumns.every((c, i) => sameValue(s.cur[c], parentKey[i]!)),
    );
  }

  private find(table: TableInfo, where: Row): RowState[] {
    const cols = Object.keys(where);
    for (const c of cols) if (!table.columnsByName.has(c)) throw unknownColumn(table, c, 'where');
    const fk = {
      childTable: table.name,
      childColumns: cols,
      parentTable: table.name,
      parentColumns: cols,
      onDelete: 'NO ACTION' as const,
      role: '',
    };
    const pseudoParent = { cur: where } as unknown as RowState;
    return this.children(fk, pseudoParent);
  }

  keyRow(table: TableInfo, key: unknown, pointer: string): Row {
    const pk = table.primaryKey;
    if (pk.length === 0) throw new BadInput(`${table.name} has no primary key, so its rows cannot be addressed`, pointer, 'no-key');
    if (key !== null && typeof key === 'object' && !Array.isArray(key)) {
      const k = key as Record<string, unknown>;
      const out: Row = {};
      for (const c of pk) {
        if (!(c in k)) throw new BadInput(`${pointer}: the key of ${table.name} needs ${pk.join(', ')}`, pointer, 'bad-key');
        out[c] = normalize(table.columnsByName.get(c)!, k[c], pointer, table.name, c);
      }
      return out;
    }
    if (pk.length > 1)
      throw new BadInput(
        `${pointer}: ${table.name} has a composite key; give {${pk.map((c) => `"${c}": …`).join(', ')}}`,
        pointer,
        'bad-key',
      );
    if (key === null || key === undefined) throw new BadInput(`${pointer}: a key is required`, pointer, 'bad-key');
    return { [pk[0]!]: normalize(table.columnsByName.get(pk[0]!)!, key, pointer, table.name) };
  }

  private keyOf(table: TableInfo, row: Row): Key {
    if (table.primaryKey.length === 1) return row[table.primaryKey[0]!] ?? null;
    return pick(row, table.primaryKey);
  }

  private showKey(state: RowState): string {
    return formatKey(this.keyOf(state.table, state.cur));
  }

  private tableByName(name: unknown, pointer: string): TableInfo {
    if (typeof name !== 'string') throw new BadInput(`${pointer}: expected a table name`, pointer, 'unknown-table');
    const table = this.store.schema.tables.get(name);
    if (!table)
      throw new BadInput(
        `${pointer}: there is no table ${name}${suggestName(name, this.store.schema.tables.keys())}`,
        pointer,
        'unknown-table',
      );
    return table;
  }

  private record(value: unknown, pointer: string): Row {
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new BadInput(`${pointer}: expected an object of column: value`, pointer, 'bad-op');
    return value as Row;
  }

  private alias(name: unknown, state: RowState, pointer: string): void {
    if (name === undefined) return;
    if (typeof name !== 'string' || !/^\w+$/.test(name))
      throw new BadInput(`${pointer}.as: an alias is a word like "o1"`, `${pointer}.as`, 'bad-op');
    this.aliases.set(name, state);
  }

  /** "$o1.Id" → the current Id of the row inserted "as": "o1" */
  private resolveAliasValue(value: unknown, at: string, field?: string): unknown {
    if (typeof value !== 'string' || value.charCodeAt(0) !== 36 /* $ */) return value;
    const pointer = field === undefined ? at : `${at}.${field}`;
    const m = /^\$(\w+)\.(\w+)$/.exec(value);
    if (!m) return value;
    const state = this.aliases.get(m[1]!);
    if (!state) throw new BadInput(`${pointer}: ${value} names no earlier operation (give one "as": "${m[1]}")`, pointer, 'unknown-alias');
    if (!state.table.columnsByName.has(m[2]!)) throw unknownColumn(state.table, m[2]!, pointer);
    return state.cur[m[2]!];
  }

  private resolveAliases(values: Row, pointer: string): Row {
    const out: Row = {};
    for (const k in values) out[k] = this.resolveAliasValue(values[k], pointer, k) as Value;
    return out;
  }

  private checkRequired(table: TableInfo, row: Row, pointer: string): void {
    for (const col of table.columns) {
      // a key that SQLite does not generate is required even when not declared NOT NULL (SQLite would take a NULL key)
      if ((!col.notNull && !col.pk) || col.defaultIsExpression || (col.pk && table.generatedKey)) continue;
      if (row[col.name] === null || row[col.name] === undefined) {
        throw new BadInput(
          `${table.name}.${col.name} is required${col.pk ? ' (it is the key, and it is not generated)' : ''}`,
          `${pointer}.${col.name}`,
          'required',
        );
      }
    }
  }

  /** turns SQLite's terse constraint errors into the caller's terms */
  private explainWriteError(e: unknown, table: TableInfo, row: Row, pointer: string): Error {
    const failed = this.store.dialect.classify(e);
    const msg = failed.detail;
    if (failed.kind === 'fk') {
      for (const fk of table.parents) {
        const key = fkValue(fk.childColumns, row);
        if (key && !this.state(this.store.schema.tables.get(fk.parentTable)!, keyRowFrom(fk.parentColumns, key))) {
          return new RuleViolation(
            `${table.name}.${fk.childColumns.join('+')} → ${fk.parentTable}`,
            table.name,
            this.keyOf(table, row),
            `${table.name}.${fk.childColumns.join('+')} = ${key.map(String).join(KEY_SEPARATOR)}: there is no ${fk.parentTable} with that key`,
            'integrity',
          );
        }
      }
      return new RuleViolation(`foreign key`, table.name, this.keyOf(table, row), `${table.name}: ${msg}`, 'integrity');
    }
    if (failed.kind === 'unique')
      return new BadInput(
        `${table.name} ${formatKey(this.keyOf(table, row))} already exists (${msg} must be unique)`,
        pointer,
        'duplicate',
      );
    if (failed.kind === 'notnull' && failed.column)
      return new BadInput(`${table.name}.${failed.column} is required`, `${pointer}.${failed.column}`, 'required');
    if (failed.kind === 'check')
      return new RuleViolation('CHECK', table.name, this.keyOf(table, row), `${table.name}: ${msg}`, 'constraint');
    return e as Error;
  }
}

/** the events after every row is written, in order */
const LATE = ['afterFlush', 'commit'] as const;

function contribution(rule: CompiledAggregate, row: Row): number {
  if (rule.where && !rule.where(row)) return 0;
  if (rule.kind === 'count') return 1;
  const v = row[rule.source!];
  return typeof v === 'number' ? v : v === null || v === undefined ? 0 : Number(v);
}

function fkValue(cols: string[], row: Row): Value[] | null {
  const out: Value[] = [];
  for (const c of cols) {
    const v = row[c];
    if (v === null || v === undefined) return null;
    out.push(v);
  }
  return out;
}

function keyRowFrom(cols: string[], values: Value[]): Row {
  const out: Row = {};
  for (let i = 0; i < cols.length; i++) out[cols[i]!] = values[i]!;
  return out;
}
const sameKey = (a: Value[], b: Value[]): boolean => a.length === b.length && a.every((v, i) => sameValue(v, b[i]!));
function pick(row: Row, cols: string[]): Row {
  const out: Row = {};
  for (const c of cols) out[c] = row[c] ?? null;
  return out;
}
const NONE: ReadonlySet<CompiledFormula> = new Set();

function intersects(a: Set<string>, b: Set<string>): boolean {
  if (a.size === 0 || b.size === 0) return false;
  for (const x of a) if (b.has(x)) return true;
  return false;
}

function notNullable(table: TableInfo, name: string, pointer: string): BadInput {
  return new BadInput(
    `${table.name}.${name} may not be null (it is NOT NULL); leave it out for its default`,
    `${pointer}.${name}`,
    'required',
  );
}

function unknownColumn(table: TableInfo, name: string, pointer: string): BadInput {
  return new BadInput(
    `${table.name} has no column ${name}${suggestName(name, table.columnsByName.keys())}`,
    `${pointer}.${name}`,
    'unknown-column',
  );
}

function safeMessage(fn: () => string, rule: string): string {
  try {
    return String(fn());
  } catch (e) {
    return `${rule} (its message failed: ${(e as Error).message})`;
  }
}
