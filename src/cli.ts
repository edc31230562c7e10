/** The `alsx` command: one registry of subcommands, each with --help; errors as messages with exit codes. */
import { Command, CommanderError } from 'commander';
import { ALSX_VERSION } from './paths.js';
import { ProjectError } from './project/errors.js';
import { BadInput } from './rules/errors.js';
import { registerTx } from './cli/commands/tx.js';
import { registerProjectTools } from './cli/commands/project-tools.js';
import { registerServe } from './cli/commands/serve.js';
import { registerBroker } from './cli/commands/broker.js';
import { registerTopics } from './cli/commands/topics.js';
import { registerOpen } from './cli/commands/open.js';
import { registerTest } from './cli/commands/test.js';
import { registerCreate } from './cli/commands/create.js';
import { registerUsers } from './cli/commands/users.js';
import { CliError, EXIT } from './cli/exit.js';
import { theme } from './cli/color.js';

export function buildProgram(): Command {
  const program = new Command('alsx')
    .description(
      'A terminal workbench for rule-based database apps: declarative rules (copy → formula → sum → constraint) ' +
        'that govern every write, made visible and testable.',
    )
    .version(ALSX_VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false, showGlobalOptions: false })
    .exitOverride();
  registerOpen(program);
  registerCreate(program);
  registerTx(program);
  registerTest(program);
  registerServe(program);
  registerTopics(program);
  registerBroker(program);
  registerProjectTools(program);
  registerUsers(program);
  program.addHelpText(
    'after',
    '\nExamples:\n  alsx create --db app.sqlite projects/app\n  alsx open projects/northwind\n  alsx serve projects/northwind --port 5656\n  alsx produce projects/northwind order_b2b --sample\n  alsx tail projects/northwind order_shipping --from-beginning\n  alsx tx projects/northwind order.json --dry-run\n  alsx rules projects/northwind\n  alsx check projects/northwind\n  alsx users set-password projects/northwind ALFKI\n\nEach command has --help. Exit codes: 0 ok, 1 rejected by a rule (or drift found), 2 bad input.',
  );
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(e.code) || e.exitCode === 0
        ? EXIT.ok
        : EXIT.badInput;
    }
    // Ctrl-C at a question (the project picker, alsx create's, a password): the person chose to stop
    if ((e as Error)?.name === 'ExitPromptError') {
      process.stderr.write('\n');
      return EXIT.interrupted;
    }
    const known = e instanceof CliError || e instanceof ProjectError || e instanceof BadInput;
    const message = e instanceof Error ? e.message : String(e);
    if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ ok: false, error: { kind: 'bad-input', message } })}\n`);
    process.stderr.write(`${theme(false).bad('alsx: ')}${known ? message : ((e as Error).stack ?? message)}\n`);
    return e instanceof CliError ? e.exitCode : known ? EXIT.badInput : EXIT.internal;
  }
}

// `alsx … | head`: the reader went away; that is the end of the output, not an error
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2));
