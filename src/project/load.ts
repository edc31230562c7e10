/**
 * Opens a project folder: its config, its working database (.alsx/db.sqlite, built from the
 * project's SQL or copied from its SQLite file on first use), and its rules, compiled against that
 * database.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join, relative as pathRelative, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../store/sqlite.js';
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
  dbFile: string;
}

export interface OpenProject extends Project {
  /** what the user should know but that does not stop anything (a stale working database, models out of step) */
  warnings: string[];
  store: SqliteStore;
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
  return { dir: abs, name: config.name ?? basename(abs), config, stateDir, dbFile: join(stateDir, 'db.sqlite') };
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
  // made empty and private first: SQLite keeps the mode, and gives its -wal and -shm the same
  writeFileSync(file, '', { mode: PRIVATE_FILE });
  const conn = new Database(file);
  try {
    conn.pragma('foreign_keys = OFF'); // seeds insert in any order (an employee before its manager)
    conn.exec(readFileSync(schema, 'utf8'));
    ensureUsersTable(conn); // before the seed, which may give users their passwords
    if (seed && existsSync(seed)) conn.exec(readFileSync(seed, 'utf8'));
    const broken = conn.prepare('SELECT * FROM pragma_foreign_key_check').all() as { table: string; rowid: number; parent: string }[];
    if (broken.length)
      throw new Error(
        `${broken.length} rows reference missing parents, e.g. ${broken[0]!.table} rowid ${broken[0]!.rowid} → ${broken[0]!.parent}`,
      );
  } catch (e) {
    conn.close();
    rmQuiet(file);
    throw new ProjectError(
      `building the database from ${basename(schema)}${seed && existsSync(seed) ? ` and ${basename(seed)}` : ''} failed: ${(e as Error).message}`,
    );
  }
  conn.close();
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
  /** run against this SQLite file instead of the project's working database */
  db?: string;
}

export async function openProject(dir: string, options: OpenOptions = {}): Promise<OpenProject> {
  const project = await readProject(dir);
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
  try {
    ensureUsersTable(store.db); // a database made before alsx kept credentials, or copied in from elsewhere
    const ruleSet = await loadRules(project);
    const rules: CompiledRules = ruleSet ? compile(ruleSet, store.schema) : { tables: new Map(), all: [], warnings: [] };
    const engine = new Engine(store, rules, { extendLateContext: outboxContext(store), ...options });
    return { ...project, dbFile, warnings: [...warnings, ...rules.warnings], store, rules, engine, close: () => store.close() };
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
