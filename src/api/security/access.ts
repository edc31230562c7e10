/**
 * Who may do what: roles grant read/insert/update/delete per table, optionally limited by a row
 * filter (a customer sees only their own orders). The filter is a set of column paths compared to
 * values from the user — the same paths the API's filters use — so it applies on every path a row
 * can be reached by: collections, single fetches, includes, relationships, writes, custom endpoints.
 *
 *   export default security({
 *     enabled: true,
 *     users: [{ name: 'admin', password: '$2b$10$…', roles: ['admin'] }],
 *     rowUsers: [{ table: 'Customer', column: 'Id', password: '$2b$10$…', roles: ['customer'] }],
 *     roles: {
 *       admin: { '*': 'crud' },
 *       customer: { Order: { can: 'crud', where: (u) => ({ CustomerId: u.name }) }, '*': 'r' },
 *     },
 *   });
 */
import type { Value } from '../../store/types.js';

export type Action = 'read' | 'insert' | 'update' | 'delete';
const LETTER: Record<Action, string> = { read: 'r', insert: 'c', update: 'u', delete: 'd' };

export interface User {
  name: string;
  roles: string[];
}

/** "crud", "r", "ru" …, or with a row filter */
export type Grant = string | { can: string; where?: (user: User) => Record<string, Value> };

export interface SecurityConfig {
  /** off: every request is allowed, no login needed (API Logic Server starts this way) */
  enabled: boolean;
  /** bcrypt-hashed passwords (`alsx hash-password`) */
  users?: { name: string; password: string; roles: string[] }[];
  /** a user for each row of a table, named by the column's value, sharing a password: one per customer */
  rowUsers?: { table: string; column: string; password: string; roles: string[] }[];
  /** role → table (or '*' for every other table) → grant */
  roles: Record<string, Record<string, Grant>>;
  /** how long a login token lasts (default "8h") */
  tokenLifetime?: string;
}

export function security(config: SecurityConfig): SecurityConfig {
  return config;
}

export const OPEN: SecurityConfig = { enabled: false, roles: {} };

export interface Decision {
  allowed: boolean;
  /** column path → required value; empty when unrestricted */
  where: Record<string, Value>;
}

/** What `user` may do with `table`. With security off (or no user, for system calls) everything is allowed. */
export function decide(config: SecurityConfig, user: User | null, table: string, action: Action): Decision {
  if (!config.enabled || user === null) return { allowed: true, where: {} };
  let restricted: Decision | undefined;
  for (const role of user.roles) {
    const grants = config.roles[role];
    const grant = grants?.[table] ?? grants?.['*'];
    if (grant === undefined) continue;
    const can = typeof grant === 'string' ? grant : grant.can;
    if (!can.includes(LETTER[action])) continue;
    const where = typeof grant === 'string' || !grant.where ? {} : grant.where(user);
    if (Object.keys(where).length === 0) return { allowed: true, where: {} }; // an unrestricted role wins
    restricted ??= { allowed: true, where };
  }
  return restricted ?? { allowed: false, where: {} };
}
