/**
 * Recording a scenario in the workbench and replaying it with one key: it passes; after its
 * expectation is edited in the file, the replay fails and shows the difference.
 */
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { KEY, runInPty, type Screen } from '../helpers/pty.js';

// a copy of Northwind inside the repository (its `import … from 'alsx'` resolves), without scenarios
const copy = join(ROOT, 'scratch', `record-${process.pid}`);
let screen: Screen | undefined;
afterAll(() => {
  screen?.kill();
  rmSync(copy, { recursive: true, force: true });
});

const pause = (ms = 150) => new Promise((r) => setTimeout(r, ms));

it('records a transaction as a scenario, replays it with enter (pass), and fails the replay after an expectation is edited', async () => {
  mkdirSync(join(ROOT, 'scratch'), { recursive: true });
  cpSync(join(ROOT, 'projects/northwind'), copy, {
    recursive: true,
    filter: (src) => !src.includes('.alsx') && !src.includes('scenarios'),
  });
  screen = runInPty(['open', copy, '--port', '0', '--no-kafka'], { columns: 120, rows: 36 });
  await screen.waitFor(/Customer\s+47/);
  await screen.waitFor(/a●|api ●/, 20_000);

  screen.type('R');
  await screen.waitFor('● REC 0');
  screen.type(':');
  await pause();
  screen.type(
    'tx [{"insert":"Order","values":{"CustomerId":"ALFKI","EmployeeId":5},"as":"o"},{"insert":"OrderDetail","values":{"OrderId":"$o.Id","ProductId":2,"Quantity":2}}]',
  );
  await pause();
  screen.type(KEY.enter);
  await screen.waitFor('✔ committed tx');
  screen.type(KEY.esc);
  await screen.waitFor('● REC 1');
  screen.type('R');
  await screen.waitFor('Name the scenario (1 steps');
  screen.type('Chang two');
  await pause();
  screen.type(KEY.enter);
  await screen.waitFor(/wrote .*chang-two\.yaml/);
  const file = join(copy, 'scenarios', 'chang-two.yaml');
  expect(readdirSync(join(copy, 'scenarios'))).toEqual(['chang-two.yaml']);
  expect(readFileSync(file, 'utf8')).toMatch(/Balance: 2140/);

  // replay with one key: it passes
  screen.type('5');
  await screen.waitFor('Chang two');
  screen.type(KEY.enter);
  await screen.waitFor(/passed in [\d.]+ s/, 20_000);
  expect(screen.text()).toMatch(/✔ Chang two/);

  // an expectation edited in the file: the replay fails and says how
  writeFileSync(file, readFileSync(file, 'utf8').replace('Balance: 2140', 'Balance: 2141'));
  screen.type('r');
  await pause();
  screen.type(KEY.enter);
  await screen.waitFor('Customer ALFKI Balance: expected 2141, got 2140', 20_000);
  await screen.waitFor(/✘ Chang two/);

  screen.type('q');
  expect((await screen.exit).exitCode).toBe(0);
}, 90_000);
