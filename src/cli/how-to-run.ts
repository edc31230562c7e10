/**
 * The command that runs this alsx from where the user is, for the next steps alsx prints:
 * `npx alsx` when run through npx (inside a clone), `alsx` when that name on the PATH is this
 * installation (npm install -g, npm link), else `node <path to bin/alsx.js>`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { ALSX_ROOT } from '../paths.js';

export function howToRun(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  if (env.npm_command === 'exec') return 'npx alsx';
  const bin = join(ALSX_ROOT, 'bin', 'alsx.js');
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'alsx');
    try {
      if (existsSync(candidate) && realpathSync(candidate) === realpathSync(bin)) return 'alsx';
    } catch {
      // an unreadable folder on the PATH
    }
  }
  const rel = relative(cwd, bin);
  return `node ${rel.startsWith('..') && rel.split('/').filter((p) => p === '..').length > 2 ? bin : rel}`;
}
