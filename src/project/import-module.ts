/**
 * Imports a project's own files (alsx.config.ts, models.ts, rules, grants, endpoints, mappings,
 * admin.ts): TypeScript, with no build step for the user.
 *
 * alsx runs compiled (dist/, as built and installed): the project's files are compiled too, once,
 * and imported natively (modules.ts). Run from its own sources (its tests, the bench), alsx is
 * already under a TypeScript loader: the files are imported as they are, with `alsx` and
 * `drizzle-orm` resolved from this installation when the project has none (imports-hook.mjs).
 */
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { importCompiled } from './modules.js';

/** alsx runs from dist/*.js (built, installed) or from src/*.ts (its own tests) */
export const RUNS_COMPILED = !import.meta.url.endsWith('.ts');

let hooked = false;

export function importProjectModule(projectDir: string, stateDir: string, file: string): Promise<unknown> {
  if (RUNS_COMPILED) return importCompiled(projectDir, stateDir, file);
  if (!hooked) {
    register('./imports-hook.mjs', import.meta.url);
    hooked = true;
  }
  return import(pathToFileURL(file).href);
}
