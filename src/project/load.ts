/**
 * Opens a project folder: its config, its database — on SQLite the working database .alsx/db.sqlite
 * (built from the project's SQL or copied from its SQLite file on first use), on PostgreSQL the
 * database its URL names (built from db/postgres/*.sql when alsx manages it) — and its rules,
 * compiled against that database.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join, relative as pathRelative, resolve } from 'node:path';
import { SqliteStore } from '../store/sqlite.js';
import { buildFromSql as buildSqlite } from '../store/sqlite-build.js';
import { PgStore } from '../store/postgres.js';
import { explainConnectError, isPgUrl, parsePgUrl, PgUrlError } from '../store/pg-url.js';
import { buildPg, pgState } from '../store/pg-build.js';
import type { ProjectStore } from '../store/types.js';
import { compile } from '../rules/compile.js';
import type { CompiledRules } from '../rules/compiled.js';
import type { RuleSet } from '../rules/dsl.js';
import { Engine, type EngineOptions } from '../rules/engine.js';
import { outboxContext } from '../kafka/integration/outbox.js';
import { ensureUsersTable } from '../api/security/users-table.js';
import { RuleDefinitionError } from '../rules/errors.js';
import type { ProjectConfig } from './config.js';

import { ProjectError } from './errors.js';
import { importProjectModule } from './import-module.js';
import { PRIVATE_FILE, privateDir, privateFile, privateTree } from '../private-files.js';

export { ProjectError };

export interface Project {
  dir: string;
  name: string;
  config: ProjectConfig;
  /** the runtime state folder (git-ignored) */
  stateDir: string;
  /** SQLite: the working database */
  dbFile: string;
  /** PostgreSQL: the database's URL (ALSX_DATABASE_URL, else the config's db.url); absent on SQLite */
  dbUrl?: string;
}

export interface OpenProject extends Project {
  /** what the user should know but that does not stop anything (a stale working database, models out of step) */
  warnings: string[];
  store: ProjectStore;
  rules: CompiledRules;
  engine: Engine;
  close(): void;
}

export async function readProject(dir: string): Promise<Project> {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory())
    throw new ProjectError(`${dir} is not a folder; give a project folder such as projects/northwind`);
  const configFile = join(abs, 'alsx.config.ts');
  const stateDir = stateDirOf(abs);
  let config: ProjectConfig = {};
  if (existsSync(configFile)) {
    const mod = (await importProjectModule(abs, stateDir, configFile)) as { default?: ProjectConfig };
    config = mod.default ?? {};
  } else if (!existsSync(join(abs, 'db'))) {
    throw new ProjectError(`${dir} is not an alsx project (no alsx.config.ts); create one with: alsx create --db <file.sqlite> ${dir}`);
  }
  privateTree(stateDir); // state written before alsx kept it private (or copied in) is the owner's alone
  const dbUrl = process.env.ALSX_DATABASE_URL || config.db?.url || undefined;
  return {
    dir: abs,
    name: config.name ?? basename(abs),
    config,
    stateDir,
    dbFile: join(stateDir, 'db.sqlite'),
    ...(dbUrl ? { dbUrl } : {}),
  };
}

/**
 * Where a project keeps its runtime state (working database, broker data, secrets, traces):
 * `<project>/.alsx`, or `$ALSX_STATE_DIR/<folder name>` (tests and CI keep projects untouched).
 */
export function stateDirOf(projectDir: string): string {
  const root = process.env.ALSX_STATE_DIR;
  return root ? join(resolve(root), basename(projectDir)) : join(projectDir, '.alsx');
}

/** the files the working database is built from */
function sources(project: Project): { schema?: string; seed?: string; file?: string } {
  const db = project.config.db ?? {};
  if (db.file) return { file: join(project.dir, db.file) };
  return { schema: join(project.dir, db.schema ?? 'db/schema.sql'), seed: join(project.dir, db.seed ?? 'db/seed.sql') };
}

/** a fingerprint of those files, kept beside the working database to notice when they change */
function fingerprint(project: Project): string {
  const hash = createHash('sha256');
  for (const f of Object.values(sources(project))) if (f && existsSync(f)) hash.update(f).update(readFileSync(f));
  return hash.digest('hex');
}

/**
 * Builds the working database from the project's SQL (or copies its SQLite file) when it is missing.
 * `stale` says the sources changed since it was built (a `git pull`): the caller tells the user.
 */
export function ensureDatabase(project: Project, options: { reset?: boolean } = {}): { created: boolean; stale: boolean } {
  if (project.dbUrl) return { created: false, stale: false }; // a server's database: openProject builds a managed one
  const stamp = `${project.dbFile}.source`;
  if (existsSync(project.dbFile) && !options.reset) {
    const stale = existsSync(stamp) && readFileSync(stamp, 'utf8') !== fingerprint(project);
    return { created: false, stale };
  }
  privateDir(project.stateDir);
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(project.dbFile + suffix)) rmQuiet(project.dbFile + suffix);
  const src = sources(project);
  const tmp = `${project.dbFile}.building`;
  rmQuiet(tmp);
  if (src.file) {
    if (!existsSync(src.file))
      throw new ProjectError(`the project's database ${project.config.db?.file} does not exist (alsx.config.ts db.file)`);
    copyFileSync(src.file, tmp);
    privateFile(tmp);
  } else {
    if (!existsSync(src.schema!)) throw new ProjectError(`the project has no database: ${relative(project, src.schema!)} is missing`);
    buildFromSql(tmp, src.schema!, src.seed!);
  }
  // rename last, so a half-built database is never taken for a good one
  renameSync(tmp, project.dbFile);
  writeFileSync(stamp, fingerprint(project), { mode: PRIVATE_FILE });
  return { created: true, stale: false };
}

/** Builds a SQLite file from a schema script and an optional seed script; a failure removes the file and names the script. */
export function buildFromSql(file: string, schema: string, seed?: string): void {
  buildSqlite(file, schema, seed, ensureUsersTable, (message) => new ProjectError(message));
}

/** the SQL a managed PostgreSQL database is built from (absent: the database is the user's, used in place) */
function pgSources(project: Project): { schema: string; seed: string } | undefined {
  const pg = project.config.db?.postgres;
  const schema = join(project.dir, pg?.schema ?? 'db/postgres/schema.sql');
  return existsSync(schema) ? { schema, seed: join(project.dir, pg?.seed ?? 'db/postgres/seed.sql') } : undefined;
}

function pgFingerprint(files: { schema: string; seed: string }): string {
  const hash = createHash('sha256');
  for (const f of [files.schema, files.seed]) if (existsSync(f)) hash.update(readFileSync(f));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Connects to the project's PostgreSQL database. A managed one (the project has db/postgres/*.sql) is
 * built when its schema is empty — or, with `reset`, rebuilt when alsx built it; `stale` says its SQL
 * changed since.
 */
export async function openPostgres(
  project: Project,
  url: string,
  options: { reset?: boolean } = {},
): Promise<{ store: PgStore; stale: boolean; built: boolean }> {
  const db = project.config.db ?? {};
  let store: PgStore;
  try {
    store = await PgStore.open(url, { schema: db.pgSchema, synchronousCommit: db.synchronousCommit });
  } catch (e) {
    if (e instanceof PgUrlError) throw new ProjectError(`${process.env.ALSX_DATABASE_URL ? 'ALSX_DATABASE_URL' : 'db.url'}: ${e.message}`);
    throw new ProjectError(explainConnectError(e, parsePgUrl(url)));
  }
  try {
    const files = pgSources(project);
    let built = false;
    let stale = false;
    if (files) {
      const fingerprint = pgFingerprint(files);
      const read = (f: string) => readFileSync(f, 'utf8');
      const result = buildPg(
        store,
        {
          schema: read(files.schema),
          seed: existsSync(files.seed) ? read(files.seed) : undefined,
          fingerprint,
          prepare: () => ensureUsersTable(store),
        },
        options,
      );
      built = result === 'built';
      if (built) {
        store.close();
        store = await PgStore.open(url, { schema: db.pgSchema, synchronousCommit: db.synchronousCommit }); // the schema it has now
      } else {
        const state = pgState(store);
        stale = state.kind === 'built' && state.fingerprint !== fingerprint;
      }
    } else if (options.reset) {
      throw new ProjectError(
        `${describeUrl(url)} is the project's own database, used in place: alsx does not rebuild it (a project alsx builds on PostgreSQL has db/postgres/schema.sql)`,
      );
    }
    return { store, stale, built };
  } catch (e) {
    store.close();
    throw e instanceof ProjectError ? e : new ProjectError(`${describeUrl(url)}: ${(e as Error).message}`);
  }
}

/**
 * The default export of one of the project's own modules (rules, security, endpoints …), or
 * undefined when the file does not exist; a module that fails to load is named in the error.
 */
export async function projectModule<T>(
  project: Project,
  path: string,
  check: (value: unknown) => value is T,
  expected: string,
): Promise<T | undefined> {
  const file = join(project.dir, path);
  if (!existsSync(file)) return undefined;
  let mod: { default?: unknown };
  try {
    mod = (await importProjectModule(project.dir, project.stateDir, file)) as { default?: unknown };
  } catch (e) {
    throw new ProjectError(`loading ${path} failed: ${(e as Error).message}`);
  }
  if (!check(mod.default)) throw new ProjectError(`${path} must \`export default ${expected}\``);
  return mod.default;
}

export function loadRules(project: Project): Promise<RuleSet | undefined> {
  const isRuleSet = (v: unknown): v is RuleSet => Array.isArray((v as RuleSet | undefined)?.declarations);
  return projectModule(project, project.config.rules ?? 'logic/rules.ts', isRuleSet, 'rules(models, (…) => [ … ])');
}

export interface OpenOptions extends EngineOptions {
  /** run against this SQLite file (or postgres:// URL) instead of the project's database */
  db?: string;
}

export { isPgUrl };

/** where a URL points, without its password: for messages */
export function describeUrl(url: string): string {
  try {
    return parsePgUrl(url).shown;
  } catch {
    return 'the PostgreSQL URL';
  }
}

export async function openProject(dir: string, options: OpenOptions = {}): Promise<OpenProject> {
  const project = await readProject(dir);
  if (options.db && isPgUrl(options.db)) project.dbUrl = options.db;
  if (project.dbUrl) return openOn(project, options, [], await openPostgres(project, project.dbUrl));
  let dbFile = project.dbFile;
  const warnings: string[] = [];
  if (options.db) {
    dbFile = resolve(options.db);
    if (!existsSync(dbFile)) throw new ProjectError(`--db ${options.db}: no such file`);
  }
  const stale =
    !options.db && ensureDatabase(project).stale
      ? `the project's schema or seed changed since .alsx/db.sqlite was built; \`alsx reset ${relativeToCwd(project.dir)}\` rebuilds it (and discards its changes)`
      : undefined;
  if (stale) warnings.push(stale);
  let store: SqliteStore;
  try {
    store = new SqliteStore(dbFile, { synchronous: project.config.synchronous ?? 'NORMAL' });
  } catch (e) {
    throw new ProjectError(`${dbFile} could not be opened as a SQLite database: ${(e as Error).message}`);
  }
  return openOn({ ...project, dbFile }, options, warnings, { store, stale: stale !== undefined });
}

const STALE_PG = (project: Project) =>
  `the project's db/postgres SQL changed since its PostgreSQL database was built; \`alsx reset ${relativeToCwd(project.dir)}\` rebuilds it (and discards its changes)`;

/** the rules, compiled against the opened database, and the engine */
async function openOn(
  project: Project,
  options: OpenOptions,
  warnings: string[],
  opened: { store: ProjectStore; stale: boolean },
): Promise<OpenProject> {
  const { store } = opened;
  const stale = opened.stale ? (project.dbUrl ? STALE_PG(project) : warnings.find((w) => w.includes('alsx reset'))) : undefined;
  if (stale && !warnings.includes(stale)) warnings.push(stale);
  try {
    ensureUsersTable(store); // a database made before alsx kept credentials, or copied in from elsewhere
    const ruleSet = await loadRules(project);
    const rules: CompiledRules = ruleSet ? compile(ruleSet, store.schema) : { tables: new Map(), all: [], warnings: [] };
    const engine = new Engine(store, rules, { extendLateContext: outboxContext(store), ...options });
    return { ...project, warnings: [...warnings, ...rules.warnings], store, rules, engine, close: () => store.close() };
  } catch (e) {
    store.close();
    if (e instanceof RuleDefinitionError) {
      // a rule naming a column just added to the schema: the working database is the one out of date
      throw new ProjectError(`the rules of ${project.name} are wrong: ${e.message}${stale ? ` — note: ${stale}` : ''}`);
    }
    throw e;
  }
}

const relative = (project: Project, file: string): string => file.slice(project.dir.length + 1);
const relativeToCwd = (dir: string): string => pathRelative(process.cwd(), dir) || '.';

function rmQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* not there */
  }
}
