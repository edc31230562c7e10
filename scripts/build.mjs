// `npm run build` (run by `npm install` in a clone, and by `npm pack`): alsx's sources compiled to
// dist/ — declarations by tsc (which type-checks them too), JavaScript by esbuild.
//
// esbuild bundles each entry point (the CLI, the `alsx` and `alsx/config` modules a project
// imports, the child runtimes) with the code they share split into chunks, so each module has one
// instance; dynamic imports stay separate chunks, loaded when a command first needs them. Most
// packages are bundled in (they are devDependencies: needed to build, not to run): loading ink from
// node_modules costs ~500 modules (es-toolkit alone 415) and about half a second; bundled, a tenth
// of that. package.json's `dependencies` stay imports: the native ones, the one a project's own
// modules share with alsx (drizzle-orm), and those that read files next to themselves or load
// lazily anyway.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const EXTERNAL = Object.keys(JSON.parse(readFileSync(`${root}/package.json`, 'utf8')).dependencies);

const started = performance.now();
rmSync(`${root}/dist`, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
} catch {
  process.exit(1); // tsc has printed the errors
}

const children = readdirSync(`${root}/src/runtime/children`).map((f) => `src/runtime/children/${f}`);
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli.ts', 'src/index.ts', 'src/project/config.ts', 'src/api/security/bcrypt-worker.ts', ...children],
  outdir: 'dist',
  outbase: 'src',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  jsx: 'automatic',
  external: [...EXTERNAL, ...EXTERNAL.map((p) => `${p}/*`)],
  // ink's developer tools, used only with DEV=true, are not a dependency
  alias: { 'react-devtools-core': './scripts/no-devtools.mjs' },
  // CommonJS packages bundled into ES modules still call require() for Node's own modules
  banner: { js: "import { createRequire as __alsxRequire } from 'node:module'; const require = __alsxRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
process.stderr.write(`built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
