/** `alsx serve <project>`: the JSON:API and custom endpoints, headless. */
import type { Command } from 'commander';
import { theme } from '../color.js';
import { CliError, EXIT } from '../exit.js';
import { readInput } from '../input.js';

interface ServeFlags {
  port?: string;
  host?: string;
  db?: string;
  verbose?: boolean;
  kafka: boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .summary('run the project: its API, Kafka broker and workers (every write through the rules)')
    .description(
      "Run the project headless: the API (a JSON:API for every table at /api/<Table>, the project's custom endpoints, " +
        'request/reply at /api/rpc/<service>/<method>, login at POST /api/auth/login, OpenAPI at /api/openapi.json, docs at /api/docs), ' +
        'the embedded Kafka broker (unless KAFKA_BROKERS or the project names a cluster) and the Kafka workers ' +
        '(outbox relay, topic consumers, request/reply services) — each a child process, started again if it dies. ' +
        'Every write runs through the rules in one transaction.\n\nStops on Ctrl-C (SIGINT) or SIGTERM, with every child.',
    )
    .argument('<project>', 'project folder, e.g. projects/northwind')
    .option('--port <port>', 'port to listen on (default: the project config, else 5656; 0 picks a free one)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--db <path>', "serve another SQLite file with the same tables instead of the project's working database")
    .option('--no-kafka', 'the API alone: no broker, no workers')
    .option('--verbose', 'log every request and every consumed message')
    .action(async (dir: string, flags: ServeFlags) => {
      const { Supervisor, StartError } = await import('../../runtime/supervisor.js');
      const { readProject } = await import('../../project/load.js');
      const project = await readProject(dir);
      const port = parsePort(flags.port ?? String(project.config.api?.port ?? 5656));
      const host = flags.host ?? project.config.api?.host ?? '127.0.0.1';
      const t = theme();
      const supervisor = new Supervisor(project, {
        port,
        host,
        db: flags.db,
        verbose: flags.verbose,
        kafka: flags.kafka,
        autoRestart: true,
      });
      let up = false;
      supervisor.on('log', (name, line, level) => {
        if (!up && level === 'error') return; // a start-up failure is reported once, below
        if (level === 'info' && !flags.verbose) return; // the broker's and workers' chatter
        const text = `${t.dim(`[${name}]`)} ${level === 'error' ? t.bad(line) : level === 'warn' ? t.warn(line) : line}\n`;
        (level === 'info' ? process.stdout : process.stderr).write(text);
      });
      const stop = (): void => {
        setTimeout(() => process.exit(EXIT.ok), 6000).unref();
        void supervisor.stop().then(() => process.exit(EXIT.ok));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await supervisor.start();
      } catch (e) {
        await supervisor.stop();
        if (e instanceof StartError) throw new CliError(e.message);
        throw e;
      }
      up = true;
      const api = supervisor.children.get('api')!;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${api.port}/api`;
      process.stdout.write(
        `${t.ok('✔')} ${project.name}: API on ${t.title(url)}  ${t.dim(`docs ${url}/docs · OpenAPI ${url}/openapi.json`)}\n`,
      );
      if (flags.kafka) {
        const broker = supervisor.children.get('broker');
        const where = broker
          ? `${supervisor.kafkaDescription} on ${broker.address}${broker.status === 'shared' ? ` (shared, pid ${broker.pid})` : ''}`
          : supervisor.kafkaDescription;
        process.stdout.write(`${t.ok('✔')} Kafka: ${where}\n`);
        const workers = supervisor.children.get('workers')?.detail?.split('\n') ?? [];
        process.stdout.write(`${t.ok('✔')} workers: ${workers.join(`\n${' '.repeat(11)}`)}\n`);
      }
      await new Promise(() => {}); // runs until stopped
    });

  program
    .command('hash-password')
    .summary('print a password hash (scrypt), for a user in security/grants.ts')
    .description(
      'Print a salted scrypt hash ($scrypt$ln=15,r=8,p=1$…) of the password given on stdin, for a user in security/grants.ts. ' +
        '(bcrypt hashes made by older versions keep working.) To give a user a password without editing grants.ts — ' +
        'or a row user (a customer) one of their own — use alsx users set-password.',
    )
    .argument('[password]', 'the password (or - / nothing to read it from stdin, which keeps it out of your shell history)')
    .action(async (password: string | undefined) => {
      const text = password && password !== '-' ? password : (await readInput('-', 'the password')).replace(/\r?\n$/, '');
      if (!text) throw new CliError('give a password (on stdin, or as an argument)');
      const { hashPassword } = await import('../../api/security/passwords.js');
      process.stdout.write(`${await hashPassword(text)}\n`);
    });
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new CliError(`--port ${text}: a port is a number from 0 to 65535`);
  return Number(text);
}
