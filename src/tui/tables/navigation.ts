/**
 * Where the Tables pane is: a stack of frames, walked down with enter and back up with esc —
 * Customer rows › Customer ALFKI › OrderList › Order 10643 › OrderDetailList.
 */
import type { Row } from '../../store/types.js';
import { formatValue } from './format.js';
import type { Sort, TableSource } from './source.js';

export interface RowsFrame {
  kind: 'rows';
  table: string;
  /** "Customer" for a table, "OrderList" for a child list */
  label: string;
  /** a child list's foreign key: {CustomerId: 'ALFKI'} */
  where?: Row;
  filter: string;
  sort?: Sort;
  cursor: number;
  column: number;
}

export interface DetailFrame {
  kind: 'detail';
  table: string;
  key: Row;
  cursor: number;
}

export type Frame = RowsFrame | DetailFrame;

export const tableFrame = (table: string): RowsFrame => ({ kind: 'rows', table, label: table, filter: '', cursor: 0, column: 0 });

export const childFrame = (table: string, label: string, where: Row): RowsFrame => ({
  kind: 'rows',
  table,
  label,
  where,
  filter: '',
  cursor: 0,
  column: 0,
});

export const detailFrame = (table: string, key: Row): DetailFrame => ({ kind: 'detail', table, key, cursor: 0 });

/** asc → desc → off, or asc on another column */
export function nextSort(sort: Sort | undefined, column: string): Sort | undefined {
  if (!sort || sort.column !== column) return { column, dir: 'asc' };
  return sort.dir === 'asc' ? { column, dir: 'desc' } : undefined;
}

/** "Customer ALFKI" */
export function keyLabel(source: TableSource, table: string, key: Row): string {
  const t = source.table(table);
  const cols = t.primaryKey.length ? t.primaryKey : [];
  const text = cols.map((c) => formatValue(t.columnsByName.get(c), key[c] ?? null)).join(',');
  return text ? `${table} ${text}` : table;
}

/** the breadcrumb's parts; a table's rows are left out once one of its rows is open (Customer ALFKI says it) */
export function breadcrumb(source: TableSource, stack: Frame[]): string[] {
  const parts: string[] = [];
  stack.forEach((f, i) => {
    const next = stack[i + 1];
    if (f.kind === 'rows') {
      if (i === 0 && next?.kind === 'detail' && next.table === f.table) return;
      parts.push(f.filter ? `${f.label} [${f.filter}]` : f.label);
    } else parts.push(keyLabel(source, f.table, f.key));
  });
  return parts;
}

/** the breadcrumb in `width` cells: the end matters most, so the start gives way */
export function fitBreadcrumb(parts: string[], width: number): string {
  const sep = ' › ';
  let text = parts.join(sep);
  let from = 0;
  while ([...text].length > width && from < parts.length - 1) text = `…${sep}${parts.slice(++from).join(sep)}`;
  const chars = [...text];
  return chars.length > width ? `${chars.slice(0, Math.max(0, width - 1)).join('')}…` : text;
}
