/**
 * One read-only query a person typed (the workbench's `:sql`), kept from freezing anything: at most
 * `max` rows are read (a query that never ends — a recursive CTE without a bound — still answers
 * its first rows), and `signal` stops it at any moment. On SQLite a worker thread runs it on a
 * read-only connection (sqlite-read-query.ts); on PostgreSQL a client of its own runs it inside a
 * READ ONLY transaction, through a cursor (pg-read-query.ts).
 */
import { classify } from './introspect.js';
import { classifyPg } from './pg-introspect.js';
import { readPgQuery } from './pg-read-query.js';
import { readSqliteQuery } from './sqlite-read-query.js';
import type { ColumnKind } from './types.js';

export { NotReadOnly, QueryCancelled } from './types.js';

export interface QueryColumn {
  name: string;
  /** the declared type of the table column it comes from (null for an expression) */
  type: string | null;
  /** how the type is shown (a DECIMAL with its scale); null for an expression */
  kind: ColumnKind | null;
  scale: number | null;
}

export interface QueryResult {
  rows: Record<string, unknown>[];
  columns: QueryColumn[];
  /** the query had more rows than the cap */
  more: boolean;
}

/** a SQLite file, or a PostgreSQL database (its URL, and the schema of its tables) */
export type QueryTarget = string | { url: string; pgSchema?: string };

export interface QueryOptions {
  /** the row cap (500) */
  max?: number;
  signal?: AbortSignal;
}

/** `query` read-only on `target`; rejects with NotReadOnly for a statement that writes, QueryCancelled when `signal` aborts */
export async function readOnlyQuery(target: QueryTarget, query: string, options: QueryOptions = {}): Promise<QueryResult> {
  const max = options.max ?? 500;
  if (typeof target === 'string') {
    const r = await readSqliteQuery(target, query, max, options.signal);
    return { ...r, columns: r.columns.map((c) => column(c.name, c.type, classify)) };
  }
  const r = await readPgQuery(target, query, max, options.signal);
  return { ...r, columns: r.columns.map((c) => column(c.name, c.type, classifyPg)) };
}

function column(name: string, type: string | null, classifier: (type: string) => { kind: ColumnKind; scale: number | null }): QueryColumn {
  if (type === null) return { name, type, kind: null, scale: null };
  const { kind, scale } = classifier(type);
  return { name, type, kind, scale };
}
