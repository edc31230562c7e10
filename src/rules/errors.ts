/** The two ways a transaction fails: a rule said no (exit 1), or the input itself is wrong (exit 2). */
import type { Key } from '../store/types.js';

/** A rule rejected the transaction: everything rolled back. */
export class RuleViolation extends Error {
  constructor(
    /** the rule's name, e.g. "Customer: Balance <= CreditLimit" */
    readonly rule: string,
    readonly table: string,
    readonly key: Key,
    message: string,
    /** 'constraint': a declared constraint; 'integrity': a foreign key the data would break; 'error': a rule threw */
    readonly kind: 'constraint' | 'integrity' | 'error' = 'constraint',
  ) {
    super(message);
    this.name = 'RuleViolation';
  }
}

/** The request cannot be applied as given (unknown table or column, wrong type, missing row …). */
export class BadInput extends Error {
  constructor(
    message: string,
    /** where in the input: "ops[2].values.Quantity" */
    readonly pointer?: string,
    /** a short machine-readable code: unknown-table, unknown-column, type, not-found, derived, required … */
    readonly code: string = 'bad-input',
  ) {
    super(message);
    this.name = 'BadInput';
  }
}

/** The rules themselves are wrong (unknown column, cycle …): found when the project loads. */
export class RuleDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleDefinitionError';
  }
}

/** "did you mean Quantity?" */
export function suggest(name: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean ${best}?)` : '';
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
