/**
 * logic/rules.ts for a created project: no rules yet, and a commented example of each rule type
 * written against the project's own tables, so uncommenting one is the first step.
 */
import type { ColumnInfo, ForeignKey, TableInfo } from '../../store/types.js';
import { q } from '../../store/sqlite.js';
import { byColumnOrder, type ExportNames } from './models.js';
import { member, propertyKey, quote } from './names.js';

/** how to add a column an example needs, as comment lines (it depends on where the database comes from) */
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

/**
 * for a project on a PostgreSQL database, used in place: the column is added there with psql (its
 * name quoted, or PostgreSQL would fold AmountTotal to amounttotal)
 */
export function psqlHint(url: string, projectDir: string): ColumnHint {
  return (table, column, type) => [
    `  // needs a column: psql '${url}' -c 'ALTER TABLE ${q(table)} ADD COLUMN ${q(column)} ${pgType(type)}'`,
    `  // (and ${column} in models.ts); then alsx check --fix ${projectDir} fills it in for the rows there`,
  ];
}

/** the column types the examples name, in PostgreSQL's words (REAL is single precision there) */
const pgType = (type: string): string => type.replace(/^REAL\b/, 'DOUBLE PRECISION');

interface Context {
  names: ExportNames;
  /** "table\u0000column" of columns holding values of another type than declared */
  loose: Set<string>;
  hint: ColumnHint;
}

export function generateRules(tables: TableInfo[], names: ExportNames, hint: ColumnHint, loose: Set<string> = new Set()): string {
  const ctx: Context = { names, loose, hint };
  const writable = tables.filter((t) => !t.isView && t.primaryKey.length > 0);
  const byName = new Map(tables.map((t) => [t.name, t]));
  const fk = pickRelationship(writable, ctx);
  // a line-item-like table (a quantity and a price) shows a formula best; the relationship's child first
  const candidates = [...(fk ? [byName.get(fk.childTable)!] : []), ...writable];
  // one whose whole number is named as a quantity first (InvoiceLine.Quantity, not Track.Milliseconds)
  const priced = (t: TableInfo, named: boolean) => {
    const f = factors(t, ctx);
    return f.quantity !== undefined && f.price !== undefined && (!named || QUANTITY.test(bare(f.quantity.name)));
  };
  const withMeasure =
    candidates.find((t) => priced(t, true)) ??
    candidates.find((t) => priced(t, false)) ??
    candidates.find((t) => measures(t, ctx).length > 0);
  const used = new Set<TableInfo>();
  const examples = [
    ...(fk ? aggregateExamples(byName.get(fk.childTable)!, byName.get(fk.parentTable)!, fk, ctx, used) : []),
    ...(withMeasure ? rowExamples(withMeasure, ctx, used) : writable[0] ? textConstraint(writable[0], ctx, used) : []),
    ...(writable[0] ? eventExample(writable[0], ctx, used) : []),
  ];
  const imports = [...used].map((t) => names.get(t.name)!).sort();
  return [
    '/**',
    ' * The business logic of this project: declarative rules that govern every write — from the API,',
    ' * Kafka, the workbench or a scenario. There are none yet; each commented line below is an example',
    ' * of one rule type on this database. Declaration order never matters: the engine works it out.',
    ' *',
    " * `alsx rules <project>` lists what the engine made of this file; the workbench's Trace pane shows",
    ' * each rule firing. Rule functions see a row as the database holds it (DECIMAL as a number, exact).',
    ' */',
    "import { rules } from 'alsx';",
    "import * as models from '../models.js';",
    ...(imports.length ? [`import { ${imports.join(', ')} } from '../models.js';`] : []),
    '',
    'export default rules(models, ({ constraint, sum, count, formula, copy, defaults, early, event, afterFlush, commit }) => [',
    ...(examples.length
      ? examples
      : ['  // (this database has no table a rule could write to: views and tables without a primary key are read-only)']),
    ']);',
    '',
  ].join('\n');
}

/** sum, count and copy over one parent → child relationship */
function aggregateExamples(child: TableInfo, parent: TableInfo, fk: ForeignKey, ctx: Context, used: Set<TableInfo>): string[] {
  used.add(child).add(parent);
  const C = ctx.names.get(child.name)!;
  const P = ctx.names.get(parent.name)!;
  const via = child.parents.filter((f) => f.parentTable === parent.name).length > 1 ? `, { via: ${member(C, fk.childColumns[0]!)} }` : '';
  const out: string[] = [];
  const x = amountOf(child, ctx) ?? factors(child, ctx).price ?? measures(child, ctx)[0];
  if (x) {
    const total = `${bare(x.name)}Total`;
    out.push(
      `  // sum: ${an(parent.name)}'s ${total} is the sum of its ${child.name} rows' ${x.name} — kept by adjusting on`,
      `  // every insert, update, delete and re-parenting of ${an(child.name)} row, never by re-adding them all`,
      ...needs(parent, total, `${sqlType(x)} NOT NULL DEFAULT 0`, ctx),
      `  // sum(${member(P, total)}, ${member(C, x.name)}${via}),`,
      '',
    );
  }
  const count = `${bare(child.name)}Count`;
  out.push(
    `  // count: how many ${child.name} rows each ${parent.name} has (a where: filter counts only some)`,
    ...needs(parent, count, 'INTEGER NOT NULL DEFAULT 0', ctx),
    `  // count(${member(P, count)}, ${C}${via}),`,
    '',
  );
  const shown = textColumn(parent);
  if (shown) {
    const copied = `${bare(parent.name)}${bare(shown.name)}`;
    out.push(
      `  // copy: ${an(child.name)} row keeps the ${parent.name}'s ${shown.name} as it was when linked (a later change to the`,
      `  // ${parent.name} does not cascade — use a formula with parent() for that)`,
      ...needs(child, copied, 'TEXT', ctx),
      `  // copy(${member(C, copied)}, ${member(P, shown.name)}${via}),`,
      '',
    );
  }
  return out;
}

/** formula, constraint and defaults on a table with a quantity or an amount */
function rowExamples(table: TableInfo, ctx: Context, used: Set<TableInfo>): string[] {
  used.add(table);
  const T = ctx.names.get(table.name)!;
  const { quantity, price } = factors(table, ctx);
  const amount = amountOf(table, ctx);
  const a = price ?? quantity ?? measures(table, ctx)[0]!;
  const r = /^[a-z]/i.test(table.name) ? table.name[0]!.toLowerCase() : 'r';
  // a nullable column counts as 0, so the example type-checks as it is
  const operand = (c: ColumnInfo) => (c.notNull ? member(r, c.name) : `(${member(r, c.name)} ?? 0)`);
  const both = quantity && price;
  const target = both ? (amount?.name ?? 'Amount') : `${bare(a.name)}WithTax`;
  return [
    `  // formula: a column computed from others in the row (or its parent's, through parent()); recomputed`,
    `  // only when a column it reads changes`,
    ...needs(table, target, `${a.kind === 'decimal' ? a.declaredType : 'REAL'} NOT NULL DEFAULT 0`, ctx),
    `  // formula(${member(T, target)}, (${r}) => ${both ? `${operand(quantity)} * ${operand(price)}` : `${operand(a)} * 1.2`}),`,
    '',
    `  // constraint: must hold when the transaction ends; otherwise everything rolls back and the caller`,
    `  // gets the message (a 422 naming the rule on the API, a dead letter on Kafka)`,
    `  // constraint(${T}, (${r}) => ${member(r, a.name)} == null || ${member(r, a.name)} >= 0,`,
    `  //   (${r}) => \`${a.name} cannot be negative (got \${${member(r, a.name)}})\`),`,
    '',
    `  // defaults: values an insert gets for columns it leaves empty (a function of now for timestamps)`,
    `  // defaults(${T}, { ${propertyKey(a.name)}: 0 }),`,
    '',
  ];
}

function textConstraint(table: TableInfo, ctx: Context, used: Set<TableInfo>): string[] {
  const text = textColumn(table);
  if (!text) return [];
  used.add(table);
  return [
    `  // constraint: must hold when the transaction ends; otherwise everything rolls back`,
    `  // constraint(${ctx.names.get(table.name)!}, (r) => ${member('r', text.name)} !== '', ${quote(`${text.name} cannot be empty`)}),`,
    '',
  ];
}

function eventExample(table: TableInfo, ctx: Context, used: Set<TableInfo>): string[] {
  used.add(table);
  return [
    `  // events: early (before the row's rules, may change it), event (after them, may write other rows`,
    `  // through tx), afterFlush and commit (once the rules passed: log, publish to Kafka through the outbox)`,
    `  // afterFlush(${ctx.names.get(table.name)!}, (row, { op, log }) => { if (op === 'insert') log(\`new ${table.name.replace(/[`$\\]/g, '')}\`); }),`,
  ];
}

/** how to add `column` to `table` — nothing when the table has it already */
function needs(table: TableInfo, column: string, type: string, ctx: Context): string[] {
  return table.columnsByName.has(column) ? [] : ctx.hint(table.name, column, type);
}

const NUMERIC = new Set(['decimal', 'integer', 'real', 'numeric']);

/** columns that hold a quantity or an amount: numeric as declared and as stored, not part of the key, not a reference */
function measures(t: TableInfo, ctx: Context): ColumnInfo[] {
  const refs = new Set(t.parents.flatMap((f) => f.childColumns));
  const score = (c: ColumnInfo) => (c.kind === 'decimal' ? 0 : c.kind === 'real' ? 1 : 2);
  return t.columns
    .filter(
      (c) =>
        NUMERIC.has(c.kind) &&
        c.declaredType.trim() !== '' &&
        c.pk === 0 &&
        !c.generated &&
        !refs.has(c.name) &&
        !ctx.loose.has(`${t.name}\u0000${c.name}`),
    )
    .sort((a, b) => score(a) - score(b));
}

const AMOUNT = /^(amount|total|line_?total|sub_?total|extended_?price)$/i;

/** a column that already holds a line's amount (Amount, Total …) */
function amountOf(t: TableInfo, ctx: Context): ColumnInfo | undefined {
  return measures(t, ctx).find((c) => AMOUNT.test(bare(c.name)));
}

const QUANTITY = /^(quantity|qty|units|count|number)$/i;

/** a quantity (a whole number, one named so first) and a price (money) to multiply, other than the amount itself */
function factors(t: TableInfo, ctx: Context): { quantity?: ColumnInfo; price?: ColumnInfo } {
  const amount = amountOf(t, ctx);
  const rest = measures(t, ctx).filter((c) => c !== amount);
  const whole = rest.filter((c) => c.kind === 'integer');
  return {
    quantity: whole.find((c) => QUANTITY.test(bare(c.name))) ?? whole[0],
    price: rest.find((c) => c.kind === 'decimal' || c.kind === 'real'),
  };
}

function textColumn(t: TableInfo): ColumnInfo | undefined {
  const refs = new Set(t.parents.flatMap((f) => f.childColumns));
  return t.columns.find((c) => c.kind === 'text' && c.pk === 0 && !refs.has(c.name));
}

/** a parent → child relationship to show sums, counts and copies with; one whose child has a measure is best */
function pickRelationship(tables: TableInfo[], ctx: Context): ForeignKey | undefined {
  const writable = new Set(tables.map((t) => t.name));
  const fks = tables.flatMap((t) =>
    byColumnOrder(t).filter((f) => f.parentTable !== t.name && f.childColumns.length === 1 && writable.has(f.parentTable)),
  );
  const byName = new Map(tables.map((t) => [t.name, t]));
  return fks.find((f) => measures(byName.get(f.childTable)!, ctx).length > 0) ?? fks[0];
}

function sqlType(c: ColumnInfo): string {
  return c.kind === 'decimal' ? c.declaredType : c.kind === 'real' ? 'REAL' : 'INTEGER';
}

/** a name as part of a new column's name: "Unit Price" → UnitPrice */
const bare = (name: string): string => name.replace(/\W/g, '');

/** "an Employee", "a Department" */
const an = (word: string): string => `${/^[aeio]/i.test(word) ? 'an' : 'a'} ${word}`;
