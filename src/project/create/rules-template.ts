/**
 * logic/rules.ts for a created project: no rules yet, and a commented example of each rule type
 * written against the project's own tables, so uncommenting one is the first step.
 */
import type { ColumnInfo, ForeignKey, TableInfo } from '../../store/types.js';
import { byColumnOrder, type ExportNames } from './models.js';
import { member, quote } from './names.js';
import { q } from '../../store/sqlite.js';

/** "an Employee", "a Department" */
const an = (word: string): string => `${/^[aeio]/i.test(word) ? 'an' : 'a'} ${word}`;

const NUMERIC = new Set(['decimal', 'integer', 'real', 'numeric']);

/** a column that holds a quantity or an amount: numeric, not part of the key, not a reference */
function measures(t: TableInfo): ColumnInfo[] {
  const refs = new Set(t.parents.flatMap((f) => f.childColumns));
  const score = (c: ColumnInfo) => (c.kind === 'decimal' ? 0 : c.kind === 'real' ? 1 : 2);
  return t.columns.filter((c) => NUMERIC.has(c.kind) && c.declaredType.trim() !== '' && c.pk === 0 && !refs.has(c.name)).sort((a, b) => score(a) - score(b));
}

function textColumn(t: TableInfo): ColumnInfo | undefined {
  const refs = new Set(t.parents.flatMap((f) => f.childColumns));
  return t.columns.find((c) => c.kind === 'text' && c.pk === 0 && !refs.has(c.name));
}

/** a parent → child relationship to show sums, counts and copies with; one whose child has a measure is best */
function pickRelationship(tables: TableInfo[]): ForeignKey | undefined {
  const fks = tables.flatMap((t) => byColumnOrder(t).filter((f) => f.parentTable !== t.name && f.childColumns.length === 1));
  const byName = new Map(tables.map((t) => [t.name, t]));
  return fks.find((f) => measures(byName.get(f.childTable)!).length > 0) ?? fks[0];
}

/** how to add a column the example needs, as comment lines (it depends on where the database comes from) */
export type ColumnHint = (table: string, column: string, type: string) => string[];

/** for a project whose seed is a SQLite file */
export function alterHint(seed: string, projectDir: string): ColumnHint {
  return (table, column, type) => [
    `  // needs a column: sqlite3 ${seed} 'ALTER TABLE ${q(table)} ADD COLUMN ${column} ${type}' (and ${column} in models.ts);`,
    `  // then alsx check --fix ${projectDir} --db ${seed} fills it in for the rows there, and alsx reset ${projectDir}`,
  ];
}

/** for a project built from db/schema.sql */
export function schemaHint(projectDir: string): ColumnHint {
  return (table, column, type) => [
    `  // needs a column: ${column} ${type} in ${q(table)} of db/schema.sql (and ${column} in models.ts);`,
    `  // then alsx reset ${projectDir}, and alsx check --fix ${projectDir} fills it in for the rows there`,
  ];
}

export function generateRules(tables: TableInfo[], names: ExportNames, addFirst: ColumnHint): string {
  const writable = tables.filter((t) => !t.isView && t.primaryKey.length > 0);
  const byName = new Map(tables.map((t) => [t.name, t]));
  const examples: string[] = [];

  const fk = pickRelationship(writable);
  if (fk) {
    const child = byName.get(fk.childTable)!;
    const parent = byName.get(fk.parentTable)!;
    const C = names.get(child.name)!;
    const P = names.get(parent.name)!;
    const via = tables.find((t) => t.name === child.name)!.parents.filter((f) => f.parentTable === parent.name).length > 1
      ? `, { via: ${member(C, fk.childColumns[0]!)} }`
      : '';
    const x = measures(child)[0];
    if (x) {
      const total = `${x.name.replace(/\W/g, '')}Total`;
      const type = x.kind === 'decimal' ? x.declaredType : x.kind === 'real' ? 'REAL' : 'INTEGER';
      examples.push(
        `  // sum: a ${parent.name}'s ${total} is the sum of its ${child.name} rows' ${x.name} — kept by adjusting on`,
        `  // every insert, update, delete and re-parenting of ${an(child.name)} row, never by re-adding them all`,
        ...addFirst(parent.name, total, `${type} NOT NULL DEFAULT 0`),
        `  // sum(${member(P, total)}, ${member(C, x.name)}${via}),`,
        '',
      );
    }
    const count = `${child.name.replace(/\W/g, '')}Count`;
    examples.push(
      `  // count: how many ${child.name} rows each ${parent.name} has (a where: filter counts only some)`,
      ...addFirst(parent.name, count, 'INTEGER NOT NULL DEFAULT 0'),
      `  // count(${member(P, count)}, ${C}${via}),`,
      '',
    );
    const shown = textColumn(parent);
    if (shown) {
      const copied = `${parent.name.replace(/\W/g, '')}${shown.name.replace(/\W/g, '')}`;
      examples.push(
        `  // copy: ${an(child.name)} row keeps the ${parent.name}'s ${shown.name} as it was when linked (a later change to the`,
        `  // ${parent.name} does not cascade — use a formula with parent() for that)`,
        ...addFirst(child.name, copied, 'TEXT'),
        `  // copy(${member(C, copied)}, ${member(P, shown.name)}${via}),`,
        '',
      );
    }
  }

  const withMeasure = writable.find((t) => measures(t).length > 0);
  if (withMeasure) {
    const T = names.get(withMeasure.name)!;
    const [a, b] = measures(withMeasure);
    const r = withMeasure.name[0]!.toLowerCase().replace(/[^a-z]/, 'r');
    const target = b ? 'Amount' : `${a!.name.replace(/\W/g, '')}WithTax`;
    // a nullable column counts as 0, so the example type-checks as it is
    const operand = (c: ColumnInfo) => (c.notNull ? member(r, c.name) : `(${member(r, c.name)} ?? 0)`);
    const expr = b ? `${operand(a!)} * ${operand(b)}` : `${operand(a!)} * 1.2`;
    examples.push(
      `  // formula: a column computed from others in the row (or its parent's, through parent()); recomputed`,
      `  // only when a column it reads changes`,
      ...addFirst(withMeasure.name, target, `${a!.kind === 'decimal' ? a!.declaredType : 'REAL'} NOT NULL DEFAULT 0`),
      `  // formula(${member(T, target)}, (${r}) => ${expr}),`,
      '',
      `  // constraint: must hold when the transaction ends; otherwise everything rolls back and the caller`,
      `  // gets the message (a 422 naming the rule on the API, a dead letter on Kafka)`,
      `  // constraint(${T}, (${r}) => ${member(r, a!.name)} == null || ${member(r, a!.name)} >= 0,`,
      `  //   (${r}) => \`${a!.name} cannot be negative (got \${${member(r, a!.name)}})\`),`,
      '',
      `  // defaults: values an insert gets for columns it leaves empty (a function of now for timestamps)`,
      `  // defaults(${T}, { ${a!.name.match(/^\w+$/) ? a!.name : quote(a!.name)}: 0 }),`,
      '',
    );
  } else if (writable.length) {
    const t = writable[0]!;
    const T = names.get(t.name)!;
    const text = textColumn(t);
    if (text) {
      examples.push(
        `  // constraint: must hold when the transaction ends; otherwise everything rolls back`,
        `  // constraint(${T}, (r) => ${member('r', text.name)} !== '', ${quote(`${text.name} cannot be empty`)}),`,
        '',
      );
    }
  }

  const evented = writable[0];
  if (evented) {
    const T = names.get(evented.name)!;
    examples.push(
      `  // events: early (before the row's rules, may change it), event (after them, may write other rows`,
      `  // through tx), afterFlush and commit (once the rules passed: log, publish to Kafka through the outbox)`,
      `  // afterFlush(${T}, (row, { op, log }) => { if (op === 'insert') log(\`new ${evented.name.replace(/`/g, '')}\`); }),`,
    );
  }

  const usedNames = writable.length ? `import { ${[...new Set([fk && names.get(fk.parentTable)!, fk && names.get(fk.childTable)!, withMeasure && names.get(withMeasure.name)!, evented && names.get(evented.name)!].filter((n): n is string => !!n))].sort().join(', ')} } from '../models.js';` : '';
  return [
    '/**',
    ' * The business logic of this project: declarative rules that govern every write — from the API,',
    ' * Kafka, the workbench or a scenario. There are none yet; each commented line below is an example',
    ' * of one rule type on this database. Declaration order never matters: the engine works it out.',
    ' *',
    ' * `alsx rules <project>` lists what the engine made of this file; the workbench\'s Trace pane shows',
    ' * each rule firing. Rule functions see a row as the database holds it (DECIMAL as a number, exact).',
    ' */',
    "import { rules } from 'alsx';",
    "import * as models from '../models.js';",
    ...(usedNames ? [usedNames] : []),
    '',
    'export default rules(models, ({ constraint, sum, count, formula, copy, defaults, early, event, afterFlush, commit }) => [',
    ...(examples.length ? examples : ['  // (this database has no table a rule could write to: views and tables without a primary key are read-only)']),
    ']);',
    '',
  ].join('\n');
}
