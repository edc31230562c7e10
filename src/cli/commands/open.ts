/** `alsx open [project]`: the workbench, full screen. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { colorEnabled } from '../color.js';
import { CliError, EXIT } from '../exit.js';

interface OpenFlags {
  port?: string;
  kafka: boolean;
  traces?: string;
}

export function registerOpen(program: Command): void {
  program
    .command('open')
    .summary('open the workbench: tables, live rule traces, topics, runtimes')
    .description(
      "Open the project's workbench, full screen: it starts the project's runtimes (embedded broker, API, Kafka workers) as " +
        "child processes and shows every table, every transaction's rule chain live, the topics and the runtimes' logs. " +
        'Press ? inside for every key, : for the command line, q to quit (which stops every runtime).\n\n' +
        'Without a project, it asks which one of ./projects to open.',
    )
    .argument('[project]', 'project folder, e.g. projects/northwind')
    .option('--port <port>', "the API's port (default: the project config, else 5656; 0 picks a free one)")
    .option('--no-kafka', 'no broker and no workers: tables, API and traces only')
    .option('--traces <file>', "also show a past run's transactions (a .alsx/traces.jsonl)")
    .action(async (dir: string | undefined, flags: OpenFlags) => {
      if (!process.stdout.isTTY || !process.stdin.isTTY)
        throw new CliError('alsx open needs a terminal; for scripts and CI use alsx serve, alsx tx and alsx test');
      if (flags.port !== undefined && (!/^\d{1,5}$/.test(flags.port) || Number(flags.port) > 65535))
        throw new CliError(`--port ${flags.port}: a port is a number from 0 to 65535`);
      if (flags.traces && !existsSync(flags.traces)) throw new CliError(`--traces ${flags.traces}: no such file`);
      const project = dir ?? (await chooseProject());
      if (!colorEnabled()) process.env.FORCE_COLOR = '0'; // NO_COLOR: ink's colours off too
      const { openWorkbench } = await import('../../tui/workbench.js');
      process.exitCode = await openWorkbench(project, {
        port: flags.port === undefined ? undefined : Number(flags.port),
        kafka: flags.kafka,
        color: colorEnabled(),
        traces: flags.traces,
      });
      if (process.exitCode === EXIT.ok) process.exit(EXIT.ok); // kafkajs timers must not keep a quit workbench alive
    });
}

/** a wizard where a pane would not do: which project? */
async function chooseProject(): Promise<string> {
  const root = 'projects';
  const found = existsSync(root)
    ? readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory() && existsSync(join(root, d, 'alsx.config.ts')))
    : [];
  if (found.length === 0)
    throw new CliError('no project given and none in ./projects; run alsx open <project folder>, or create one with alsx create');
  const { select } = await import('@inquirer/prompts');
  return select({ message: 'Open which project?', choices: found.map((d) => ({ name: d, value: join(root, d) })) });
}
