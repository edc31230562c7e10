/**
 * What differs in SQL between the databases alsx runs on: SQL text and error codes only, no I/O.
 * Builders (the JSON:API's SQL, the Kafka tables) ask the dialect instead of writing SQLite's forms,
 * so the same query is right on SQLite and on PostgreSQL.
 */

/** what a failed statement means, in the engine's terms */
export type DbErrorKind =
  /** a foreign key points at no row */
  | 'fk'
  /** a unique or primary key already holds the value */
  | 'unique'
  /** a NOT NULL column got no value (`column` names it when the database says) */
  | 'notnull'
  /** a CHECK constraint refused the row */
  | 'check'
  /** another writer holds the database or row: try again shortly */
  | 'busy'
  /** the machine failed (disk full, I/O, connection): the work may be retried later */
  | 'transient'
  | 'other';

export interface DbError {
  kind: DbErrorKind;
  column?: string;
  /** the database's own words, without its prefix */
  detail: string;
}

export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /** a quoted identifier */
  q(name: string): string;
  /** the placeholder of the n-th parameter (1-based) */
  param(n: number): string;
  /** `a` differs from `b`, a null being a value like any other */
  distinct(a: string, b: string): string;
  /** `col` matches the LIKE pattern `p`, ignoring case (the API's `like` filter) */
  like(col: string, p: string): string;
  readonly true: string;
  readonly false: string;
  /** what a statement's error means */
  classify(e: unknown): DbError;
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  q: quote,
  param: () => '?',
  // SQLite's IS NOT is IS DISTINCT FROM (3.39 and later spell it so too)
  distinct: (a, b) => `${a} IS NOT ${b}`,
  // SQLite's LIKE ignores ASCII case already
  like: (col, p) => `${col} LIKE ${p}`,
  true: '1',
  false: '0',
  classify(e) {
    const detail = messageOf(e);
    const code = (e as { code?: unknown })?.code;
    if (/FOREIGN KEY constraint failed/.test(detail)) return { kind: 'fk', detail };
    if (/UNIQUE constraint failed|PRIMARY KEY/.test(detail)) return { kind: 'unique', detail: detail.replace(/^.*failed: /, '') };
    const notNull = /NOT NULL constraint failed: [^.]+\.(\w+)/.exec(detail);
    if (notNull) return { kind: 'notnull', column: notNull[1], detail };
    if (/CHECK constraint failed/.test(detail)) return { kind: 'check', detail };
    if ((typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)) || /SQLITE_BUSY|database is locked/i.test(detail))
      return { kind: 'busy', detail };
    if (typeof code === 'string' && /^SQLITE_(IOERR|FULL|CANTOPEN|PROTOCOL)/.test(code)) return { kind: 'transient', detail };
    return { kind: 'other', detail };
  },
};

/** SQLSTATE classes and codes (https://www.postgresql.org/docs/current/errcodes-appendix.html) */
const PG_CODES: Record<string, DbErrorKind> = {
  '23503': 'fk',
  '23505': 'unique',
  '23502': 'notnull',
  '23514': 'check',
  '40001': 'busy', // serialization failure
  '40P01': 'busy', // deadlock detected
  '55P03': 'busy', // lock not available
  '57P01': 'transient', // admin shutdown
  '53100': 'transient', // disk full
  '53300': 'transient', // too many connections
};

export const postgresDialect: Dialect = {
  name: 'postgres',
  q: quote,
  param: (n) => `$${n}`,
  distinct: (a, b) => `${a} IS DISTINCT FROM ${b}`,
  // LIKE is case-sensitive in PostgreSQL, and defined on text only
  like: (col, p) => `${col}::text ILIKE ${p}`,
  true: 'TRUE',
  false: 'FALSE',
  classify(e) {
    const { code, column, detail } = (e ?? {}) as { code?: unknown; column?: unknown; detail?: unknown };
    const message = messageOf(e);
    const kind = typeof code === 'string' ? (PG_CODES[code] ?? (/^08/.test(code) ? 'transient' : 'other')) : 'other';
    const transport = kind === 'other' && /ECONNREFUSED|ECONNRESET|Connection terminated/.test(message);
    return {
      kind: transport ? 'transient' : kind,
      ...(typeof column === 'string' ? { column } : {}),
      detail: typeof detail === 'string' && detail ? `${message} (${detail})` : message,
    };
  },
};
