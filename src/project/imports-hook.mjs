// Module-resolution hook (runs in Node's loader thread, so plain JavaScript), registered by
// load.ts before it imports a project's first module.
//
// A project's files import `alsx`, `alsx/config` and `drizzle-orm`; a project created with
// `alsx create` anywhere on disk has no node_modules of its own. When such an import cannot be
// resolved from the project, it is resolved from alsx's own installation instead. A project that
// installs these packages itself keeps its own copies.
const PACKAGE_URL = new URL('../../package.json', import.meta.url).href;
const FALLBACK = /^(alsx|drizzle-orm)(\/|$)/;

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (!FALLBACK.test(specifier) || error?.code !== 'ERR_MODULE_NOT_FOUND' || context.parentURL === PACKAGE_URL) throw error;
    return nextResolve(specifier, { ...context, parentURL: PACKAGE_URL });
  }
}
