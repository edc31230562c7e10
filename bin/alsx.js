#!/usr/bin/env node
// The `alsx` command. Sources and a project's own files (rules, models, config) are TypeScript,
// loaded through tsx, so there is no build step between editing a rule and running it.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// alsx's own compiler settings (the workbench's JSX among them), whichever folder it is run from;
// child runtimes inherit the setting
process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL('../tsconfig.json', import.meta.url));
register();
await import('../src/cli.ts');
