/**
 * Recomputes every derived column from scratch — sums and counts by full aggregation, formulas by
 * evaluation — and reports where the stored value differs. The engine never does this on a write
 * (it adjusts); this is the independent check (`alsx check`, and the engine's own tests).
 */
import Big from 'big.js';
import type { Row, Store, Value } from '../store/types.js';
import type { CompiledRules } from './compiled.js';
import { recomputed, sameValue } from './values.js';

export interface Drift {
  rule: string;
  table: string;
  key: Value[];
  column: string;
  stored: Value;
  expected: Value;
}

/**
 * Every derived value checked, however many differ: `drift` lists each (`onDrift` sees each as it
 * is found, for a caller that prints as it goes), `checked` counts them all.
 */
export function audit(store: Store, rules: CompiledRules, onDrift?: (d: Drift) => void): { checked: number; drift: Drift[] } {
  const drift: Drift[] = [];
  const found = (d: Drift) => {
    drift.push(d);
    onDrift?.(d);
  };
  let checked = 0;
  const keyOf = (cols: string[], row: Row): Value[] => cols.map((c) => row[c] ?? null);
  for (const logic of rules.tables.values()) {
    for (const rule of logic.aggregateTargets) {
      const totals = new Map<string, Big>();
      for (const child of store.scan(rule.child)) {
        const fk = keyOf(rule.fk.childColumns, child);
        if (fk.some((v) => v === null)) continue;
        if (rule.where && !rule.where(child)) continue;
        const id = JSON.stringify(fk);
        const add = rule.kind === 'count' ? 1 : Number(child[rule.source!] ?? 0);
        totals.set(id, (totals.get(id) ?? new Big(0)).plus(add));
      }
      for (const parent of store.scan(rule.parent)) {
        checked++;
        const expected = recomputed(
          rule.target,
          (totals.get(JSON.stringify(keyOf(rule.fk.parentColumns, parent))) ?? new Big(0)).toNumber(),
        );
        const stored = parent[rule.target.name] ?? null;
        if (!sameValue(stored === null ? 0 : Number(stored), expected)) {
          found({
            rule: rule.name,
            table: rule.parent.name,
            key: keyOf(rule.parent.primaryKey, parent),
            column: rule.target.name,
            stored,
            expected,
          });
        }
      }
    }
    for (const f of logic.formulas) {
      if (f.stateful) continue; // a running value (UnitsInStock) has no from-scratch answer
      const parents = new Map<string, Row | undefined>();
      for (const row of store.scan(f.table)) {
        checked++;
        const parent = (t: unknown, role?: string): Row => {
          const fk = [...f.parentFks.values()].find((k) => role === undefined || k.role === role) ?? f.parentReads[0]!.fk;
          const key = keyOf(fk.childColumns, row);
          if (key.some((v) => v === null)) return {};
          const id = `${fk.parentTable}:${JSON.stringify(key)}`;
          if (!parents.has(id))
            parents.set(
              id,
              store.get(store.schema.tables.get(fk.parentTable)!, Object.fromEntries(fk.parentColumns.map((c, i) => [c, key[i]!]))),
            );
          void t;
          return parents.get(id) ?? {};
        };
        const expected = recomputed(f.target, f.fn(row, { old: null, op: 'update', parent: parent as never, user: undefined }));
        if (!sameValue(row[f.target.name] ?? null, expected)) {
          found({
            rule: f.name,
            table: f.table.name,
            key: keyOf(f.table.primaryKey, row),
            column: f.target.name,
            stored: row[f.target.name] ?? null,
            expected,
          });
        }
      }
    }
  }
  return { checked, drift };
}

/**
 * Writes the recomputed value wherever a derived column differs — round after round, since a fixed
 * sum can change a formula that reads it — in one transaction, without running rules. For a derived
 * column added to a database that already has rows (`alsx check --fix`). Returns how many values
 * end up different from what was stored (one rewritten in two rounds counts once; one that a later
 * round put back as it was, not at all).
 */
export function repair(store: Store, rules: CompiledRules, maxRounds = 20): number {
  /** each value written, with what was stored before the first write */
  const before = new Map<string, { d: Drift; stored: Value }>();
  const at = (d: Drift) => {
    const table = store.schema.tables.get(d.table)!;
    return { table, key: Object.fromEntries(table.primaryKey.map((c, i) => [c, d.key[i] ?? null])) as Row };
  };
  store.transaction(() => {
    for (let round = 0; round < maxRounds; round++) {
      const { drift } = audit(store, rules);
      if (!drift.length) return;
      for (const d of drift) {
        const { table, key } = at(d);
        store.update(table, key, { [d.column]: d.expected });
        const id = `${d.table}\u0000${JSON.stringify(d.key)}\u0000${d.column}`;
        if (!before.has(id)) before.set(id, { d, stored: d.stored });
      }
    }
    throw new Error(`derived values still differ after ${maxRounds} rounds of repair (do two rules feed each other?)`);
  });
  let changed = 0;
  for (const { d, stored } of before.values()) {
    const { table, key } = at(d);
    if (!sameValue(store.get(table, key)?.[d.column] ?? null, stored)) changed++;
  }
  return changed;
}
