/** The command alsx's next steps print: one that runs this alsx from where the user is. */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { howToRun } from '../../src/cli/how-to-run.js';
import { ROOT } from '../helpers/cli.js';

const bin = mkdtempSync(join(tmpdir(), 'alsx-path-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

it('says npx alsx when run through npx', () => {
  expect(howToRun(ROOT, { npm_command: 'exec', PATH: '' })).toBe('npx alsx');
});

it('says alsx when that name on the PATH is this alsx (npm install -g, npm link)', () => {
  symlinkSync(join(ROOT, 'bin', 'alsx.js'), join(bin, 'alsx'));
  expect(howToRun('/', { PATH: `/nonexistent:${bin}` })).toBe('alsx');
});

it('names bin/alsx.js when no alsx on the PATH is this one: relative from near, absolute from far', () => {
  expect(howToRun(ROOT, { PATH: '/usr/bin' })).toBe('node bin/alsx.js');
  expect(howToRun(join(ROOT, 'projects', 'northwind'), { PATH: '' })).toBe('node ../../bin/alsx.js');
  expect(howToRun(join(bin, 'a', 'b', 'c'), { PATH: '' })).toBe(`node ${join(ROOT, 'bin', 'alsx.js')}`);
});
