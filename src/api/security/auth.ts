/**
 * Logging in: users and bcrypt-hashed passwords from the project's security/grants.ts, a JWT (jose,
 * HS256) signed with a per-project secret (ALSX_JWT_SECRET, or one generated into .alsx/jwt-secret).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { jwtVerify, SignJWT } from 'jose';
import type { OpenProject } from '../../project/load.js';
import { projectModule, ProjectError } from '../../project/load.js';
import { q } from '../../store/sqlite.js';
import { OPEN, type SecurityConfig, type User } from './access.js';

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
  }
  return config;
}

export class Auth {
  private readonly key: Uint8Array;

  constructor(
    private readonly project: OpenProject,
    private readonly config: SecurityConfig,
  ) {
    this.key = new TextEncoder().encode(secret(project));
  }

  /** the user these credentials name, or null (same answer for an unknown user and a wrong password) */
  async login(name: unknown, password: unknown): Promise<User | null> {
    if (typeof name !== 'string' || typeof password !== 'string' || !name || name.length > 200) return null;
    const fixed = this.config.users?.find((u) => u.name === name);
    if (fixed) return (await bcrypt.compare(password, fixed.password)) ? { name, roles: fixed.roles } : null;
    for (const ru of this.config.rowUsers ?? []) {
      const exists = this.project.store.all(`SELECT 1 FROM ${q(ru.table)} WHERE ${q(ru.column)} = ? LIMIT 1`, [name]).length > 0;
      if (exists) return (await bcrypt.compare(password, ru.password)) ? { name, roles: ru.roles } : null;
    }
    return null;
  }

  /**
   * The user of that name without a password: for the workbench, which runs as the developer on
   * their own machine (it can read the secret anyway). null when no such user exists.
   */
  trusted(name: string): User | null {
    const fixed = this.config.users?.find((u) => u.name === name);
    if (fixed) return { name, roles: fixed.roles };
    for (const ru of this.config.rowUsers ?? []) {
      if (this.project.store.all(`SELECT 1 FROM ${q(ru.table)} WHERE ${q(ru.column)} = ? LIMIT 1`, [name]).length > 0)
        return { name, roles: ru.roles };
    }
    return null;
  }

  async token(user: User): Promise<{ token: string; expiresIn: number }> {
    const lifetime = this.config.tokenLifetime ?? '8h';
    const token = await new SignJWT({ roles: user.roles })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.name)
      .setIssuedAt()
      .setIssuer('alsx')
      .setExpirationTime(lifetime)
      .sign(this.key);
    return { token, expiresIn: seconds(lifetime) };
  }

  /** tokens already verified, until they expire: the signature is checked once per token, not per request */
  private readonly verified = new Map<string, { user: User; expires: number }>();

  /** a token verified before and not yet expired: answered without waiting (the common case) */
  known(token: string): User | undefined {
    const hit = this.verified.get(token);
    if (hit && hit.expires > Date.now()) return hit.user;
    if (hit) this.verified.delete(token);
    return undefined;
  }

  /** the user a bearer token stands for, or null when it is missing, forged or expired */
  async verify(token: string): Promise<User | null> {
    const hit = this.known(token);
    if (hit) return hit;
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: 'alsx', algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || !Array.isArray(payload.roles)) return null;
      const user = { name: payload.sub, roles: payload.roles.map(String) };
      if (this.verified.size >= 10_000) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { user, expires: (payload.exp ?? 0) * 1000 });
      return user;
    } catch {
      return null;
    }
  }
}

/** the project's signing secret: ALSX_JWT_SECRET, or one generated into .alsx/jwt-secret (tokens, and the callers the API names to request/reply workers) */
export function secret(project: OpenProject): string {
  if (process.env.ALSX_JWT_SECRET) return process.env.ALSX_JWT_SECRET;
  const file = join(project.stateDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(project.stateDir, { recursive: true });
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
