/**
 * `:login ALFKI` in the workbench, in a real pseudo-terminal: the Tables pane then shows what the
 * API's grants let ALFKI see — one customer, their orders — and what they may set; `:logout` shows
 * everything again.
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { KEY, runInPty, type Screen } from '../helpers/pty.js';

// a copy of Northwind inside the repository (its `import … from 'alsx'` resolves), with a working database of its own
const copy = join(ROOT, 'scratch', `login-${process.pid}`);
let screen: Screen | undefined;
afterAll(() => {
  screen?.kill();
  rmSync(copy, { recursive: true, force: true });
});

it('shows in the Tables pane only what the user logged in may see, and everything again after :logout', async () => {
  mkdirSync(join(ROOT, 'scratch'), { recursive: true });
  cpSync(join(ROOT, 'projects/northwind'), copy, { recursive: true, filter: (src) => !src.includes('.alsx') });
  screen = runInPty(['open', copy, '--port', '0', '--no-kafka'], { columns: 120, rows: 36 });
  await screen.waitFor(/Customer\s+47/);
  await screen.waitFor(/a●|api ●/);

  await screen.press(':', /^: ?$/m);
  await screen.press('login ALFKI', /^: ?login ALFKI/m);
  await screen.press(KEY.enter, 'logged in as ALFKI');
  await screen.waitFor(/^alsx · \S+ · ALFKI/m);
  await screen.waitFor(/Customer\s+1│/);
  expect(screen.text()).toMatch(/Order\s+6│/);
  expect(screen.text()).toMatch(/Product\s+77│/);

  // the grid: ALFKI alone; their detail lists their six orders
  await screen.press('j', /^› Customer\s+1│/m);
  await screen.press(KEY.enter, /│› ALFKI Alfreds Futterkiste/);
  expect(screen.text()).not.toContain('ANATR');
  await screen.press(KEY.enter, /│› ↳ OrderList \(6\)/);
  // the form: what the grants let ALFKI change is open to typing, the credit limit is not
  await screen.press('e', 'Edit Customer ALFKI');
  await screen.waitFor(/CreditLimit\s+2300\.00 \(ALFKI may not set it\)/);
  await screen.press(KEY.esc, (text) => !text.includes('Edit Customer ALFKI'));

  await screen.press(':', /^: ?$/m);
  await screen.press('logout', /^: ?logout/m);
  await screen.press(KEY.enter, 'back to admin');
  await screen.press(KEY.esc, /Customer\s+47│/);
  screen.type('q');
  expect((await screen.exit).exitCode).toBe(0);
}, 120_000);
