/**
 * Who the workbench acts as on the API. It runs as the developer on their own machine, so it logs
 * in without passwords: as the project's first declared user at start (Northwind: admin), and as
 * anyone with `:login NAME` (a customer, to see what row security shows them).
 */
import type { OpenProject } from '../project/load.js';
import { Auth, loadSecurity } from '../api/security/auth.js';

export class Session {
  user: string | null = null;
  token: string | undefined;

  private constructor(
    private readonly auth: Auth | undefined,
    readonly firstUser: string | undefined,
  ) {}

  static async open(project: OpenProject): Promise<Session> {
    const security = await loadSecurity(project);
    if (!security.enabled) return new Session(undefined, undefined);
    const session = new Session(new Auth(project, security), security.users?.[0]?.name);
    if (session.firstUser) await session.loginAs(session.firstUser);
    return session;
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
  }

  logout(): void {
    this.user = null;
    this.token = undefined;
  }

  headers(): Record<string, string> {
    return this.token ? { Authorization: `Bearer ${this.token}` } : {};
  }
}
