#!/usr/bin/env node
// The `alsx` command: alsx's compiled code (dist/, built by `npm run build`, which `npm install`
// runs in a clone). A project's own files stay TypeScript: alsx compiles them when it loads them.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('alsx: not built yet (no dist/cli.js); run npm run build in the alsx folder\n');
  process.exit(70);
}
await import(cli.href);
