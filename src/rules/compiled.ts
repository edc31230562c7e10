/** The rules of a project resolved against its database: what the engine executes, per table. */
import type { ColumnInfo, ForeignKey, TableInfo, Value } from '../store/types.js';
import type { ConstraintDecl, EventWhen, FormulaDecl } from './dsl.js';

export interface RuleBase {
  /** "OrderDetail.Amount = Quantity * UnitPrice", shown in traces and errors */
  name: string;
  site: string;
}

export interface CompiledFormula extends RuleBase {
  kind: 'formula';
  table: TableInfo;
  target: ColumnInfo;
  fn: FormulaDecl['fn'];
  /** own columns whose change re-evaluates it (its own target excluded) */
  reads: Set<string>;
  /** parent columns it reads, with the foreign key that reaches them: their change cascades here */
  parentReads: { fk: ForeignKey; column: string }[];
  /** FK columns to the parents it reads: a re-parent re-evaluates it */
  fkReads: Set<string>;
  /** reads its own current or old value (a running balance like UnitsInStock): callers may set the column directly */
  stateful: boolean;
  /** reads the row before the change (`old.X`) */
  readsOld: boolean;
  /** reads the transaction's user: evaluated whenever the row's rules run (UpdatedBy), not only when a column it reads changed */
  readsUser: boolean;
  /** parent(table, role) at run time → the foreign key it means */
  parentFks: Map<string, ForeignKey>;
}

export interface CompiledCopy extends RuleBase {
  kind: 'copy';
  table: TableInfo;
  target: ColumnInfo;
  fk: ForeignKey;
  from: string;
}

export interface CompiledAggregate extends RuleBase {
  kind: 'sum' | 'count';
  parent: TableInfo;
  target: ColumnInfo;
  child: TableInfo;
  fk: ForeignKey;
  /** the summed child column (sum only) */
  source: string | null;
  where: ((row: any) => boolean) | undefined;
  /** child columns whose change can change this rule's value */
  relevant: Set<string>;
}

export interface CompiledConstraint extends RuleBase {
  kind: 'constraint';
  table: TableInfo;
  check: ConstraintDecl['check'];
  message: ConstraintDecl['message'];
  reads: Set<string>;
  /** reads the old row: evaluated on every update */
  readsOld: boolean;
}

export interface CompiledEvent extends RuleBase {
  kind: 'event';
  when: EventWhen;
  table: TableInfo;
  fn: (row: any, ctx: any) => void;
}

export interface CompiledDefault {
  column: string;
  value: Value | ((now: string, ctx: { user: unknown }) => unknown);
}

/** Rules reached from one parent column change: re-evaluate these formulas on each child. */
export interface Cascade {
  fk: ForeignKey;
  child: TableLogic;
  parentColumns: Set<string>;
  formulas: Set<CompiledFormula>;
}

export interface TableLogic {
  table: TableInfo;
  defaults: CompiledDefault[];
  early: CompiledEvent[];
  copies: CompiledCopy[];
  /** in dependency order */
  formulas: CompiledFormula[];
  /** sums and counts over this table's rows, grouped by the foreign key to the parent they adjust */
  aggregatesByFk: { fk: ForeignKey; rules: CompiledAggregate[] }[];
  /** sum/count targets on this table: set to 0 on insert, only adjusted afterwards */
  aggregateTargets: CompiledAggregate[];
  cascades: Cascade[];
  constraints: CompiledConstraint[];
  rowEvents: CompiledEvent[];
  afterFlush: CompiledEvent[];
  commit: CompiledEvent[];
  /** its rules look at the row before a change (events, adjustments of its parents, formulas reading old): keep a copy */
  usesBefore: boolean;
  /** column → the rule that derives it (callers may not change it directly, except stateful formulas and copies) */
  derivedBy: Map<string, CompiledFormula | CompiledAggregate | CompiledCopy>;
}

/** a table's logic before any rule is added (and for tables no rule mentions) */
export function emptyLogic(table: TableInfo): TableLogic {
  return {
    table,
    defaults: [],
    early: [],
    copies: [],
    formulas: [],
    aggregatesByFk: [],
    aggregateTargets: [],
    cascades: [],
    constraints: [],
    rowEvents: [],
    afterFlush: [],
    commit: [],
    derivedBy: new Map(),
    usesBefore: false,
  };
}

export interface CompiledRules {
  tables: Map<string, TableLogic>;
  /** every rule in execution-relevant order, for listings */
  all: (CompiledFormula | CompiledCopy | CompiledAggregate | CompiledConstraint | CompiledEvent)[];
  /** what does not stop the rules from running but deserves a look (models out of step with the database) */
  warnings: string[];
}
