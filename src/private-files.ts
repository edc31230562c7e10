/**
 * A project's runtime state is its owner's alone: the working database (and its -wal/-shm), the
 * traces, the broker's logs, the JWT secret and the compiled modules under `.alsx/` are created
 * mode 600, their folders 700 — whatever the umask — and a state folder made before that is
 * tightened when the project is opened.
 *
 * Not a umask for the whole CLI: `alsx create` and the scenario recorder write the project's own
 * files, which are meant to be shared (and committed) as usual.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/** `mkdir -p` with every folder it makes (and `dir` itself) 700 */
export function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  chmodQuiet(dir, PRIVATE_DIR);
  return dir;
}

/** a file some library created with its own mode (SQLite, esbuild): 600 now */
export function privateFile(file: string): void {
  chmodQuiet(file, PRIVATE_FILE);
}

/**
 * Every file under `root` 600 and every folder 700 (symbolic links are left alone): a state folder
 * written by an older alsx, or copied in with other permissions. Only what differs is changed.
 */
export function privateTree(root: string): void {
  let entries: string[];
  try {
    const s = lstatSync(root);
    if (!s.isDirectory()) {
      if (s.isFile() && (s.mode & 0o777) !== PRIVATE_FILE) chmodQuiet(root, PRIVATE_FILE);
      return;
    }
    if ((s.mode & 0o777) !== PRIVATE_DIR) chmodQuiet(root, PRIVATE_DIR);
    entries = readdirSync(root);
  } catch {
    return; // not there (yet), or gone meanwhile
  }
  for (const name of entries) privateTree(join(root, name));
}

function chmodQuiet(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch (e) {
    // gone meanwhile (a broker segment removed by retention), or not ours to change: leave it
    if (!['ENOENT', 'EPERM'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  }
}
