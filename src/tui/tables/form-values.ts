/**
 * A form's text fields → the values sent to the API, checked lightly by column kind (the API and
 * the rules have the last word; this only catches "abc" in a number before a round trip).
 */
import type { ColumnInfo, Row, TableInfo, Value } from '../../store/types.js';
import { formatValue } from './format.js';

export type FormMode = 'insert' | 'edit';

export interface FormField {
  column: ColumnInfo;
  /** the key of an existing row, a key SQLite generates, or a column the user may not set */
  readOnly: boolean;
  /** read-only because the user's grants do not let them set it */
  notGranted?: boolean;
}

/**
 * The form's fields in the grid's column order; keys are read-only when editing or generated, and
 * so is every column the user's grants do not let them set (`writable`, null: all).
 */
export function formFields(table: TableInfo, order: string[], mode: FormMode, writable: ReadonlySet<string> | null = null): FormField[] {
  const names = [...order, ...table.columns.map((c) => c.name).filter((c) => !order.includes(c))];
  return names.map((name) => {
    const column = table.columnsByName.get(name)!;
    const notGranted = writable !== null && !writable.has(name);
    const readOnly = (column.pk > 0 && (mode === 'edit' || table.generatedKey)) || notGranted;
    return { column, readOnly, ...(notGranted ? { notGranted } : {}) };
  });
}

/** the texts a form starts with: the row's values when editing, the given ones (a parent's key) when inserting */
export function initialTexts(fields: FormField[], values: Row): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f.column.name, formatValue(f.column, values[f.column.name] ?? null)]));
}

export function parseField(column: ColumnInfo, text: string): { value: Value } | { error: string } {
  const t = text.trim();
  if (t === '') return { value: null };
  switch (column.kind) {
    case 'integer':
      return /^[-+]?\d{1,15}$/.test(t) ? { value: Number(t) } : { error: 'a whole number' };
    case 'decimal':
    case 'real':
      return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? { value: Number(t) } : { error: 'a number' };
    case 'boolean':
      if (/^(yes|true|1|y)$/i.test(t)) return { value: 1 };
      if (/^(no|false|0|n)$/i.test(t)) return { value: 0 };
      return { error: 'yes or no' };
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(t) ? { value: t } : { error: 'a date: 2026-01-31' };
    case 'datetime':
      return /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(t)
        ? { value: t }
        : { error: 'a date and time: 2026-01-31 14:30' };
    case 'numeric':
      return { value: /^[-+]?\d+(\.\d+)?$/.test(t) ? Number(t) : text };
    default:
      return { value: text };
  }
}

export interface FormValues {
  /** what to send: every filled field when inserting, the changed ones when editing */
  values: Row;
  /** per column, what is wrong with its text */
  errors: Record<string, string>;
}

export function formValues(
  fields: FormField[],
  texts: Record<string, string>,
  initial: Record<string, string>,
  mode: FormMode,
): FormValues {
  const values: Row = {};
  const errors: Record<string, string> = {};
  for (const { column, readOnly } of fields) {
    const text = texts[column.name] ?? '';
    if (readOnly) continue;
    if (mode === 'edit' && text === initial[column.name]) continue;
    if (mode === 'insert' && text.trim() === '') {
      const required = column.notNull && column.defaultValue === undefined && !column.defaultIsExpression;
      // a required column may still be derived by a rule (UnitPrice copied from Product): the API decides
      if (required && column.pk > 0) errors[column.name] = 'required';
      continue;
    }
    const parsed = parseField(column, text);
    if ('error' in parsed) errors[column.name] = parsed.error;
    else values[column.name] = parsed.value;
  }
  return { values, errors };
}
