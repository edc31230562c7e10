/**
 * A read-only connection that answers at once, for what reads while it draws (the workbench's
 * Tables pane reads in render): better-sqlite3 on SQLite, a PgSyncConnection on PostgreSQL. It
 * never writes; it sees other connections' commits, and says when there were some (changeMark).
 *
 * Placeholders are `?` in order, whatever the database: the Tables pane's conditions (a filter, a
 * child list's key, the API's row security) are joined in any order, so they are numbered only
 * when the whole statement is known — here, as PostgreSQL's `$1, $2 …`.
 */
import type { Dialect } from './dialect.js';
import type { Row, Schema, Value } from './types.js';

/** a parameter: a value, or (PostgreSQL, `= ANY(?)`) a list of them */
export type ReaderParam = Value | readonly Value[];

export interface SyncReader {
  readonly dialect: Dialect;
  /** the application's tables, introspected once */
  readonly schema: Schema;
  /** rows of a query (`?` placeholders) */
  all(sql: string, params?: readonly ReaderParam[]): Row[];
  /** the first column of every row */
  column(sql: string, params?: readonly ReaderParam[]): Value[];
  /** a value that changes when another connection commits (SQLite's data_version, PostgreSQL's WAL position) */
  changeMark(): number | string;
  /** how long a look at changeMark may be reused (ms): 0 where a look costs microseconds, more where it is a round trip */
  readonly watchMs: number;
  close(): void;
}

/**
 * `?` → `$1, $2 …` outside quoted strings and identifiers (the statements this is given are built by
 * alsx: no `?` operator, no dollar-quoting)
 */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '?') {
      out += `$${++n}`;
      continue;
    }
    out += ch;
  }
  return out;
}
