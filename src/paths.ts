/**
 * Where alsx is installed: the folder of its package.json, found by walking up from this module
 * (src/ when alsx runs from its sources, a chunk somewhere in dist/ when it runs compiled).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackage(): { root: string; version: string } {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'alsx') return { root: dir, version: pkg.version };
    }
    if (dirname(dir) === dir) throw new Error(`alsx cannot find its own package.json above ${fileURLToPath(import.meta.url)}`);
  }
}

const found = findPackage();

/** the folder alsx is installed in (a clone, or node_modules/alsx) */
export const ALSX_ROOT = found.root;
export const ALSX_VERSION = found.version;
