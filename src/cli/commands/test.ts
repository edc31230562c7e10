/** `alsx test <project>`: the project's scenarios, headless, each in its own fresh world. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { theme } from '../color.js';
import { CliError, EXIT } from '../exit.js';

interface TestFlags {
  filter?: string;
  junit?: string;
  json?: boolean;
  bail?: boolean;
}

export function registerTest(program: Command): void {
  program
    .command('test')
    .summary("run the project's scenarios (scenarios/*.yaml) headlessly")
    .description(
      "Run the project's scenarios (projects/<p>/scenarios/*.yaml): each against a fresh copy of the seed database, its own " +
        "broker and workers, the real API server and rules, with the rules' clock fixed — so a run gives the same result every time. " +
        'Prints each scenario as it finishes, a diff of expected and actual for each failed step, and a summary line.\n\n' +
        'Exit codes: 0 all passed, 1 some failed, 2 no scenarios or bad usage.',
    )
    .argument('<project>', 'project folder, e.g. projects/northwind')
    .option('--filter <text>', 'only scenarios whose file or name contains this')
    .option('--junit <file>', 'also write a JUnit XML report (for CI)')
    .option('--json', 'print the results as JSON instead')
    .option('--bail', 'stop at the first failing scenario')
    .action(async (dir: string, flags: TestFlags) => {
      const { readScenario, scenarioFiles } = await import('../../scenarios/load.js');
      const { runScenario } = await import('../../scenarios/runner.js');
      const { Templates } = await import('../../scenarios/environment.js');
      const { junitXml, failureText } = await import('../../scenarios/junit.js');
      const { readProject } = await import('../../project/load.js');
      const project = await readProject(dir);
      const needle = flags.filter?.toLowerCase();
      const files = scenarioFiles(project.dir)
        .map(readScenario)
        .filter((f) => !needle || f.id.toLowerCase().includes(needle) || (f.scenario?.name.toLowerCase().includes(needle) ?? false));
      if (files.length === 0)
        throw new CliError(
          needle
            ? `no scenario of ${project.name} matches "${flags.filter}"`
            : `${project.name} has no scenarios: add YAML files to ${dir}/scenarios/ (format: schemas/scenario.schema.json)`,
        );
      const t = theme();
      const log = (line: string) => !flags.json && process.stdout.write(`${line}\n`);
      log(t.dim(`${files.length} scenario${files.length === 1 ? '' : 's'} of ${project.name}`));
      const templates = new Templates();
      const results = [];
      try {
        for (const [i, f] of files.entries()) {
          const counter = t.dim(`[${String(i + 1).padStart(String(files.length).length)}/${files.length}]`);
          const r = f.scenario
            ? await runScenario(project.dir, f.file, f.id, f.scenario, templates)
            : { id: f.id, file: f.file, name: f.id, ok: false, ms: 0, steps: [], error: f.error };
          results.push(r);
          log(`${counter} ${r.ok ? t.ok('✔') : t.bad('✘')} ${r.name} ${t.dim(`${f.id} · ${(r.ms / 1000).toFixed(1)} s`)}`);
          if (!r.ok)
            log(
              failureText(r)
                .split('\n')
                .map((l) => `      ${l.startsWith('  ') ? t.bad(l) : l}`)
                .join('\n'),
            );
          if (!r.ok && flags.bail) break;
        }
      } finally {
        templates.dispose();
      }
      const passed = results.filter((r) => r.ok).length;
      const failed = results.length - passed;
      if (flags.junit) writeFileSync(flags.junit, junitXml(project.name, results));
      if (flags.json) {
        const brief = results.map((r) => ({
          id: r.id,
          name: r.name,
          ok: r.ok,
          ms: Math.round(r.ms),
          error: r.error,
          steps: r.steps.map((s) => ({
            name: s.name,
            kind: s.kind,
            ok: s.ok,
            failures: s.failures,
            summary: s.summary,
            tx: s.outcomes.map((o) => o.tx),
          })),
        }));
        process.stdout.write(`${JSON.stringify({ ok: failed === 0, passed, failed, results: brief }, null, 2)}\n`);
      } else log(`${failed ? t.bad(`${passed} passed, ${failed} failed`) : t.ok(`${passed} passed, ${failed} failed`)}`);
      process.exitCode = failed ? EXIT.rejected : EXIT.ok;
    });
}
