import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureDatabase, readProject } from '../src/project/load.js';
import { benchStream } from './tui.js';
const dir = mkdtempSync(join(tmpdir(), 'drv-'));
const project = await readProject(resolve('projects/northwind'));
const dbFile = join(dir, 't.sqlite');
ensureDatabase({ ...project, stateDir: dir, dbFile });
for (let i = 0; i < Number(process.env.N ?? 1); i++) {
  const r = await benchStream(dbFile, () => {});
  console.log(JSON.stringify({ ui: r.loopUi, bare: r.loopBare, input: r.input, frames: r.frames }, (k, v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v)));
}
