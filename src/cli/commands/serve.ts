/** `alsx serve <project>`: the JSON:API and custom endpoints, headless. */
import type { Command } from 'commander';
import { openProject } from '../../project/load.js';
import { theme, warn } from '../color.js';
import { CliError, EXIT } from '../exit.js';
import { readInput } from '../input.js';

interface ServeFlags { port?: string; host?: string; db?: string; verbose?: boolean }

export function registerServe(program: Command): void {
  program
    .command('serve')
    .summary("serve the project's JSON:API (every write through the rules)")
    .description(
      "Serve the project's API: a JSON:API for every table at /api/<Table>, the project's custom endpoints, " +
        'login at POST /api/auth/login, an OpenAPI document at /api/openapi.json and docs at /api/docs. ' +
        'Every write runs through the rules in one transaction.\n\nStops on Ctrl-C (SIGINT) or SIGTERM.',
    )
    .argument('<project>', 'project folder, e.g. projects/northwind')
    .option('--port <port>', 'port to listen on (default: the project config, else 5656; 0 picks a free one)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--db <path>', "serve another SQLite file with the same tables instead of the project's working database")
    .option('--verbose', 'log every request')
    .action(async (dir: string, flags: ServeFlags) => {
      const { serve } = await import('../../api/server.js'); // express loads only for this command
      const project = await openProject(dir, { db: flags.db });
      warn(project.warnings);
      const port = parsePort(flags.port ?? String(project.config.api?.port ?? 5656));
      const host = flags.host ?? project.config.api?.host ?? '127.0.0.1';
      let server;
      try {
        server = await serve(project, { port, host, log: flags.verbose ? (line) => process.stdout.write(`${line}\n`) : undefined });
      } catch (e) {
        project.close();
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new CliError(`port ${port} on ${host} is taken (another alsx serve?); choose one with --port, or --port 0 for any free port`);
        if (code === 'EACCES') throw new CliError(`not allowed to listen on ${host}:${port}; use a port above 1024`);
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new CliError(`--host ${host} is not an address of this machine`);
        throw e;
      }
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      const t = theme();
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}/api`;
      process.stdout.write(`${t.ok('✔')} ${project.name}: API on ${t.title(url)}  ${t.dim(`docs ${url}/docs · OpenAPI ${url}/openapi.json`)}\n`);
      const stop = (): void => {
        server.close(() => {
          project.close();
          process.exit(EXIT.ok);
        });
        setTimeout(() => process.exit(EXIT.ok), 2000).unref();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await new Promise(() => {}); // runs until stopped
    });

  program
    .command('hash-password')
    .summary('print a bcrypt hash of a password, for security/grants.ts')
    .description('Print a bcrypt hash (cost 10) of the password given on stdin, for a user in security/grants.ts.')
    .argument('[password]', 'the password (or - / nothing to read it from stdin, which keeps it out of your shell history)')
    .action(async (password: string | undefined) => {
      const text = password && password !== '-' ? password : (await readInput('-', 'the password')).replace(/\r?\n$/, '');
      if (!text) throw new CliError('give a password (on stdin, or as an argument)');
      const { default: bcrypt } = await import('bcryptjs');
      process.stdout.write(`${await bcrypt.hash(text, 10)}\n`);
    });
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new CliError(`--port ${text}: a port is a number from 0 to 65535`);
  return Number(text);
}
