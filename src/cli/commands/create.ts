/** `alsx create`: a working project from any SQLite database or SQL schema, or an existing PostgreSQL database. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import type { CreateReport } from '../../project/create/create.js';
import { theme, warn } from '../color.js';
import { CliError } from '../exit.js';
import { howToRun } from '../how-to-run.js';

interface CreateFlags {
  db?: string;
  sql?: string;
  seed?: string;
  force?: boolean;
  json?: boolean;
}

export function registerCreate(program: Command): void {
  program
    .command('create')
    .summary('create a project from any SQLite or PostgreSQL database (or SQL schema): API, table browser, rules file')
    .description(
      'Create a project from an SQLite database (copied in as its seed, never changed), from a SQL schema, ' +
        'or from a PostgreSQL database (used in place; the config keeps its URL without the password, which comes from ' +
        'PGPASSWORD or ~/.pgpass; ALSX_DATABASE_URL overrides the URL): ' +
        'models.ts (drizzle tables for every table and view), logic/rules.ts (no rules yet; a commented example of each type), ' +
        "admin.ts (the column naming each table's rows), scenarios/smoke.yaml (lists every table) and alsx.config.ts (security off). " +
        '`alsx open` and `alsx serve` run it at once: the JSON:API serves every table, views and tables without a primary key read-only.\n\n' +
        'Run in a terminal without --db/--sql or a folder, it asks for them.',
    )
    .argument('[dir]', 'the project folder to create, e.g. projects/app')
    .option('--db <file|url>', 'an existing SQLite database, or a PostgreSQL URL: postgres://user@host:5432/dbname')
    .option('--sql <file>', 'a SQL schema (CREATE TABLE …, and INSERTs if it has them) to build the database from')
    .option('--seed <file>', 'with --sql: a SQL file of INSERTs for the starting data')
    .option('--force', 'create into a folder that already holds files, replacing those alsx create writes')
    .option('--json', 'print what was created as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  alsx create --db ~/data/chinook.sqlite projects/chinook\n  alsx create --db postgres://app@localhost:5432/chinook projects/chinook\n' +
        '  alsx create --sql schema.sql --seed seed.sql projects/app\n  alsx create            # asks, in a terminal',
    )
    .action(async (dir: string | undefined, flags: CreateFlags) => {
      const interactive = !flags.json && process.stdin.isTTY === true && process.stdout.isTTY === true;
      let { db, sql } = flags;
      if (db && sql) throw new CliError('give either --db or --sql, not both');
      if (!db && !sql) {
        if (!interactive)
          throw new CliError(
            'give the database to start from: alsx create --db <file.sqlite> <dir>, --db postgres://user@host:port/dbname <dir>, or --sql <schema.sql> <dir>',
          );
        ({ db, sql } = await askSource());
      }
      let target = dir;
      if (!target) {
        if (!interactive) throw new CliError('give the folder to create: alsx create --db <file.sqlite> <dir>');
        target = await askFolder(db ?? sql!);
      }
      let force = flags.force === true;
      if (!force && interactive && holdsFiles(target)) {
        const { confirm } = await import('@inquirer/prompts');
        force = await confirm({
          message: `${target} already holds files. Replace the ones alsx create writes (config, models, rules, admin, smoke scenario, database)?`,
          default: false,
        });
        if (!force) throw new CliError(`left ${target} as it was`);
      }
      const t = theme(process.stderr.isTTY === true && !('NO_COLOR' in process.env && process.env.NO_COLOR !== ''));
      const { createProject } = await import('../../project/create/create.js');
      const report = await createProject({
        db,
        sql,
        seed: flags.seed,
        dir: target,
        force,
        progress: flags.json ? undefined : (m) => process.stderr.write(`${t.dim(`… ${m}`)}\n`),
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      process.stdout.write(describe(report, target));
      warn(report.warnings);
    });
}

async function askSource(): Promise<{ db?: string; sql?: string }> {
  const { select, input } = await import('@inquirer/prompts');
  const kind = await select({
    message: 'Create the project from',
    choices: [
      { name: 'an SQLite database file', value: 'db' as const },
      { name: 'a PostgreSQL database (postgres://…)', value: 'pg' as const },
      { name: 'a SQL schema file (CREATE TABLE …)', value: 'sql' as const },
    ],
  });
  if (kind === 'pg') {
    const { isPgUrl } = await import('../../store/pg-url.js');
    const url = await input({
      message: 'PostgreSQL URL (the password from PGPASSWORD or ~/.pgpass):',
      default: 'postgres://localhost:5432/',
      validate: (v) => (isPgUrl(v) ? true : 'a URL like postgres://user@host:5432/dbname'),
    });
    return { db: url.trim() };
  }
  const file = await input({
    message: kind === 'db' ? 'SQLite file:' : 'SQL schema file:',
    validate: (v) =>
      !v.trim() ? 'a file path, please' : existsSync(v.trim()) && statSync(v.trim()).isFile() ? true : `${v.trim()}: no such file`,
  });
  return kind === 'db' ? { db: file.trim() } : { sql: file.trim() };
}

async function askFolder(source: string): Promise<string> {
  const { input } = await import('@inquirer/prompts');
  // a URL's database name (postgres://…/chinook → chinook), a file's name without its extension
  const stem = /^postgres(?:ql)?:\/\//i.test(source) ? basename(source.split('?')[0]!) : basename(source, extname(source));
  const suggested = join('projects', stem.replace(/[^\w.-]+/g, '-').toLowerCase() || 'app');
  return (await input({ message: 'Project folder:', default: suggested, validate: (v) => (v.trim() ? true : 'a folder, please') })).trim();
}

function holdsFiles(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).some((f) => f !== '.alsx');
}

function describe(r: CreateReport, dir: string): string {
  const t = theme();
  const views = r.tables.filter((x) => x.kind === 'view').length;
  const out = [
    t.title(
      `Created ${dir} from ${r.database === 'postgres' ? r.source : basename(r.source)}: ${r.tables.length - views} table${r.tables.length - views === 1 ? '' : 's'}${views ? `, ${views} view${views === 1 ? '' : 's'}` : ''}`,
    ),
    '',
  ];
  const width = Math.min(28, Math.max(...r.tables.map((x) => x.name.length)) + 2);
  for (const x of r.tables) {
    const what =
      x.kind === 'view'
        ? 'view, read-only'
        : !x.key.length
          ? 'no primary key: read-only (listed and filtered, rows have no address)'
          : `key ${x.key.join(' + ')}`;
    const shownBy =
      x.display.join(' ') !== x.key.join(' ') && x.kind === 'table' && x.key.length ? `  named by ${x.display.join(' ')}` : '';
    const at = x.path !== `/api/${encodeURIComponent(x.name)}` ? `  at ${x.path}` : '';
    const refs = x.references.length ? t.dim(`  ${x.references.join('; ')}`) : '';
    const rows =
      x.rowsApproximate && x.kind === 'view'
        ? 'not counted'.padStart(13)
        : `${x.rowsApproximate ? '≈' : ''}${x.rows}`.padStart(8) + ` row${x.rows === 1 ? ' ' : 's'}`;
    out.push(`  ${x.name.padEnd(width)}${rows}  ${what}${at}${shownBy}${refs}`);
  }
  if (r.loose.length) {
    out.push('', 'Values that do not match their declared type (SQLite keeps them; the API serves them as stored):');
    for (const l of r.loose)
      out.push(
        `  ${l.table}.${l.column} (${l.declaredType}): ${l.count} of ${l.rows} rows hold ${l.storedAs}, e.g. ${JSON.stringify(l.example)}`,
      );
  }
  const cli = howToRun();
  out.push(
    '',
    `Wrote ${r.files.join(', ')}.`,
    ...(r.database === 'postgres'
      ? [
          '',
          `The project works on ${r.source} in place. Its password comes from PGPASSWORD or ~/.pgpass;`,
          'ALSX_DATABASE_URL overrides the URL in alsx.config.ts (see README.md).',
        ]
      : []),
    '',
    'Next:',
    `  ${cli} open ${dir}       the workbench: browse the tables, watch each transaction`,
    `  ${cli} serve ${dir}      the JSON:API on http://127.0.0.1:5656/api`,
    // scenarios run on SQLite projects only, for now
    ...(r.database === 'postgres' ? [] : [`  ${cli} test ${dir}       the smoke scenario (every table answers)`]),
    `  then declare rules in ${join(dir, 'logic/rules.ts')} (a commented example of each rule type is there)`,
    '',
  );
  return out.join('\n');
}
