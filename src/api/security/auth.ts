/**
 * Logging in and the tokens that follow: users from the project's security/grants.ts and rows of
 * its rowUsers tables, each with a password hash of their own (grants.ts, or `_alsx_users`); a JWT
 * (jose, HS256) signed with a per-project secret (ALSX_JWT_SECRET, or one generated into
 * .alsx/jwt-secret), carrying the user's roles, attributes and token version.
 *
 * Password checks run off the event loop (passwords.ts), one bounded queue of them, behind a
 * per-user and per-address back-off (limits.ts); an unknown user is checked against a dummy hash.
 * Every request re-reads the user's token version (one primary-key read), so a revoke or a new
 * password ends the user's tokens in every process at once.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import { privateDir } from '../../private-files.js';
import type { OpenProject } from '../../project/load.js';
import { ProjectError, projectModule } from '../../project/load.js';
import { q } from '../../store/sqlite.js';
import type { Value } from '../../store/types.js';
import { OPEN, type SecurityConfig, type User } from './access.js';
import { Busy, CheckQueue, DEFAULT_LOGIN_LIMITS, LoginLimiter } from './limits.js';
import { DUMMY_HASH, hashPassword, isPasswordHash, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.js';
import { type Credentials, USERS_TABLE, UsersTable } from './users-table.js';

export async function loadSecurity(project: OpenProject): Promise<SecurityConfig> {
  const isConfig = (v: unknown): v is SecurityConfig =>
    typeof (v as SecurityConfig | undefined)?.enabled === 'boolean' && typeof (v as SecurityConfig).roles === 'object';
  const config = await projectModule(
    project,
    project.config.security ?? 'security/grants.ts',
    isConfig,
    'security({ enabled, users, roles })',
  );
  if (!config) return OPEN;
  for (const ru of config.rowUsers ?? []) {
    const table = project.store.schema.tables.get(ru.table);
    if (!table?.columnsByName.has(ru.column))
      throw new ProjectError(`security: rowUsers names ${ru.table}.${ru.column}, which is not in the database`);
    for (const c of ru.attributes ?? [])
      if (!table.columnsByName.has(c))
        throw new ProjectError(`security: rowUsers ${ru.table} attributes name ${c}, which ${ru.table} does not have`);
  }
  for (const u of config.users ?? [])
    if (!isPasswordHash(u.password))
      throw new ProjectError(`security: user ${u.name}'s password is not a password hash; make one with \`alsx hash-password\``);
  for (const role of config.manageUsers ?? [])
    if (!Object.hasOwn(config.roles, role)) throw new ProjectError(`security: manageUsers names ${role}, which is not a role`);
  return config;
}

/** what may go wrong when setting a password or ending tokens, in the caller's terms */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    readonly kind: 'no-such-user' | 'bad-password' | 'busy',
    message: string,
  ) {
    super(message);
  }
}

export type LoginOutcome =
  | { ok: true; user: User }
  | { ok: false; reason: 'bad-credentials' }
  /** too many failures: try again in `retryAfter` seconds (no password was checked) */
  | { ok: false; reason: 'backoff'; retryAfter: number }
  /** too many logins being checked right now */
  | { ok: false; reason: 'busy'; retryAfter: number };

/** a user who exists, and how they log in */
interface Account {
  name: string;
  kind: 'fixed' | 'row';
  roles: string[];
  /** null: no password — cannot log in */
  hash: string | null;
  hashFrom: 'grants.ts' | '_alsx_users' | 'shared (demo)' | null;
  version: number;
  attributes: Record<string, Value>;
  /** the rowUsers table, for a row user */
  table?: string;
}

export interface UserListing {
  name: string;
  kind: 'fixed' | 'row' | 'orphan';
  roles: string[];
  /** where the password comes from; null: none, the user cannot log in */
  password: Account['hashFrom'];
  tokenVersion: number;
  updatedAt: string | null;
  attributes: Record<string, Value>;
}

export class Auth {
  readonly users: UsersTable;
  private keyBytes?: Uint8Array;
  private readonly limiter: LoginLimiter;
  private readonly checks: CheckQueue;

  constructor(
    private readonly project: OpenProject,
    private readonly config: SecurityConfig,
  ) {
    this.users = new UsersTable(project.store);
    const limits = { ...DEFAULT_LOGIN_LIMITS, ...config.loginLimits };
    this.limiter = new LoginLimiter(limits);
    this.checks = new CheckQueue(limits.concurrentChecks, limits.queuedChecks);
  }

  private get key(): Uint8Array {
    return (this.keyBytes ??= new TextEncoder().encode(secret(this.project)));
  }

  /** why this configuration needs saying at start-up (the demo's shared password) */
  warnings(): string[] {
    const shared = (this.config.rowUsers ?? []).filter((ru) => ru.password !== undefined);
    if (shared.length === 0) return [];
    const tables = shared.map((ru) => ru.table).join(', ');
    return this.config.demoSharedPassword
      ? [
          `DEMO ONLY: demoSharedPassword is on — every ${tables} user without a password of their own logs in with the one shared password, so any of them can log in as any other. Give each their own (alsx users set-password) and remove the switch before real use.`,
        ]
      : [
          `rowUsers ${tables}: the shared password is ignored (it would let any ${tables} user log in as any other); each logs in with their own (alsx users set-password), or set demoSharedPassword: true for a demo`,
        ];
  }

  /**
   * Checks credentials, off the event loop and within the back-off. Every name costs one password
   * check, known or not (an unknown one is checked against a dummy hash); `address` is the client's.
   */
  async login(name: unknown, password: unknown, address = ''): Promise<LoginOutcome> {
    if (typeof name !== 'string' || typeof password !== 'string' || !name || name.length > 200 || password.length > MAX_PASSWORD_LENGTH)
      return { ok: false, reason: 'bad-credentials' };
    const wait = this.limiter.wait(name, address);
    if (wait > 0) return { ok: false, reason: 'backoff', retryAfter: wait };
    const account = this.account(name);
    this.limiter.begin(name, address);
    let matches: boolean;
    try {
      matches = await this.checks.run(() => verifyPassword(password, account?.hash ?? DUMMY_HASH));
    } catch (e) {
      this.limiter.end(name, address, 'unchecked');
      if (e instanceof Busy) return { ok: false, reason: 'busy', retryAfter: 1 };
      throw e;
    }
    const ok = matches && !!account?.hash;
    this.limiter.end(name, address, ok ? 'ok' : 'failed');
    return ok ? { ok: true, user: userOf(account!) } : { ok: false, reason: 'bad-credentials' };
  }

  /**
   * The user of that name without a password: for the workbench, which runs as the developer on
   * their own machine (it can read the secret anyway), and for workers applying messages as a user.
   * null when no such user exists.
   */
  trusted(name: string): User | null {
    const account = this.account(name);
    return account ? userOf(account) : null;
  }

  async token(user: User): Promise<{ token: string; expiresIn: number }> {
    const lifetime = this.config.tokenLifetime ?? '8h';
    const token = await new SignJWT({ roles: user.roles, attrs: user.attributes ?? {}, ver: this.users.version(user.name) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.name)
      .setIssuedAt()
      .setIssuer('alsx')
      .setExpirationTime(lifetime)
      .sign(this.key);
    return { token, expiresIn: seconds(lifetime) };
  }

  /** tokens already verified, until they expire: the signature is checked once per token, the version every time */
  private readonly verified = new Map<string, { user: User; ver: number; expires: number }>();

  /** a token verified before, not expired and not revoked since: answered without waiting (the common case) */
  known(token: string): User | undefined {
    const hit = this.verified.get(token);
    if (!hit) return undefined;
    if (hit.expires > Date.now() && this.users.version(hit.user.name) === hit.ver) return hit.user;
    this.verified.delete(token);
    return undefined;
  }

  /** the user a bearer token stands for, or null when it is missing, forged, expired or revoked */
  async verify(token: string): Promise<User | null> {
    const hit = this.known(token);
    if (hit) return hit;
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: 'alsx', algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || !Array.isArray(payload.roles) || !Number.isInteger(payload.ver)) return null;
      const ver = payload.ver as number;
      if (this.users.version(payload.sub) !== ver) return null;
      const attrs = payload.attrs && typeof payload.attrs === 'object' && !Array.isArray(payload.attrs) ? payload.attrs : {};
      const user: User = { name: payload.sub, roles: payload.roles.map(String), attributes: attrs as Record<string, Value> };
      if (this.verified.size >= 10_000) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { user, ver, expires: (payload.exp ?? 0) * 1000 });
      return user;
    } catch {
      return null;
    }
  }

  /** whether `user` may set others' passwords and end their tokens */
  mayManage(user: User | null): boolean {
    if (!this.config.enabled || user === null) return true;
    const managers = this.config.manageUsers ?? Object.keys(this.config.roles).filter((r) => grantsEverything(this.config.roles[r]!['*']));
    return user.roles.some((r) => managers.includes(r));
  }

  /** gives `name` a new password (hashed in the check queue) and ends every token they hold */
  async setPassword(name: string, password: string): Promise<void> {
    this.mustExist(name);
    checkNewPassword(password);
    let hash: string;
    try {
      hash = await this.checks.run(() => hashPassword(password));
    } catch (e) {
      if (e instanceof Busy) throw new UserError('busy', 'too many passwords are being checked right now; try again in a moment');
      throw e;
    }
    await this.inTurn(() => this.users.setPasswordHash(name, hash));
    this.forget(name);
  }

  /**
   * A logged-in user changing their own password: the current one is checked like a login (and
   * counts towards the back-off). Their other tokens end; the caller makes them a new one.
   */
  async changeOwnPassword(user: User, current: unknown, password: unknown, address = ''): Promise<LoginOutcome> {
    if (typeof password !== 'string') throw new UserError('bad-password', 'give the new password as a string');
    checkNewPassword(password);
    const check = await this.login(user.name, current, address);
    if (!check.ok) return check;
    await this.setPassword(user.name, password);
    return check;
  }

  /** runs a write to the users table in a write turn: never inside another request's long (sliced) transaction */
  inTurn<T>(write: () => T): Promise<T> {
    return this.project.engine.turns.run(write);
  }

  /** ends every token `name` holds (their token version goes up) */
  revoke(name: string): void {
    this.mustExist(name);
    this.users.revoke(name);
    this.forget(name);
  }

  /** sets the attributes `name` carries (what grant filters read) and ends their tokens, which carry the old ones */
  setAttributes(name: string, attributes: Record<string, Value>): void {
    this.mustExist(name);
    this.users.setAttributes(name, attributes);
    this.users.revoke(name);
    this.forget(name);
  }

  /** the users who can log in (or could, with a password), and credentials left by users who are gone */
  list(): { users: UserListing[]; withoutPassword: { table: string; count: number }[] } {
    const seen = new Set<string>();
    const users: UserListing[] = [];
    const add = (name: string, stored: Credentials | undefined) => {
      if (seen.has(name)) return;
      seen.add(name);
      const a = this.account(name);
      users.push({
        name,
        kind: a?.kind ?? 'orphan',
        roles: a?.roles ?? [],
        password: a ? a.hashFrom : null,
        tokenVersion: stored?.tokenVersion ?? 0,
        updatedAt: stored?.updatedAt ?? null,
        attributes: a?.attributes ?? stored?.attributes ?? {},
      });
    };
    const stored = new Map(this.users.list().map((c) => [c.name, c]));
    for (const u of this.config.users ?? []) add(u.name, stored.get(u.name));
    for (const [name, c] of stored) add(name, c);
    const withoutPassword = (this.config.rowUsers ?? []).map((ru) => ({
      table: ru.table,
      count: Number(
        this.project.store.all(
          `SELECT count(*) AS n FROM ${q(ru.table)} WHERE ${q(ru.column)} NOT IN (SELECT "name" FROM "${USERS_TABLE}" WHERE "password_hash" IS NOT NULL)`,
        )[0]?.n ?? 0,
      ),
    }));
    return { users, withoutPassword };
  }

  private mustExist(name: string): Account {
    const account = this.account(name);
    if (!account) {
      const where = [
        ...(this.config.users?.length ? ['a user of security/grants.ts'] : []),
        ...(this.config.rowUsers ?? []).map((ru) => `a ${ru.table} ${ru.column}`),
      ];
      throw new UserError('no-such-user', `there is no user ${name}${where.length ? ` (${name} is not ${where.join(', nor ')})` : ''}`);
    }
    return account;
  }

  private forget(name: string): void {
    for (const [token, v] of this.verified) if (v.user.name === name) this.verified.delete(token);
  }

  /** who `name` is: a user of grants.ts, else the first rowUsers table with such a row; undefined: nobody */
  private account(name: string): Account | undefined {
    const stored = this.users.get(name);
    const fixed = this.config.users?.find((u) => u.name === name);
    if (fixed) {
      const own = stored?.passwordHash ?? null;
      return {
        name,
        kind: 'fixed',
        roles: fixed.roles,
        hash: own ?? fixed.password,
        hashFrom: own ? '_alsx_users' : 'grants.ts',
        version: stored?.tokenVersion ?? 0,
        attributes: { ...fixed.attributes, ...stored?.attributes },
      };
    }
    for (const ru of this.config.rowUsers ?? []) {
      const columns = ru.attributes?.length ? ru.attributes.map(q).join(', ') : '1 AS "_"';
      const row = this.project.store.all(
        `SELECT ${columns} FROM ${q(ru.table)} WHERE ${q(ru.column)} = ${this.project.store.dialect.param(1)} LIMIT 1`,
        [name],
      )[0];
      if (!row) continue;
      const own = stored?.passwordHash ?? null;
      const shared = this.config.demoSharedPassword ? (ru.password ?? null) : null;
      const fromRow = Object.fromEntries((ru.attributes ?? []).map((c) => [c, row[c] ?? null]));
      return {
        name,
        kind: 'row',
        table: ru.table,
        roles: ru.roles,
        hash: own ?? shared,
        hashFrom: own ? '_alsx_users' : shared ? 'shared (demo)' : null,
        version: stored?.tokenVersion ?? 0,
        attributes: { ...fromRow, ...stored?.attributes },
      };
    }
    return undefined;
  }
}

function userOf(a: Account): User {
  return { name: a.name, roles: a.roles, attributes: a.attributes };
}

/** '*': 'crud' (or a grant of every verb on every row and column) */
function grantsEverything(grant: SecurityConfig['roles'][string][string] | undefined): boolean {
  if (grant === undefined) return false;
  const can = typeof grant === 'string' ? grant : grant.where || grant.columns ? '' : grant.can;
  return [...'crud'].every((l) => can.includes(l));
}

/** the rule for a new password: MIN_PASSWORD_LENGTH to MAX_PASSWORD_LENGTH characters */
export function checkNewPassword(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH)
    throw new UserError('bad-password', `a password has at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH)
    throw new UserError('bad-password', `a password has at most ${MAX_PASSWORD_LENGTH} characters`);
}

/** the project's signing secret: ALSX_JWT_SECRET, or one generated into .alsx/jwt-secret (tokens, and the callers the API names to request/reply workers) */
export function secret(project: OpenProject): string {
  if (process.env.ALSX_JWT_SECRET) return process.env.ALSX_JWT_SECRET;
  const file = join(project.stateDir, 'jwt-secret');
  if (!existsSync(file)) {
    privateDir(project.stateDir);
    try {
      // 'wx': when the API and the workbench start together, the first one's secret is the secret
      writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return readFileSync(file, 'utf8').trim();
}

function seconds(lifetime: string): number {
  const m = /^(\d+)\s*([smhd])$/.exec(lifetime);
  if (!m) return 8 * 3600;
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}
