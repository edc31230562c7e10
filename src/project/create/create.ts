/**
 * `alsx create`: a working project from any SQLite database (or SQL schema), or from an existing
 * PostgreSQL database. Reads the schema, copies a SQLite database in as the project's seed (a
 * PostgreSQL database is used in place: the config names its URL, without password), and writes
 * models.ts, an empty rules file with examples, admin.ts, a smoke scenario and the config — then
 * opens the result once, so a project that would not load is never reported as created.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { openProject, ProjectError, stateDirOf } from '../load.js';
import type { TableInfo } from '../../store/types.js';
import { buildFromSchemaSql, readSqliteFile, type LooseColumn, type SourceDatabase } from './source.js';
import { byColumnOrder, declarationOrder, exportNames, generateModels } from './models.js';
import { alterHint, generateRules, psqlHint, schemaHint } from './rules-template.js';
import { readPgDatabase } from './pg-source.js';
import { isPgUrl, parsePgUrl, type PgUrl, PgUrlError } from '../../store/pg-url.js';
import {
  adminFile,
  configFile,
  GITIGNORE,
  insideAlsx,
  packageFile,
  readmeFile,
  smokeScenario,
  tsconfigFile,
  type ProjectFacts,
} from './files.js';
import { defaultDisplay } from '../../tui/tables/admin-config.js';
import { buildModel } from '../../api/jsonapi/model.js';
import { USERS_TABLE } from '../../api/security/users-table.js';

export interface CreateOptions {
  /** an existing SQLite database, or a PostgreSQL database's URL (postgres://user@host:port/dbname) … */
  db?: string;
  /** … or a SQL schema (DDL, and INSERTs if it has them) to build one from, with an optional seed */
  sql?: string;
  seed?: string;
  /** the project folder to write */
  dir: string;
  /** write into a folder that already holds files (replacing the ones alsx create writes) */
  force?: boolean;
  /** what is happening, for long work (copying a large database) */
  progress?: (message: string) => void;
}

export interface CreatedTable {
  name: string;
  /** its export in models.ts */
  model: string;
  kind: 'table' | 'view';
  rows: number;
  /** `rows` is the planner's estimate (a table too large to count) or nothing (a view too slow to count) */
  rowsApproximate?: true;
  key: string[];
  /** where the JSON:API serves it: /api/<type> (the type is the name, made a valid member name) */
  path: string;
  /** how the JSON:API serves it */
  access: 'read-write' | 'read-only (view)' | 'read-only (no primary key)';
  /** the column(s) naming a row in the table browser */
  display: string[];
  /** foreign keys: "ReportsTo → Employee" */
  references: string[];
}

export interface CreateReport {
  dir: string;
  name: string;
  /** the SQLite file or SQL schema, or the PostgreSQL URL without its password */
  source: string;
  database: 'sqlite' | 'postgres';
  tables: CreatedTable[];
  loose: LooseColumn[];
  files: string[];
  warnings: string[];
}

/** every file alsx create writes (so --force replaces exactly these) */
const GENERATED = [
  'alsx.config.ts',
  'models.ts',
  'logic/rules.ts',
  'admin.ts',
  'scenarios/smoke.yaml',
  'README.md',
  'tsconfig.json',
  '.gitignore',
  'package.json',
];

export async function createProject(options: CreateOptions): Promise<CreateReport> {
  if (!options.db === !options.sql)
    throw new ProjectError(
      'give the database to start from: --db <file.sqlite>, --db postgres://user@host:port/dbname, or --sql <schema.sql>',
    );
  const pgUrl = options.db && isPgUrl(options.db) ? readUrl(options.db) : undefined;
  if (options.seed && !options.sql)
    throw new ProjectError(`--seed goes with --sql (${pgUrl ? 'a PostgreSQL database' : 'an SQLite file'} already holds its data)`);
  const dir = resolve(options.dir);
  checkTarget(dir, options.dir, options.force === true);
  const existed = existsSync(dir);
  const progress = options.progress ?? (() => {});
  const scratch = mkdtempSync(join(tmpdir(), 'alsx-create-'));
  try {
    progress(`reading ${pgUrl?.shown ?? options.db ?? options.sql}`);
    const source: SourceDatabase = pgUrl
      ? await readPgDatabase(options.db!, progress)
      : options.db
        ? readSqliteFile(options.db, progress)
        : buildFromSchemaSql(options.sql!, options.seed, join(scratch, 'built.sqlite'), progress);
    const order = declarationOrder(source.schema);
    const names = exportNames(order, pgUrl ? 'postgres' : 'sqlite');
    const name = basename(dir);
    const origin = pgUrl ? pgUrl.shown : basename(options.db ?? options.sql!);
    const dbConfig: ProjectFacts['db'] = pgUrl
      ? { url: pgUrl.shown }
      : options.db
        ? { file: `db/${seedName(options.db)}` }
        : { schema: 'db/schema.sql', ...(options.seed ? { seed: 'db/seed.sql' } : {}) };
    const apiPaths = new Map([...buildModel(source.schema).byTable].map(([table, r]) => [table, `/api/${r.path}`]));
    const facts: ProjectFacts = {
      name,
      origin,
      db: dbConfig,
      tables: order,
      rowCounts: source.rowCounts,
      approximate: source.approximate,
      names,
      apiPaths,
      shownDir: shown(dir),
    };
    const files: Record<string, string> = {
      'alsx.config.ts': configFile(facts),
      'models.ts': generateModels(source, order, names, origin),
      'logic/rules.ts': generateRules(
        order,
        names,
        'file' in dbConfig
          ? alterHint(join(shown(dir), dbConfig.file), shown(dir))
          : 'url' in dbConfig
            ? psqlHint(dbConfig.url, shown(dir))
            : schemaHint(shown(dir)),
        new Set(source.loose.map((l) => `${l.table}\u0000${l.column}`)),
      ),
      'admin.ts': adminFile(facts),
      'scenarios/smoke.yaml': smokeScenario(facts),
      'README.md': readmeFile(facts),
      'tsconfig.json': tsconfigFile(dir),
      '.gitignore': GITIGNORE,
      // outside alsx's own folder the project needs to say its .ts files are ES modules; inside it
      // (projects/app in a clone) alsx's package.json says so, and lets it import 'alsx' by name
      ...(insideAlsx(dir) ? {} : { 'package.json': packageFile(name) }),
    };

    mkdirSync(dir, { recursive: true });
    if ('url' in dbConfig) {
      // nothing to copy: the project uses the database in place
    } else if ('file' in dbConfig) {
      mkdirSync(join(dir, 'db'), { recursive: true });
      await copyDatabase(options.db!, join(dir, dbConfig.file), progress);
    } else {
      mkdirSync(join(dir, 'db'), { recursive: true });
      copyFileSync(options.sql!, join(dir, 'db', 'schema.sql'));
      if (options.seed) copyFileSync(options.seed, join(dir, 'db', 'seed.sql'));
    }
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    // a working database from an earlier project in this folder would be taken for this one's
    if (existed) rmSync(stateDirOf(dir), { recursive: true, force: true });

    progress('checking that the project opens');
    const warnings = await openOnce(dir, pgUrl?.connect);

    return {
      dir,
      name,
      source: pgUrl?.shown ?? options.db ?? options.sql!,
      database: pgUrl ? 'postgres' : 'sqlite',
      tables: order.map((t) =>
        describeTable(t, names.get(t.name)!, apiPaths.get(t.name)!, source.rowCounts.get(t.name) ?? 0, source.approximate.has(t.name)),
      ),
      loose: source.loose,
      files: [
        ...('url' in dbConfig ? [] : ['file' in dbConfig ? dbConfig.file : 'db/schema.sql']),
        ...('seed' in dbConfig && dbConfig.seed ? [dbConfig.seed] : []),
        ...Object.keys(files),
      ],
      warnings,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Opens the project as \`alsx open\` will, and returns its warnings. On PostgreSQL it opens on the
 * URL create connected with (which may carry a password the config leaves out), through
 * ALSX_DATABASE_URL — the variable that overrides db.url — set for this check alone.
 */
async function openOnce(dir: string, pgUrl: string | undefined): Promise<string[]> {
  const before = process.env.ALSX_DATABASE_URL;
  if (pgUrl) process.env.ALSX_DATABASE_URL = pgUrl;
  try {
    const project = await openProject(dir);
    const warnings = [...project.warnings];
    await project.close();
    return warnings;
  } finally {
    if (pgUrl) {
      if (before === undefined) delete process.env.ALSX_DATABASE_URL;
      else process.env.ALSX_DATABASE_URL = before;
    }
  }
}

function readUrl(text: string): PgUrl {
  try {
    return parsePgUrl(text);
  } catch (e) {
    throw e instanceof PgUrlError ? new ProjectError(`--db: ${e.message}`) : e;
  }
}

/** refuses a folder that holds files (unless forced) or a path that is a file */
function checkTarget(dir: string, given: string, force: boolean): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new ProjectError(`${given} is a file; give a folder for the new project`);
  const present = readdirSync(dir).filter((f) => f !== '.alsx');
  if (present.length && !force) {
    const mine = GENERATED.filter((f) => existsSync(join(dir, f)));
    throw new ProjectError(
      `${given} already exists and is not empty (${present.slice(0, 4).join(', ')}${present.length > 4 ? ' …' : ''}); ` +
        `choose another folder, or pass --force to replace ${mine.length ? `its ${mine.join(', ')}` : 'the files alsx create writes'} and its database`,
    );
  }
}

/** Copies the database with SQLite's online backup (consistent even while another process writes), with progress. */
async function copyDatabase(from: string, to: string, progress: (m: string) => void): Promise<void> {
  if (resolve(from) === resolve(to)) return; // re-created in place: the seed is already there
  const tmp = `${to}.copying`;
  rmSync(tmp, { force: true });
  const db = new Database(from, { readonly: true, fileMustExist: true });
  try {
    let last = 0;
    await db.backup(tmp, {
      progress: ({ totalPages, remainingPages }) => {
        const pct = Math.floor(((totalPages - remainingPages) / Math.max(totalPages, 1)) * 100);
        if (totalPages > 2000 && pct >= last + 10) progress(`copying ${basename(from)}: ${(last = pct)}%`);
        return 2000;
      },
    });
  } finally {
    db.close();
  }
  // the copy is the project's seed: one file, no -wal beside it — and no credentials of the
  // project it came from (an alsx working database has its users' password hashes)
  const copy = new Database(tmp);
  copy.exec(`DROP TABLE IF EXISTS "${USERS_TABLE}"`);
  copy.pragma('journal_mode = DELETE');
  copy.close();
  renameSync(tmp, to);
}

/** odd.sqlite → odd.sqlite; a file without a SQLite extension gets one */
function seedName(file: string): string {
  const base = basename(file);
  return ['.sqlite', '.sqlite3', '.db', '.db3'].includes(extname(base).toLowerCase()) ? base : `${base}.sqlite`;
}

function describeTable(t: TableInfo, model: string, path: string, rows: number, approximate: boolean): CreatedTable {
  return {
    name: t.name,
    model,
    path,
    kind: t.isView ? 'view' : 'table',
    rows,
    ...(approximate ? { rowsApproximate: true as const } : {}),
    key: t.primaryKey,
    access: t.isView ? 'read-only (view)' : t.primaryKey.length ? 'read-write' : 'read-only (no primary key)',
    display: defaultDisplay(t),
    references: byColumnOrder(t).map((f) => `${f.childColumns.join(', ')} → ${f.parentTable}`),
  };
}

/** the folder as the user would type it: relative to the current folder when inside it */
function shown(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') ? rel : dir;
}
