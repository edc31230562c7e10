/**
 * Resolves a project's rule declarations against its database schema: finds each rule's table,
 * columns and foreign key, derives dependencies from the rule functions, orders formulas, and
 * rejects what cannot work (unknown table or column, ambiguous foreign key, cycles) with an error
 * that names the rule and where it was declared.
 */
import type { ColumnInfo, ForeignKey, Schema, TableInfo } from '../store/types.js';
import { analyze, AnalysisError, type AnyFunction, type Reads } from './analyze.js';
import { emptyLogic } from './compiled.js';
import type {
  CompiledAggregate,
  CompiledConstraint,
  CompiledCopy,
  CompiledDefault,
  CompiledEvent,
  CompiledFormula,
  CompiledRules,
  TableLogic,
} from './compiled.js';
import { isColumn, isTable, tableName, type RuleDecl, type RuleSet } from './dsl.js';
import { RuleDefinitionError, suggest } from './errors.js';

export function compile(ruleSet: RuleSet, schema: Schema): CompiledRules {
  const c = new Compiler(ruleSet, schema);
  return c.run();
}

class Compiler {
  private readonly tables = new Map<string, TableLogic>();
  private readonly all: CompiledRules['all'] = [];
  private readonly warnings: string[] = [];
  /** identifier used in the rules file (an export of models.ts) → database table name */
  private readonly modelNames = new Map<string, string>();

  constructor(
    private readonly ruleSet: RuleSet,
    private readonly schema: Schema,
  ) {
    for (const [exportName, value] of Object.entries(ruleSet.models)) {
      if (isTable(value)) this.modelNames.set(exportName, tableName(value));
    }
  }

  run(): CompiledRules {
    this.checkModels();
    for (const decl of this.ruleSet.declarations) {
      if (!decl || typeof decl !== 'object' || !('kind' in decl))
        throw new RuleDefinitionError(`rules: the list holds ${String(decl)}, not a rule declaration`);
      this.declare(decl);
    }
    for (const logic of this.tables.values()) {
      logic.formulas = this.orderFormulas(logic);
      logic.usesBefore =
        logic.early.length > 0 || logic.rowEvents.length > 0 || logic.aggregatesByFk.length > 0 || logic.formulas.some((f) => f.readsOld);
    }
    this.linkCascades();
    this.checkCycles();
    return { tables: this.tables, all: this.all, warnings: this.warnings };
  }

  /**
   * models.ts should describe the database; where it does not, only the rules that use the missing
   * part fail (with their own error), so the rules can run against another database with the same
   * tables (`--db`, API Logic Server's own Northwind) — the rest is a warning.
   */
  private checkModels(): void {
    for (const [exportName, value] of Object.entries(this.ruleSet.models)) {
      if (!isTable(value)) continue;
      const name = tableName(value);
      const table = this.schema.tables.get(name);
      if (!table) {
        this.warnings.push(
          `models: table ${name} (export ${exportName}) is not in the database${suggest(name, this.schema.tables.keys())}`,
        );
        continue;
      }
      for (const col of Object.values(value as unknown as Record<string, unknown>)) {
        if (isColumn(col) && !table.columnsByName.has(col.name)) {
          this.warnings.push(`models: column ${name}.${col.name} is not in the database${suggest(col.name, table.columnsByName.keys())}`);
        }
      }
    }
  }

  logic(table: TableInfo): TableLogic {
    let l = this.tables.get(table.name);
    if (!l) this.tables.set(table.name, (l = emptyLogic(table)));
    return l;
  }

  private declare(decl: RuleDecl): void {
    const where = `${decl.site} ${decl.kind}`;
    switch (decl.kind) {
      case 'constraint': {
        const table = this.table(decl.table, where);
        const reads = this.reads(decl.check, table, where);
        const rule: CompiledConstraint = {
          kind: 'constraint',
          name: decl.name ?? `${table.name}: ${reads.body}`,
          site: decl.site,
          table,
          check: decl.check,
          message: decl.message,
          reads: reads.own,
          readsOld: reads.old.size > 0,
        };
        this.logic(table).constraints.push(rule);
        this.all.push(rule);
        return;
      }
      case 'sum':
      case 'count': {
        const [parent, target] = this.target(decl.target, `${where} target`);
        const child = decl.kind === 'sum' ? this.column(decl.source, `${where} source`)[0] : this.table(decl.child, `${where} child`);
        const source = decl.kind === 'sum' ? this.column(decl.source, where)[1].name : null;
        const fk = this.fk(child, parent, decl.via, where);
        const whereReads = decl.where ? this.reads(decl.where, child, `${where} where`) : undefined;
        if (whereReads?.parents.length)
          throw new RuleDefinitionError(`${where} ${parent.name}.${target.name}: a where condition may read only the child's own columns`);
        this.checkNumeric(target, `${where} ${parent.name}.${target.name}`);
        const relevant = new Set([...(source ? [source] : []), ...(whereReads?.own ?? []), ...fk.childColumns]);
        const shown = decl.kind === 'sum' ? `${child.name}.${source}` : child.name;
        const rule: CompiledAggregate = {
          kind: decl.kind,
          site: decl.site,
          parent,
          target,
          child,
          fk,
          source,
          where: decl.where,
          relevant,
          name: decl.name ?? `${parent.name}.${target.name} = ${decl.kind}(${shown}${whereReads ? ` where ${whereReads.body}` : ''})`,
        };
        this.derive(parent, target, rule, where);
        const childLogic = this.logic(child);
        let group = childLogic.aggregatesByFk.find((g) => g.fk === fk);
        if (!group) childLogic.aggregatesByFk.push((group = { fk, rules: [] }));
        group.rules.push(rule);
        this.logic(parent).aggregateTargets.push(rule);
        this.all.push(rule);
        return;
      }
      case 'formula': {
        const [table, target] = this.target(decl.target, where);
        const reads = decl.deps
          ? this.explicitDeps(decl.deps, table, where)
          : this.reads(decl.fn, table, `${where} ${table.name}.${target.name}`);
        const parentFks = new Map<string, ForeignKey>();
        const parentReads: CompiledFormula['parentReads'] = [];
        for (const p of reads.parents) {
          const parentName = this.modelNames.get(p.table) ?? p.table;
          const parentTable = this.schema.tables.get(parentName);
          if (!parentTable)
            throw new RuleDefinitionError(`${where} ${table.name}.${target.name}: parent(${p.table}) is not a table of models.ts`);
          const fk = this.fkByRole(table, parentTable, p.role, where);
          if (!parentTable.columnsByName.has(p.column))
            throw new RuleDefinitionError(
              `${where} ${table.name}.${target.name}: reads ${parentTable.name}.${p.column}, which is not a column${suggest(p.column, parentTable.columnsByName.keys())}`,
            );
          parentFks.set(`${parentTable.name}/${p.role ?? ''}`, fk);
          parentReads.push({ fk, column: p.column });
        }
        const stateful = reads.own.has(target.name) || reads.old.has(target.name);
        const rule: CompiledFormula = {
          kind: 'formula',
          name: decl.name ?? `${table.name}.${target.name} = ${reads.body}`,
          site: decl.site,
          table,
          target,
          fn: decl.fn,
          reads: new Set([...reads.own].filter((c) => c !== target.name)),
          parentReads,
          fkReads: new Set(parentReads.flatMap((p) => p.fk.childColumns)),
          stateful,
          readsOld: reads.old.size > 0,
          readsUser: reads.user,
          parentFks,
        };
        this.derive(table, target, rule, where);
        this.logic(table).formulas.push(rule);
        this.all.push(rule);
        return;
      }
      case 'copy': {
        const [table, target] = this.target(decl.target, where);
        const [parent, from] = this.column(decl.from, `${where} from`);
        const fk = this.fk(table, parent, decl.via, where);
        if (isNumeric(target) !== isNumeric(from)) {
          throw new RuleDefinitionError(
            `${where} ${table.name}.${target.name}: copies ${parent.name}.${from.name} (${from.declaredType || 'untyped'}) into a ${target.declaredType || 'untyped'} column`,
          );
        }
        const rule: CompiledCopy = {
          kind: 'copy',
          name: decl.name ?? `${table.name}.${target.name} = copy(${parent.name}.${from.name})`,
          site: decl.site,
          table,
          target,
          fk,
          from: from.name,
        };
        this.derive(table, target, rule, where);
        this.logic(table).copies.push(rule);
        this.all.push(rule);
        return;
      }
      case 'defaults': {
        const table = this.table(decl.table, where);
        for (const [column, value] of Object.entries(decl.values)) {
          if (!table.columnsByName.has(column))
            throw new RuleDefinitionError(
              `${where} ${table.name}: ${column} is not a column${suggest(column, table.columnsByName.keys())}`,
            );
          this.logic(table).defaults.push({ column, value: value as CompiledDefault['value'] });
        }
        return;
      }
      case 'event': {
        const table = this.table(decl.table, where);
        if (typeof decl.fn !== 'function') throw new RuleDefinitionError(`${where} ${table.name}: the event handler is not a function`);
        const rule: CompiledEvent = {
          kind: 'event',
          when: decl.when,
          table,
          fn: decl.fn,
          site: decl.site,
          name:
            decl.name ??
            `${table.name}: ${decl.when === 'row' ? '' : `${decl.when} `}event ${decl.fn.name && !/^(fn|anonymous)$/.test(decl.fn.name) ? decl.fn.name : `at ${decl.site}`}`,
        };
        const l = this.logic(table);
        ({ early: l.early, row: l.rowEvents, afterFlush: l.afterFlush, commit: l.commit })[decl.when].push(rule);
        this.all.push(rule);
        return;
      }
    }
  }

  private table(value: unknown, where: string): TableInfo {
    if (!isTable(value)) throw new RuleDefinitionError(`${where}: expected a table from models.ts, got ${describe(value)}`);
    const name = tableName(value);
    const table = this.schema.tables.get(name);
    if (!table) throw new RuleDefinitionError(`${where}: table ${name} is not in the database${suggest(name, this.schema.tables.keys())}`);
    if (table.isView) throw new RuleDefinitionError(`${where}: ${name} is a view; rules apply to tables`);
    return table;
  }

  private column(value: unknown, where: string): [TableInfo, ColumnInfo] {
    if (!isColumn(value)) throw new RuleDefinitionError(`${where}: expected a column such as Order.AmountTotal, got ${describe(value)}`);
    const table = this.table((value as unknown as { table: unknown }).table, where);
    const col = table.columnsByName.get(value.name);
    if (!col)
      throw new RuleDefinitionError(
        `${where}: ${table.name}.${value.name} is not a column${suggest(value.name, table.columnsByName.keys())}`,
      );
    return [table, col];
  }

  /** a column a rule sets: not one the database computes itself */
  private target(value: unknown, where: string): [TableInfo, ColumnInfo] {
    const [table, col] = this.column(value, where);
    if (col.generated)
      throw new RuleDefinitionError(
        `${where}: ${table.name}.${col.name} is computed by the database (GENERATED ALWAYS); a rule cannot set it — read it instead`,
      );
    return [table, col];
  }

  private reads(fn: unknown, table: TableInfo, where: string): Reads {
    if (typeof fn !== 'function') throw new RuleDefinitionError(`${where}: expected a function, got ${describe(fn)}`);
    let reads: Reads;
    try {
      reads = analyze(fn as AnyFunction);
    } catch (e) {
      if (e instanceof AnalysisError) throw new RuleDefinitionError(`${where}: ${e.message}`);
      throw e;
    }
    for (const col of [...reads.own, ...reads.old]) {
      if (!table.columnsByName.has(col))
        throw new RuleDefinitionError(
          `${where}: reads ${table.name}.${col}, which is not a column${suggest(col, table.columnsByName.keys())}`,
        );
    }
    return reads;
  }

  private explicitDeps(deps: unknown[], table: TableInfo, where: string): Reads {
    const reads: Reads = { own: new Set(), old: new Set(), parents: [], user: false, body: '(declared deps)' };
    for (const d of deps) {
      const [t, col] = this.column(d, `${where} deps`);
      if (t === table) reads.own.add(col.name);
      else reads.parents.push({ table: t.name, role: undefined, column: col.name });
    }
    return reads;
  }

  /** the foreign key from child to parent: the only one, or the one through `via` */
  private fk(child: TableInfo, parent: TableInfo, via: unknown, where: string): ForeignKey {
    const candidates = child.parents.filter((f) => f.parentTable === parent.name);
    if (via !== undefined) {
      const [, col] = this.column(via, `${where} via`);
      const fk = candidates.find((f) => f.childColumns.includes(col.name));
      if (!fk) throw new RuleDefinitionError(`${where}: ${child.name}.${col.name} is not a foreign key to ${parent.name}`);
      return fk;
    }
    if (candidates.length === 1) return candidates[0]!;
    if (candidates.length === 0) throw new RuleDefinitionError(`${where}: ${child.name} has no foreign key to ${parent.name}`);
    throw new RuleDefinitionError(
      `${where}: ${child.name} has ${candidates.length} foreign keys to ${parent.name} (${candidates.map((f) => f.childColumns.join('+')).join(', ')}); say which with { via: ${child.name}.<column> }`,
    );
  }

  private fkByRole(child: TableInfo, parent: TableInfo, role: string | undefined, where: string): ForeignKey {
    const candidates = child.parents.filter((f) => f.parentTable === parent.name);
    if (role !== undefined) {
      const fk = candidates.find((f) => f.role === role || f.childColumns.join('_') === role);
      if (!fk)
        throw new RuleDefinitionError(
          `${where}: ${child.name} has no relationship ${role} to ${parent.name} (have: ${candidates.map((f) => f.role).join(', ') || 'none'})`,
        );
      return fk;
    }
    if (candidates.length === 1) return candidates[0]!;
    if (candidates.length === 0) throw new RuleDefinitionError(`${where}: ${child.name} has no foreign key to ${parent.name}`);
    throw new RuleDefinitionError(
      `${where}: ${child.name} has several foreign keys to ${parent.name}; name one: parent(${parent.name}, '${candidates[0]!.role}')`,
    );
  }

  private derive(table: TableInfo, col: ColumnInfo, rule: CompiledFormula | CompiledAggregate | CompiledCopy, where: string): void {
    const logic = this.logic(table);
    const existing = logic.derivedBy.get(col.name);
    if (existing)
      throw new RuleDefinitionError(`${where}: ${table.name}.${col.name} is already derived by "${existing.name}" (${existing.site})`);
    if (col.pk) throw new RuleDefinitionError(`${where}: ${table.name}.${col.name} is the primary key; it cannot be derived`);
    logic.derivedBy.set(col.name, rule);
  }

  private checkNumeric(col: ColumnInfo, where: string): void {
    if (!isNumeric(col)) {
      throw new RuleDefinitionError(`${where}: a sum or count needs a numeric column, and ${col.name} is ${col.declaredType || 'untyped'}`);
    }
  }

  /** formulas of one table in dependency order (a formula after those whose targets it reads) */
  private orderFormulas(logic: TableLogic): CompiledFormula[] {
    const byTarget = new Map(logic.formulas.map((f) => [f.target.name, f]));
    const ordered: CompiledFormula[] = [];
    const state = new Map<CompiledFormula, 'visiting' | 'done'>();
    const visit = (f: CompiledFormula, path: CompiledFormula[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'visiting') {
        const cycle = [...path.slice(path.indexOf(f)), f].map((r) => r.target.name).join(' → ');
        throw new RuleDefinitionError(`${f.site} formula: ${logic.table.name} formulas form a cycle: ${cycle}`);
      }
      state.set(f, 'visiting');
      for (const col of f.reads) {
        const dep = byTarget.get(col);
        if (dep) visit(dep, [...path, f]);
      }
      state.set(f, 'done');
      ordered.push(f);
    };
    for (const f of logic.formulas) visit(f, []);
    return ordered;
  }

  /** parent column changes that must reach child formulas (unlike copies, which do not cascade) */
  private linkCascades(): void {
    for (const childLogic of [...this.tables.values()]) {
      for (const f of childLogic.formulas) {
        for (const { fk, column } of f.parentReads) {
          const parentLogic = this.logic(this.schema.tables.get(fk.parentTable)!);
          let cascade = parentLogic.cascades.find((c) => c.fk === fk);
          if (!cascade) parentLogic.cascades.push((cascade = { fk, child: childLogic, parentColumns: new Set(), formulas: new Set() }));
          cascade.parentColumns.add(column);
          cascade.formulas.add(f);
        }
      }
    }
  }

  /** a column may not depend on itself through other tables (sum → parent formula → …) */
  private checkCycles(): void {
    const edges = new Map<string, { to: string; rule: { name: string; site: string } }[]>();
    const add = (from: string, to: string, rule: { name: string; site: string }): void => {
      if (from === to) return;
      edges.set(from, [...(edges.get(from) ?? []), { to, rule }]);
    };
    for (const logic of this.tables.values()) {
      const t = logic.table.name;
      for (const f of logic.formulas) {
        for (const c of f.reads) add(`${t}.${c}`, `${t}.${f.target.name}`, f);
        for (const p of f.parentReads) add(`${p.fk.parentTable}.${p.column}`, `${t}.${f.target.name}`, f);
      }
      for (const g of logic.aggregatesByFk) {
        for (const r of g.rules) for (const c of r.relevant) add(`${t}.${c}`, `${r.parent.name}.${r.target.name}`, r);
      }
    }
    const done = new Set<string>();
    const onPath: string[] = [];
    const visit = (node: string): void => {
      if (done.has(node)) return;
      const i = onPath.indexOf(node);
      if (i >= 0) {
        const cycle = [...onPath.slice(i), node];
        const rule = edges.get(onPath[onPath.length - 1]!)!.find((e) => e.to === node)!.rule;
        throw new RuleDefinitionError(`${rule.site}: rules form a cycle: ${cycle.join(' → ')} (through "${rule.name}")`);
      }
      onPath.push(node);
      for (const e of edges.get(node) ?? []) visit(e.to);
      onPath.pop();
      done.add(node);
    };
    for (const node of edges.keys()) visit(node);
  }
}

const isNumeric = (col: ColumnInfo): boolean => ['integer', 'decimal', 'real', 'numeric', 'boolean'].includes(col.kind);

function describe(v: unknown): string {
  if (v === undefined) return 'undefined (is it exported from models.ts?)';
  if (v === null) return 'null';
  if (typeof v === 'function') return `a function`;
  if (typeof v === 'object') return 'an object that is not a drizzle table or column';
  return JSON.stringify(v);
}
