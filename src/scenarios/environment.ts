/**
 * The world one scenario runs in, its own and thrown away after: a fresh copy of each project's
 * seed database, an embedded broker of its own (so no scenario sees another's topics or groups),
 * the real API server on a loopback port, the Kafka workers, and the rules' clock fixed.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ensureDatabase, openProject, ProjectError, readProject, type OpenProject, type Project } from '../project/load.js';
import type { TxOutcome } from '../rules/engine.js';
import { Broker } from '../kafka/broker/broker.js';
import { loadIntegration } from '../kafka/integration/load.js';
import { RpcClient } from '../kafka/integration/rpc.js';
import type { Integration } from '../kafka/integration/declare.js';
import { Auth, loadSecurity } from '../api/security/auth.js';
import { startWorkers, type Workers } from '../runtime/workers.js';

export const DEFAULT_CLOCK = '2026-01-15T10:00:00Z';

/** seed databases built once per run, copied for each scenario */
export class Templates {
  readonly dir = mkdtempSync(join(tmpdir(), 'alsx-scenarios-'));
  private readonly built = new Map<string, string>();

  async seedOf(project: Project): Promise<string> {
    if (project.dbUrl)
      throw new ProjectError(
        `${project.name} runs on PostgreSQL, and scenarios do not yet: each needs a fresh database of its own, which alsx makes only on SQLite for now. ` +
          'A project with db/schema.sql and db/seed.sql runs its scenarios on SQLite when ALSX_DATABASE_URL is not set.',
      );
    let file = this.built.get(project.dir);
    if (!file) {
      file = join(this.dir, `${basename(project.dir)}-seed.sqlite`);
      ensureDatabase({ ...project, stateDir: this.dir, dbFile: file });
      this.built.set(project.dir, file);
    }
    return file;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

interface Running {
  project: OpenProject;
  integration: Integration;
  workers?: Workers;
}

export class ScenarioEnvironment {
  readonly outcomes: TxOutcome[] = [];
  brokers: string[] = [];
  base = '';
  private readonly projects = new Map<string, Running>();
  private main!: Running;
  private broker?: Broker;
  private server?: Server;
  private rpc?: RpcClient;
  private auth?: Auth;
  private readonly logs: string[] = [];

  private constructor(private readonly dir: string) {}

  /** starts everything the scenario needs; `others` are folder names next to the project (e.g. shipping) */
  static async start(
    projectDir: string,
    options: { templates: Templates; clock?: string; others?: string[]; fixture?: string },
  ): Promise<ScenarioEnvironment> {
    const env = new ScenarioEnvironment(mkdtempSync(join(options.templates.dir, 'run-')));
    try {
      await env.boot(projectDir, options);
      return env;
    } catch (e) {
      await env.stop();
      throw e;
    }
  }

  private async boot(
    projectDir: string,
    options: { templates: Templates; clock?: string; others?: string[]; fixture?: string },
  ): Promise<void> {
    const clock = new Date(options.clock ?? DEFAULT_CLOCK);
    if (Number.isNaN(clock.getTime())) throw new Error(`clock ${options.clock} is not a date`);
    const dirs = [resolve(projectDir), ...(options.others ?? []).map((o) => resolve(projectDir, '..', o))];
    this.broker = new Broker({ dataDir: join(this.dir, 'kafka'), port: 0, initialRebalanceDelayMs: 0 });
    this.brokers = [`127.0.0.1:${await this.broker.start()}`];
    for (const [i, dir] of dirs.entries()) {
      if (!existsSync(join(dir, 'alsx.config.ts')) && !existsSync(join(dir, 'db')))
        throw new Error(`with: ${basename(dir)} is not a project next to ${basename(dirs[0]!)}`);
      const info = await readProject(dir);
      const db = join(this.dir, `${basename(dir)}.sqlite`);
      copyFileSync(await options.templates.seedOf(info), db);
      if (i === 0 && options.fixture) applyFixture(db, options.fixture);
      const project = await openProject(dir, {
        db,
        clock: () => clock,
        onOutcome: (o) => {
          this.outcomes.push(o);
          if (o.ok) this.pokeRelays(); // same connection: the relay's data_version watch would not see it
        },
      });
      // secrets and the like in the scenario's folder, not the project's .alsx
      const stateDir = join(this.dir, basename(dir));
      mkdirSync(stateDir, { recursive: true });
      const running: Running = { project: { ...project, stateDir }, integration: await loadIntegration(info) };
      this.projects.set(basename(dir), running);
      if (i === 0) this.main = running;
    }
    const { createApi } = await import('../api/server.js');
    if (this.main.integration.services?.length) {
      this.rpc = new RpcClient(this.brokers);
      await this.rpc.start();
    }
    const { app } = await createApi(this.main.project, { rpc: this.rpc });
    this.server = await new Promise<Server>((ok, fail) => {
      const s = app.listen(0, '127.0.0.1', () => ok(s));
      s.once('error', fail);
    });
    this.base = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    const security = await loadSecurity(this.main.project);
    if (security.enabled) this.auth = new Auth(this.main.project, security);
    for (const running of this.projects.values()) {
      running.workers = await startWorkers(running.project, running.integration, this.brokers, { log: (l) => this.logs.push(l) });
      running.workers.relay.poke();
    }
  }

  project(name?: string): OpenProject {
    if (!name) return this.main.project;
    const p = this.projects.get(name);
    if (!p) throw new Error(`no project ${name} in this scenario (add it to "with")`);
    return p.project;
  }

  samples(): Record<string, unknown> {
    return this.main.integration.samples ?? {};
  }

  /** a bearer token for a user, minted with the project's secret (as the workbench does) */
  async token(user: string | null | undefined): Promise<string | undefined> {
    if (!user || !this.auth) return undefined;
    const u = this.auth.trusted(user);
    if (!u) throw new Error(`no user ${user} (security/grants.ts users, or a row user)`);
    return (await this.auth.token(u)).token;
  }

  /** commits by the engine in this process wake the relays at once */
  pokeRelays(): void {
    for (const r of this.projects.values()) r.workers?.relay.poke();
  }

  async stop(): Promise<void> {
    // consumers leave their groups in parallel: each waits for its fetch in flight
    await Promise.allSettled([...[...this.projects.values()].map((r) => r.workers?.stop()), this.rpc?.stop()]);
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((ok) => this.server!.close(() => ok()));
    }
    await this.broker?.stop().catch(() => {});
    for (const r of this.projects.values()) r.project.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function applyFixture(db: string, file: string): void {
  const conn = new Database(db);
  try {
    conn.exec(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`fixture ${basename(file)}: ${(e as Error).message}`);
  } finally {
    conn.close();
  }
}
