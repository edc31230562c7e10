/**
 * Many tests run the real command (bin/alsx.js), which runs the compiled dist/. `npm test` builds
 * first; a developer running `npx vitest run <file>` after editing src/ gets a build here, so no
 * test runs yesterday's alsx.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

export function setup(): void {
  const built = join(ROOT, 'dist', 'cli.js');
  const sources = Math.max(newest(join(ROOT, 'src')), statSync(join(ROOT, 'package.json')).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  process.stderr.write('dist/ is older than src/: building it first (npm run build)\n');
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
