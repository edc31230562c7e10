#!/usr/bin/env node
// The `alsx` command. Sources and a project's own files (rules, models, config) are TypeScript,
// loaded through tsx, so there is no build step between editing a rule and running it.
import { register } from 'tsx/esm/api';

register();
// a project anywhere on disk finds `alsx` and `drizzle-orm` in this installation
await import('../src/project/register-imports.mjs');
await import('../src/cli.ts');
