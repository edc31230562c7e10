/**
 * Who may do what: roles grant read/insert/update/delete per table, optionally limited to some rows
 * (a row filter) and some columns — for every verb, or per verb. Filters name column paths, the
 * same paths the API's filters use, so they apply on every path a row can be reached by:
 * collections, single fetches, includes, filters across relationships, writes, custom endpoints,
 * request/reply methods.
 *
 *   export default security({
 *     enabled: true,
 *     users: [{ name: 'admin', password: '$scrypt$…', roles: ['admin'] }],
 *     rowUsers: [{ table: 'Customer', column: 'Id', roles: ['customer'] }],
 *     roles: {
 *       admin: { '*': 'crud' },
 *       customer: {
 *         Customer: { can: 'ru', where: (u) => ({ Id: u.name }), update: { columns: ['ContactName', 'Phone'] } },
 *         Order: { can: 'crud', where: (u) => ({ CustomerId: u.name }), update: { where: { ShippedDate: null } } },
 *         '*': 'r',
 *       },
 *     },
 *     globalFilters: [{ column: 'ClientId', value: (u) => u.attributes?.client_id, exempt: ['admin'] }],
 *   });
 *
 * A user with several roles gets the union of what each grants: a row any of them may see, the
 * columns any of the roles granting that verb allow. Global filters then narrow every table that has
 * their column, for every role except the exempt ones.
 */
import type { Value } from '../../store/types.js';
import type { LoginLimits } from './limits.js';

export type Action = 'read' | 'insert' | 'update' | 'delete';
const LETTER: Record<Action, string> = { read: 'r', insert: 'c', update: 'u', delete: 'd' };

export interface User {
  name: string;
  roles: string[];
  /** what the project knows about the user (a region, a client id): from the users table or a claim */
  attributes?: Record<string, Value>;
}

/**
 * A test on one column path: a value (equality; null: IS NULL), or operators — all of them must hold.
 * A value of `undefined` (an attribute the user does not have) matches no row.
 */
export type Comparison =
  | Value
  | boolean
  | undefined
  | {
      eq?: Value | boolean;
      ne?: Value | boolean;
      lt?: Value;
      le?: Value;
      gt?: Value;
      ge?: Value;
      in?: readonly (Value | boolean | undefined)[];
      notIn?: readonly (Value | boolean | undefined)[];
      like?: string;
      isNull?: boolean;
    };

/**
 * Rows whose column paths pass every test; `or`, `and` and `not` combine filters.
 *
 *   { CustomerId: u.name }                                   equality
 *   { ShippedDate: null }                                    IS NULL
 *   { AmountTotal: { lt: 1000 }, Region: { in: ['WA', 'OR'] } }
 *   { or: [{ CustomerId: u.name }, { EmployeeId: u.attributes?.employee_id }] }
 *   { 'Order.CustomerId': u.name }                           across to-one relationships
 */
export interface RowFilter {
  or?: readonly RowFilter[];
  and?: readonly RowFilter[];
  not?: RowFilter;
  [path: string]: Comparison | RowFilter | readonly RowFilter[];
}

/** a row filter, or one computed from the logged-in user */
export type Where = RowFilter | ((user: User) => RowFilter);

/** the columns allowed: a list, or every column but some */
export type Columns = readonly string[] | { except: readonly string[] };

export interface VerbGrant {
  where?: Where;
  columns?: Columns;
}

/**
 * What a role may do with a table: `can` lists the verbs (c r u d); `where` and `columns` limit
 * every verb; `read`, `insert`, `update`, `delete` say more about one verb: its `where` narrows the
 * rows further (AND), its `columns` replace the grant's for that verb.
 */
export interface TableGrant extends VerbGrant {
  can: string;
  read?: VerbGrant;
  insert?: VerbGrant;
  update?: VerbGrant;
  delete?: VerbGrant;
}

/** "crud", "r", "ru" …, or a TableGrant */
export type Grant = string | TableGrant;

/** one filter for every table that has `column` (a tenant's client id), for every role but the exempt */
export interface GlobalFilter {
  column: string;
  /** the value (or values) the column must have for this user; undefined: no rows */
  value: (user: User) => Value | boolean | undefined | readonly (Value | boolean | undefined)[];
  exempt?: string[];
}

export interface SecurityConfig {
  /** off: every request is allowed, no login needed (API Logic Server starts this way) */
  enabled: boolean;
  /**
   * Users named here, with a password hash (`alsx hash-password`: scrypt; bcrypt hashes work too).
   * A password set later (`alsx users set-password`, the API) is kept in `_alsx_users` and wins.
   */
  users?: { name: string; password: string; roles: string[]; attributes?: Record<string, Value> }[];
  /**
   * A user for each row of a table, named by the column's value: one per customer. Each logs in with
   * the password `alsx users set-password` (or an admin, through the API) gave them, kept in
   * `_alsx_users`; a row without one cannot log in. `attributes` names columns of the row that
   * become the user's attributes. `password` (one hash shared by every row user) is a demo's
   * shortcut, used only with `demoSharedPassword: true`.
   */
  rowUsers?: { table: string; column: string; roles: string[]; attributes?: string[]; password?: string }[];
  /**
   * Demo only: row users without a password of their own log in with `rowUsers[].password`, the
   * same for all — so any of them can log in as any other. The API warns at start-up.
   */
  demoSharedPassword?: boolean;
  /** roles that may set other users' passwords and end their tokens (default: roles granted '*': 'crud') */
  manageUsers?: string[];
  /** failed-login back-off and the bound on password checks computed at once */
  loginLimits?: LoginLimits;
  /** role → table (or '*' for every other table) → grant */
  roles: Record<string, Record<string, Grant>>;
  /** filters applied to every table with a given column, whatever the role grants */
  globalFilters?: GlobalFilter[];
  /** how long a login token lasts (default "8h") */
  tokenLifetime?: string;
}

export function security(config: SecurityConfig): SecurityConfig {
  return config;
}

export const OPEN: SecurityConfig = { enabled: false, roles: {} };

/**
 * Who calls a public endpoint or request/reply method without logging in: a user with the one role
 * `anonymous`, so grants decide what such calls may read (nothing, unless a grant names that role).
 */
export const ANONYMOUS: User = Object.freeze({
  name: 'anonymous',
  roles: Object.freeze(['anonymous']) as string[],
  attributes: Object.freeze({}),
});

/** a resolved test: a column path, an operator and plain values (the user's attributes filled in) */
export type Test = { path: string; op: TestOp; value: Value | Value[] | null };
export type TestOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'in' | 'like' | 'isnull' | 'notnull';

/** a row filter with the user filled in: tests combined with and/or/not; `false` matches nothing */
export type Cond = Test | { and: Cond[] } | { or: Cond[] } | { not: Cond } | false;

export interface Decision {
  allowed: boolean;
  /** the rows: null when every row */
  where: Cond | null;
  /** the columns: null when every column */
  columns: ReadonlySet<string> | null;
}

/** the table a decision is for: its name and columns (for `except` lists and global filters) */
export interface TableRef {
  name: string;
  columns: readonly string[];
}

const ALL: Decision = { allowed: true, where: null, columns: null };
const NONE: Decision = { allowed: false, where: false, columns: new Set() };

/** What `user` may do with `table`. With security off (or no user, for system calls) everything is allowed. */
export function decide(config: SecurityConfig, user: User | null, table: TableRef, action: Action): Decision {
  if (!config.enabled || user === null) return ALL;
  let allowed = false;
  let rows: Cond[] | null = [];
  let columns: Set<string> | null = new Set();
  for (const role of user.roles) {
    const grants = Object.hasOwn(config.roles, role) ? config.roles[role] : undefined;
    const grant = grants && (Object.hasOwn(grants, table.name) ? grants[table.name] : grants['*']);
    if (grant === undefined) continue;
    const can = typeof grant === 'string' ? grant : grant.can;
    if (!can.includes(LETTER[action])) continue;
    allowed = true;
    const verb = typeof grant === 'string' ? undefined : grant[action];
    const general = typeof grant === 'string' ? undefined : grant;
    const where = both(rowFilter(general?.where, user), rowFilter(verb?.where, user));
    if (rows !== null) rows = where === null ? null : [...rows, where];
    const cols = columnSet(verb?.columns ?? general?.columns, table);
    if (columns !== null) columns = cols === null ? null : new Set([...columns, ...cols]);
  }
  if (!allowed) return NONE;
  let where: Cond | null = rows === null ? null : rows.length === 1 ? rows[0]! : { or: rows };
  for (const g of config.globalFilters ?? []) {
    if (!table.columns.includes(g.column) || g.exempt?.some((r) => user.roles.includes(r))) continue;
    const v = g.value(user);
    where = both(where, test(g.column, Array.isArray(v) ? { in: v } : (v as Comparison)));
  }
  return { allowed, where, columns };
}

function both(a: Cond | null, b: Cond | null): Cond | null {
  if (a === null) return b;
  if (b === null) return a;
  return { and: [a, b] };
}

function columnSet(spec: Columns | undefined, table: TableRef): ReadonlySet<string> | null {
  if (!spec) return null;
  if (Array.isArray(spec)) return new Set(spec as readonly string[]);
  const except = new Set((spec as { except: readonly string[] }).except);
  return new Set(table.columns.filter((c) => !except.has(c)));
}

/** a grant's filter with the user filled in; null when it has none (every row) */
export function rowFilter(where: Where | undefined, user: User): Cond | null {
  if (where === undefined) return null;
  const f = typeof where === 'function' ? where(user) : where;
  return resolve(f);
}

function resolve(f: RowFilter): Cond | null {
  if (f === null || typeof f !== 'object' || Array.isArray(f))
    throw new SecurityConfigError('a row filter is an object { column: value, … }');
  const parts: Cond[] = [];
  for (const [key, v] of Object.entries(f)) {
    if (key === 'or' || key === 'and') {
      if (!Array.isArray(v)) throw new SecurityConfigError(`${key} takes a list of row filters`);
      const items = (v as RowFilter[]).map(resolve);
      // an empty filter matches every row: an `or` holding one matches every row too
      if (key === 'or' && !items.includes(null)) parts.push(items.length ? { or: items as Cond[] } : false);
      if (key === 'and') parts.push(...items.filter((x): x is Cond => x !== null));
    } else if (key === 'not') {
      const inner = resolve(v as RowFilter);
      parts.push(inner === null ? false : { not: inner });
    } else parts.push(test(key, v as Comparison));
  }
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0]! : { and: parts };
}

const sqlValue = (v: Value | boolean): Value => (v === true ? 1 : v === false ? 0 : v);

/** one path's comparison as tests (AND-ed); an undefined value anywhere matches nothing */
function test(path: string, c: Comparison): Cond {
  if (c === undefined) return false;
  if (c === null || typeof c !== 'object' || c instanceof Uint8Array)
    return c === null ? { path, op: 'isnull', value: null } : { path, op: 'eq', value: sqlValue(c) };
  const tests: Cond[] = [];
  for (const [op, v] of Object.entries(c)) {
    if (v === undefined) return false;
    switch (op) {
      case 'eq':
        tests.push(v === null ? { path, op: 'isnull', value: null } : { path, op: 'eq', value: sqlValue(v as Value) });
        break;
      case 'ne':
        tests.push(v === null ? { path, op: 'notnull', value: null } : { path, op: 'ne', value: sqlValue(v as Value) });
        break;
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge':
      case 'like':
        if (v === null) return false; // nothing is less than null
        tests.push({ path, op, value: v as Value });
        break;
      case 'in':
      case 'notIn': {
        if (!Array.isArray(v)) throw new SecurityConfigError(`${path}: ${op} takes a list`);
        const values = (v as (Value | boolean | undefined)[]).filter((x) => x !== undefined && x !== null).map((x) => sqlValue(x!));
        const withNull = (v as unknown[]).includes(null);
        const inList: Cond = values.length ? { path, op: 'in', value: values } : false;
        const cond: Cond = withNull ? { or: [inList, { path, op: 'isnull', value: null }] } : inList;
        tests.push(op === 'in' ? cond : { not: cond });
        break;
      }
      case 'isNull':
        tests.push({ path, op: v ? 'isnull' : 'notnull', value: null });
        break;
      default:
        throw new SecurityConfigError(`${path}: unknown test ${op}; use eq, ne, lt, le, gt, ge, in, notIn, like or isNull`);
    }
  }
  return tests.length === 1 ? tests[0]! : { and: tests };
}

/** a grant that cannot be applied: named at start-up, not at the first request */
export class SecurityConfigError extends Error {
  override name = 'SecurityConfigError';
}

/** every column path a condition tests */
export function pathsOf(c: Cond | null, into: string[] = []): string[] {
  if (c === null || c === false) return into;
  if ('path' in c) into.push(c.path);
  else if ('not' in c) pathsOf(c.not, into);
  else for (const x of 'and' in c ? c.and : c.or) pathsOf(x, into);
  return into;
}

/** the grants as the start-up check sees them: every role's table grants with their column lists */
export function* declaredGrants(config: SecurityConfig): Generator<{ role: string; table: string; grant: TableGrant }> {
  for (const [role, tables] of Object.entries(config.roles)) {
    for (const [table, grant] of Object.entries(tables)) yield { role, table, grant: typeof grant === 'string' ? { can: grant } : grant };
  }
}
