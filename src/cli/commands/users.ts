/**
 * `alsx users …`: a project's logins — give a user (an admin of grants.ts, or a row user such as a
 * customer) a password of their own, end every token a user holds, list who can log in, set the
 * attributes grant filters read. Kept in the project's database (`_alsx_users`), so a running
 * `alsx serve` sees each change at the user's next request.
 */
import type { Command } from 'commander';
import type { OpenProject } from '../../project/load.js';
import type { Auth } from '../../api/security/auth.js';
import { theme, warn } from '../color.js';
import { CliError } from '../exit.js';
import { parseJson } from '../input.js';

interface ProjectFlags {
  db?: string;
}

export function registerUsers(program: Command): void {
  const users = program
    .command('users')
    .summary("a project's logins: set a password, end a user's tokens, list users")
    .description(
      "Manage a project's logins, kept in its database (the _alsx_users table): passwords of users named in security/grants.ts " +
        "and of row users (one per customer), each user's token version and attributes. A running alsx serve sees a change at the user's next request.\n\n" +
        'Passwords are read from the terminal without echo, or from stdin with --password-stdin; never from the command line.',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  alsx users set-password projects/northwind ALFKI\n  printf %s "$NEW_PASSWORD" | alsx users set-password projects/northwind ALFKI --password-stdin\n  alsx users revoke projects/northwind ALFKI\n  alsx users list projects/northwind --json',
    );

  users
    .command('set-password')
    .summary('give a user a new password (and end the tokens they hold)')
    .description(
      'Give a user a new password: a user of security/grants.ts (the new one replaces the hash there) or a row user such as a customer. ' +
        'Every token the user holds stops working. A new password has at least 8 characters.\n\n' +
        'The password is asked for on the terminal (twice, not shown), or read from stdin with --password-stdin (its first line).',
    )
    .argument('<project>', 'project folder')
    .argument('<user>', 'the user name (for a row user: the value of its column, e.g. a customer Id)')
    .option('--password-stdin', 'read the new password from stdin instead of asking for it')
    .option('--db <path>', "another SQLite file with the same tables instead of the project's working database")
    .action(async (dir: string, name: string, flags: ProjectFlags & { passwordStdin?: boolean }) => {
      const password = flags.passwordStdin ? await passwordFromStdin() : await passwordFromTerminal(name);
      await withAuth(dir, flags, async (auth) => {
        await asUserError(() => auth.setPassword(name, password));
        process.stdout.write(`${theme().ok('✔')} ${name}: password set; tokens made before now no longer work\n`);
      });
    });

  users
    .command('revoke')
    .summary('end every token a user holds (they log in again)')
    .description("End every token the user holds, at once, in every process serving the project: the user's token version goes up.")
    .argument('<project>', 'project folder')
    .argument('<user>', 'the user name')
    .option('--db <path>', "another SQLite file with the same tables instead of the project's working database")
    .action(async (dir: string, name: string, flags: ProjectFlags) => {
      await withAuth(dir, flags, async (auth) => {
        await asUserError(async () => auth.revoke(name));
        process.stdout.write(`${theme().ok('✔')} ${name}: every token made before now no longer works\n`);
      });
    });

  users
    .command('list')
    .summary('list the users who can log in, and where their passwords come from')
    .description(
      'List the users of security/grants.ts and every user with credentials in the database: kind (fixed: named in grants.ts; row: a row user such as a customer; ' +
        'orphan: credentials of a row that is gone), roles, where the password comes from, token version, last change. Row users without a password are counted, not listed.',
    )
    .argument('<project>', 'project folder')
    .option(
      '--json',
      'print {users: [{name, kind, roles, password, tokenVersion, updatedAt, attributes}], withoutPassword: [{table, count}]}',
    )
    .option('--db <path>', "another SQLite file with the same tables instead of the project's working database")
    .action(async (dir: string, flags: ProjectFlags & { json?: boolean }) => {
      await withAuth(dir, flags, async (auth) => {
        const listing = auth.list();
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
          return;
        }
        const t = theme();
        const width = Math.max(4, ...listing.users.map((u) => u.name.length));
        for (const u of listing.users)
          process.stdout.write(
            `${u.name.padEnd(width)}  ${u.kind.padEnd(6)}  ${(u.roles.join(',') || '-').padEnd(10)}  ${
              u.password ? `password from ${u.password}` : t.warn('no password')
            }${t.dim(`  tokens v${u.tokenVersion}${u.updatedAt ? `, changed ${u.updatedAt}` : ''}`)}${
              Object.keys(u.attributes).length ? t.dim(`  ${JSON.stringify(u.attributes)}`) : ''
            }\n`,
          );
        for (const w of listing.withoutPassword)
          if (w.count)
            process.stdout.write(t.dim(`${w.count} ${w.table} row${w.count === 1 ? '' : 's'} without a password (they cannot log in)\n`));
      });
    });

  users
    .command('set-attributes')
    .summary('set the attributes a user carries (what grant filters read)')
    .description(
      'Set the attributes of a user — a JSON object such as {"region": "WA"} — kept in the database and carried in their tokens: ' +
        "grant filters read them as u.attributes. The user's tokens end (they carry the old attributes): they log in again.",
    )
    .argument('<project>', 'project folder')
    .argument('<user>', 'the user name')
    .argument('<json>', 'the attributes, a JSON object')
    .option('--db <path>', "another SQLite file with the same tables instead of the project's working database")
    .action(async (dir: string, name: string, json: string, flags: ProjectFlags) => {
      const attributes = parseJson(json, 'the attributes');
      if (!attributes || typeof attributes !== 'object' || Array.isArray(attributes))
        throw new CliError('the attributes are a JSON object, e.g. \'{"region": "WA"}\'');
      await withAuth(dir, flags, async (auth) => {
        await asUserError(async () => auth.setAttributes(name, attributes as Record<string, never>));
        process.stdout.write(`${theme().ok('✔')} ${name}: attributes set; the user logs in again to carry them\n`);
      });
    });
}

async function withAuth(dir: string, flags: ProjectFlags, run: (auth: Auth) => Promise<void>): Promise<void> {
  const { openProject } = await import('../../project/load.js');
  const { Auth, loadSecurity } = await import('../../api/security/auth.js');
  const project: OpenProject = await openProject(dir, { db: flags.db });
  try {
    const config = await loadSecurity(project);
    if (!config.enabled) warn([`security is off in ${project.name} (security/grants.ts enabled: false): the API asks nobody to log in`]);
    await run(new Auth(project, config));
  } finally {
    project.close();
  }
}

async function asUserError<T>(f: () => Promise<T>): Promise<T> {
  const { UserError } = await import('../../api/security/auth.js');
  try {
    return await f();
  } catch (e) {
    if (e instanceof UserError) throw new CliError(e.message);
    throw e;
  }
}

async function passwordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliError('--password-stdin reads the password from a pipe; without it, alsx asks for it');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (!password) throw new CliError('no password on stdin');
  return password;
}

async function passwordFromTerminal(name: string): Promise<string> {
  if (!process.stdin.isTTY)
    throw new CliError('no terminal to ask the password on: pipe it in with --password-stdin (never on the command line)');
  const { password } = await import('@inquirer/prompts');
  const first = await password({ message: `New password for ${name}` });
  const again = await password({ message: 'The same again' });
  if (first !== again) throw new CliError('the two passwords differ; nothing was changed');
  return first;
}
