/** Runs the real `alsx` command in a child process, as a user's shell would. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
const BIN = resolve(ROOT, 'bin/alsx.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `timeout`: how long before the command is killed (a generous 4 min: it bounds a hang, not the command's speed) */
export function alsx(
  args: string[],
  options: { input?: string; env?: Record<string, string | undefined>; timeout?: number } = {},
): CliResult {
  // a user's shell: not inside an npm script (npm test sets npm_command, which alsx reads to say npx alsx)
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
    npm_command: undefined,
    ...options.env,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    input: options.input ?? '',
    env,
    encoding: 'utf8',
    timeout: options.timeout ?? 240_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
