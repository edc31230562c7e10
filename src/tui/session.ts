/**
 * Who the workbench acts as on the API. It runs as the developer on their own machine, so it logs
 * in without passwords: as the project's first declared user at start (Northwind: admin), and as
 * anyone with `:login NAME` (a customer, to see what row security shows them). The Tables pane
 * follows: it shows what the API's grants let the user logged in see (`scope()`).
 */
import type { OpenProject } from '../project/load.js';
import { Auth, loadSecurity } from '../api/security/auth.js';
import type { User } from '../api/security/access.js';
import { buildModel } from '../api/jsonapi/model.js';
import { Scope, type ApiContext } from '../api/jsonapi/scope.js';

export class Session {
  user: string | null = null;
  token: string | undefined;
  private as: User | null = null;
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly auth: Auth | undefined,
    readonly firstUser: string | undefined,
    private readonly ctx: ApiContext | undefined,
  ) {}

  static async open(project: OpenProject): Promise<Session> {
    const security = await loadSecurity(project);
    if (!security.enabled) return new Session(undefined, undefined, undefined);
    const ctx: ApiContext = { project, model: buildModel(project.store.schema), security };
    const session = new Session(new Auth(project, security), security.users?.[0]?.name, ctx);
    if (session.firstUser) await session.loginAs(session.firstUser);
    return session;
  }

  /** what the API lets the user logged in read and write; null when no one is (security off, or :logout) */
  scope(): Scope | null {
    return this.ctx && this.as ? new Scope(this.ctx, this.as, '') : null;
  }

  /** calls `listener` after each login and logout; returns how to stop */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  get secured(): boolean {
    return this.auth !== undefined;
  }

  async loginAs(name: string): Promise<void> {
    if (!this.auth) throw new Error("the project's security is off: every request is allowed");
    const user = this.auth.trusted(name);
    if (!user) throw new Error(`no user ${name} (security/grants.ts users, or a row user)`);
    this.token = (await this.auth.token(user)).token;
    this.user = user.name;
    this.as = user;
    for (const l of this.listeners) l();
  }

  /**
   * Back to the workbench's own user (the project's first, who sees and may change everything the
   * grants give them): the Tables pane shows what it showed at start, and its saves are that user's.
   * Without one, no one: requests go without a token. Returns who the workbench is now.
   */
  async logout(): Promise<string | null> {
    if (this.firstUser && this.auth) {
      await this.loginAs(this.firstUser);
      return this.firstUser;
    }
    this.user = null;
    this.token = undefined;
    this.as = null;
    for (const l of this.listeners) l();
    return null;
  }

  headers(): Record<string, string> {
    return this.token ? { Authorization: `Bearer ${this.token}` } : {};
  }
}
