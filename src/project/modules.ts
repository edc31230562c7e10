/**
 * A project's TypeScript (alsx.config.ts, models.ts, rules, grants, endpoints, mappings, admin.ts)
 * compiled to JavaScript once and then imported natively.
 *
 * alsx itself runs compiled; loading the project through a module hook (tsx) would send every
 * later import of the process through Node 20's loader thread — about half a second at each start.
 * Instead, as Vite loads vite.config.ts, esbuild bundles the folder's .ts files (one entry each,
 * shared code in chunks, so models.ts is one module for all of them) into
 * <state>/modules/<key>/, keeping each file's own `import.meta.url` and an inline source map (stack
 * traces, and the file:line of a rule in error messages, name the .ts source). Bare imports stay
 * imports: of the project's own package when it has one (its node_modules), else of this alsx
 * installation's (`alsx`, `drizzle-orm`) — written out as file URLs, so a project anywhere on disk
 * runs without node_modules of its own.
 *
 * The key covers every source's size and modification time and alsx's own build: an edited rule
 * rebuilds (tens of milliseconds), an unchanged project costs a few stat calls.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { privateDir, privateTree } from '../private-files.js';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { ProjectError } from './errors.js';

const SOURCE = /\.(?:m?ts|tsx)$/;
const SKIP_DIRS = new Set(['node_modules', 'db', 'scenarios']);
const BUILD_ID = fileURLToPath(import.meta.url) + statSync(fileURLToPath(import.meta.url)).mtimeMs;
/** builds other processes may still be importing from are removed only after this long */
const PRUNE_AFTER_MS = 10 * 60_000;

interface Build {
  outDir: string;
  entries: Set<string>;
}

const builds = new Map<string, Promise<Build>>();

/** the compiled module of one of the project's files, built (once per process) if the sources changed */
export async function importCompiled(projectDir: string, stateDir: string, file: string): Promise<unknown> {
  let build = builds.get(projectDir);
  if (!build) {
    build = compileProject(projectDir, stateDir);
    builds.set(projectDir, build);
    build.catch(() => builds.delete(projectDir)); // a fixed file is tried again
  }
  const { outDir, entries } = await build;
  const rel = relative(projectDir, file);
  if (!entries.has(file)) throw new ProjectError(`${rel} is not a TypeScript file inside the project folder ${projectDir}`);
  return import(pathToFileURL(join(outDir, rel.replace(SOURCE, '.mjs'))).href);
}

/** every .ts file of the project, with its size and time (the cache key) */
function sources(dir: string, out: Map<string, string> = new Map()): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && !SKIP_DIRS.has(entry.name)) sources(path, out);
    } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      const s = statSync(path);
      out.set(path, `${s.size}:${s.mtimeMs}`);
    }
  }
  return out;
}

async function compileProject(projectDir: string, stateDir: string): Promise<Build> {
  const files = sources(projectDir);
  const key = createHash('sha256')
    .update(BUILD_ID)
    .update(JSON.stringify([...files].sort()))
    .digest('hex')
    .slice(0, 16);
  const root = join(stateDir, 'modules');
  const outDir = join(root, key);
  const entries = new Set(files.keys());
  process.setSourceMapsEnabled(true); // errors and rule sites name the .ts file and line, not the bundle's
  if (existsSync(join(outDir, '.complete'))) return { outDir, entries };

  const { build } = await import('esbuild');
  const tmp = `${outDir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    await build({
      entryPoints: [...entries],
      outdir: tmp,
      outbase: projectDir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'silent',
      // the project's tsconfig.json is for editors (its paths name alsx's declaration files)
      tsconfigRaw: '{}',
      plugins: [bareImports(projectDir), ownImportMeta()],
    });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw new ProjectError(describeBuildError(e, projectDir));
  }
  writeFileSync(join(tmp, '.complete'), '');
  privateTree(tmp); // esbuild writes with the umask's modes
  privateDir(root);
  try {
    renameSync(tmp, outDir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process finished the same build first
  }
  prune(root, outDir);
  return { outDir, entries };
}

/**
 * `alsx`, `drizzle-orm` and any other package: external, at the file Node would load — from the
 * project's own node_modules when it has the package, else from this installation's.
 */
function bareImports(projectDir: string): Plugin {
  return {
    name: 'alsx-bare-imports',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'alsx-probe' || /^[a-z]+:/i.test(args.path)) return undefined;
        if (!insideNodeModules(args.importer) && hasOwnCopy(args.path, args.resolveDir, projectDir)) {
          const local = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'alsx-probe' });
          if (!local.errors.length) return { path: pathToFileURL(local.path).href, external: true };
        }
        try {
          return { path: import.meta.resolve(args.path), external: true };
        } catch {
          return { errors: [{ text: `cannot find package ${JSON.stringify(args.path)}: install it in the project (npm install)` }] };
        }
      });
    },
  };
}

const insideNodeModules = (file: string): boolean => file.split(sep).includes('node_modules');

/** the project (or a folder above it, up to the filesystem's root) has node_modules/<package> */
function hasOwnCopy(specifier: string, from: string, projectDir: string): boolean {
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  for (let dir = resolve(from ?? projectDir); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', name, 'package.json'))) return true;
    if (dirname(dir) === dir) return false;
  }
}

/** each source keeps its own import.meta.url / dirname / filename, not the bundle's */
function ownImportMeta(): Plugin {
  return {
    name: 'alsx-own-import-meta',
    setup(build) {
      build.onLoad({ filter: SOURCE }, (args) => {
        if (insideNodeModules(args.path)) return undefined;
        const own: Record<string, string> = {
          url: pathToFileURL(args.path).href,
          dirname: dirname(args.path),
          filename: args.path,
        };
        const contents = readFileSync(args.path, 'utf8').replace(/\bimport\.meta\.(url|dirname|filename)\b/g, (_, p: string) =>
          JSON.stringify(own[p]),
        );
        return { contents, loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts' };
      });
    },
  };
}

/** esbuild's first error as people read it: logic/rules.ts:12:4: Expected ")" but found "}" */
function describeBuildError(e: unknown, projectDir: string): string {
  const errors = (e as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors;
  const first = errors?.[0];
  if (!first) return `compiling the project's TypeScript failed: ${(e as Error).message}`;
  const at = first.location
    ? `${relative(projectDir, resolve(first.location.file))}:${first.location.line}:${first.location.column}: `
    : '';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `${at}${first.text}${more}`;
}

/** removes builds of older sources, once no process can still be loading modules from them */
function prune(root: string, keep: string): void {
  const now = Date.now();
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (path === keep) continue;
    try {
      if (now - statSync(path).mtimeMs > PRUNE_AFTER_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // another process pruned it first
    }
  }
}
