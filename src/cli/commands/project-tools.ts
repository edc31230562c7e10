/** `alsx rules`, `alsx check`, `alsx reset`: look at a project's rules and its working database. */
import type { Command } from 'commander';
import type { TableLogic } from '../../rules/compiled.js';
import { theme, warn } from '../color.js';
import { EXIT } from '../exit.js';
import { KEY_SEPARATOR } from '../../rules/keys.js';

export function registerProjectTools(program: Command): void {
  program
    .command('rules')
    .summary("list a project's rules per table, in the order the engine runs them")
    .description(
      "List a project's rules per table in execution order, with what each reads — the engine's view of logic/rules.ts.\n\nLoading them also checks them: an unknown column, an ambiguous foreign key or a cycle is reported with the rule's line.",
    )
    .argument('<project>', 'project folder')
    .option('--db <path>', 'resolve the rules against another SQLite file with the same tables')
    .option('--json', 'print the rules as JSON')
    .action(async (dir: string, flags: { db?: string; json?: boolean }) => {
      const { openProject } = await import('../../project/load.js');
      const project = await openProject(dir, { db: flags.db });
      try {
        const tables = [...project.rules.tables.values()].sort((a, b) => a.table.name.localeCompare(b.table.name));
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(tables.map(describeTable), null, 2)}\n`);
          return;
        }
        const t = theme();
        const out: string[] = [];
        for (const logic of tables) {
          const d = describeTable(logic);
          if (d.rules.length === 0) continue;
          out.push(t.title(logic.table.name));
          for (const r of d.rules)
            out.push(
              `  ${t.kind(r.kind.padEnd(10))} ${r.name}${r.reads.length ? t.dim(`   reads ${r.reads.join(', ')}`) : ''}${t.dim(`   ${r.site}`)}`,
            );
        }
        for (const w of project.warnings) out.push(t.warn(`warning: ${w}`));
        process.stdout.write(`${out.join('\n')}\n`);
      } finally {
        project.close();
      }
    });

  program
    .command('check')
    .summary('recompute every derived column from scratch and report drift')
    .description(
      'Recompute every sum, count and formula of the working database from scratch (the engine itself only adjusts) and report each stored value that differs.\n\n' +
        '--fix writes the recomputed values instead (no rules run): for a derived column just added to a database that already has rows. ' +
        "With --db db/<file>.sqlite it fixes the project's seed, so `alsx reset` keeps the fix.\n\nExit codes: 0 consistent, 1 drift found, 2 bad input.",
    )
    .argument('<project>', 'project folder')
    .option('--db <path>', 'check another SQLite file with the same tables')
    .option('--fix', 'write the recomputed values where they differ')
    .option('--json', 'print {checked, drift: [{rule, table, key, column, stored, expected}]} (with --fix: also fixed)')
    .action(async (dir: string, flags: { db?: string; json?: boolean; fix?: boolean }) => {
      const { openProject } = await import('../../project/load.js');
      const { audit, repair } = await import('../../rules/audit.js');
      type Drift = import('../../rules/audit.js').Drift;
      const project = await openProject(dir, { db: flags.db });
      warn(project.warnings);
      try {
        const fixed = flags.fix ? repair(project.store, project.rules) : 0;
        if (flags.fix && !flags.json)
          process.stdout.write(`${theme().ok('✔')} wrote ${fixed} derived value${fixed === 1 ? '' : 's'} the rules compute\n`);
        const t = theme();
        // each drift printed as it is found: a database with thousands of them shows progress, all of them
        const print = (d: Drift) =>
          process.stdout.write(
            `${t.bad('drift')} ${d.table} ${d.key.join(KEY_SEPARATOR)} ${d.column}: stored ${d.stored}, rules say ${d.expected}  ${t.dim(d.rule)}\n`,
          );
        const result = { ...audit(project.store, project.rules, flags.json ? undefined : print), ...(flags.fix ? { fixed } : {}) };
        process.exitCode = result.drift.length ? EXIT.rejected : EXIT.ok;
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          result.drift.length
            ? t.bad(`${result.drift.length} derived values differ (of ${result.checked} checked)\n`)
            : t.ok(`✔ ${result.checked} derived values checked, all consistent\n`),
        );
      } finally {
        project.close();
      }
    });

  program
    .command('reset')
    .summary("rebuild the project's working database from its seed")
    .description(
      "Rebuild .alsx/db.sqlite from the project's db/schema.sql and db/seed.sql (or its SQLite file), discarding every change made since.\n\n" +
        'On PostgreSQL (db.url, or ALSX_DATABASE_URL), rebuild the database from db/postgres/schema.sql and seed.sql: only a database alsx built ' +
        "(or one with no tables) — a project's own database, used in place, is never dropped.",
    )
    .argument('<project>', 'project folder')
    .action(async (dir: string) => {
      const { describeUrl, ensureDatabase, openPostgres, readProject } = await import('../../project/load.js');
      const project = await readProject(dir);
      if (project.dbUrl) {
        const { store } = await openPostgres(project, project.dbUrl, { reset: true });
        store.close();
        process.stdout.write(`${theme().ok('✔')} ${project.name}: PostgreSQL database rebuilt (${describeUrl(project.dbUrl)})\n`);
        return;
      }
      ensureDatabase(project, { reset: true });
      process.stdout.write(`${theme().ok('✔')} ${project.name}: working database rebuilt (${project.dbFile})\n`);
    });
}

function describeTable(logic: TableLogic) {
  const reads = (set: Iterable<string>) => [...set];
  const rules = [
    ...logic.early.map((r) => ({ kind: 'early', name: r.name, reads: [] as string[], site: r.site })),
    ...(logic.defaults.length
      ? [{ kind: 'defaults', name: logic.defaults.map((d) => d.column).join(', '), reads: [] as string[], site: '' }]
      : []),
    ...logic.copies.map((r) => ({ kind: 'copy', name: r.name, reads: r.fk.childColumns, site: r.site })),
    ...logic.formulas.map((r) => ({
      kind: 'formula',
      name: r.name,
      reads: [...reads(r.reads), ...r.parentReads.map((p) => `${p.fk.parentTable}.${p.column}`)],
      site: r.site,
    })),
    ...logic.aggregatesByFk.flatMap((g) =>
      g.rules.map((r) => ({ kind: `${r.kind} →`, name: r.name, reads: reads(r.relevant), site: r.site })),
    ),
    ...logic.constraints.map((r) => ({ kind: 'constraint', name: r.name, reads: reads(r.reads), site: r.site })),
    ...logic.rowEvents.map((r) => ({ kind: 'event', name: r.name, reads: [], site: r.site })),
    ...logic.afterFlush.map((r) => ({ kind: 'afterFlush', name: r.name, reads: [], site: r.site })),
    ...logic.commit.map((r) => ({ kind: 'commit', name: r.name, reads: [], site: r.site })),
  ];
  return { table: logic.table.name, rules };
}
