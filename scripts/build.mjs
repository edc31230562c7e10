// `npm run build`: compiles alsx's sources (src/) to JavaScript and declarations in dist/ with tsc,
// and copies the one file that is JavaScript already (the module-resolution hook). Incremental:
// a build with nothing changed takes a second or two.
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
} catch {
  process.exit(1); // tsc has printed the errors
}
copyFileSync(new URL('src/project/imports-hook.mjs', root), new URL('dist/project/imports-hook.mjs', root));
