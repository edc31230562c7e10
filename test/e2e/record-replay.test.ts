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

it('records a transaction as a scenario, replays it with enter (pass), and fails the replay after an expectation is edited', async () => {
  mkdirSync(join(ROOT, 'scratch'), { recursive: true });
  cpSync(join(ROOT, 'projects/northwind'), copy, {
    recursive: true,
    filter: (src) => !src.includes('.alsx') && !src.includes('scenarios'),
  });
  screen = runInPty(['open', copy, '--port', '0', '--no-kafka'], { columns: 120, rows: 36 });
  await screen.waitFor(/Customer\s+47/);
  await screen.waitFor(/a●|api ●/);

  // each key waits for the screen to show what it did (keys typed faster arrive as one paste)
  await screen.press('R', '● REC 0');
  await screen.press(':', /^: ?$/m);
  await screen.press(
    'tx [{"insert":"Order","values":{"CustomerId":"ALFKI","EmployeeId":5},"as":"o"},{"insert":"OrderDetail","values":{"OrderId":"$o.Id","ProductId":2,"Quantity":2}}]',
    '"ProductId":2,"Quantity":2}}]',
  );
  await screen.press(KEY.enter, '✔ committed tx');
  expect(screen.text()).toContain('● REC 1');
  await screen.press(KEY.esc, (text) => !text.includes('✔ committed tx')); // the command's output closed
  await screen.press('R', 'Name the scenario (1 steps');
  await screen.press('Chang two', 'Name the scenario (1 steps; esc: keep recording): Chang two');
  await screen.press(KEY.enter, /wrote .*chang-two\.yaml/);
  const file = join(copy, 'scenarios', 'chang-two.yaml');
  expect(readdirSync(join(copy, 'scenarios'))).toEqual(['chang-two.yaml']);
  expect(readFileSync(file, 'utf8')).toMatch(/Balance: 2140/);

  // replay with one key: it passes
  await screen.press('5', /^› +Chang two/m);
  await screen.press(KEY.enter, /passed in [\d.]+ s/);
  expect(screen.text()).toMatch(/✔ Chang two/);

  // an expectation edited in the file (and the name, which shows that r re-read it): the replay
  // fails and says how
  writeFileSync(
    file,
    readFileSync(file, 'utf8')
      .replace('Balance: 2140', 'Balance: 2141')
      .replace(/^name: Chang two$/m, 'name: Chang two, edited'),
  );
  await screen.press('r', 'Chang two, edited');
  await screen.press(KEY.enter, 'Customer ALFKI Balance: expected 2141, got 2140');
  await screen.waitFor(/✘ Chang two, edited/);

  // a recording still running when the workbench is left (here Ctrl-C) is saved, and it says where
  await screen.press('R', '● REC 0');
  await screen.press(':', /^: ?$/m);
  await screen.press('tx [{"update":"Customer","key":"ALFKI","set":{"Fax":"030-0076545"}}]', '"Fax":"030-0076545"}}]');
  await screen.press(KEY.enter, '✔ committed tx');
  await screen.waitFor('● REC 1');
  screen.type(KEY.ctrlC);
  expect((await screen.exit).exitCode).toBe(0);
  expect(screen.text()).toMatch(/the recording in progress \(1 step\) was saved as .*unsaved-recording\.yaml/);
  // it began after Chang two's order was placed: that order is its start
  expect(readdirSync(join(copy, 'scenarios')).sort()).toEqual(['chang-two.yaml', 'unsaved-recording.start.sql', 'unsaved-recording.yaml']);
  expect(readFileSync(join(copy, 'scenarios', 'unsaved-recording.yaml'), 'utf8')).toContain('030-0076545');
}, 180_000);

it('replays a recording started mid-session: the rows made before R become its start fixture', async () => {
  const midCopy = join(ROOT, 'scratch', `record-mid-${process.pid}`);
  cpSync(join(ROOT, 'projects/northwind'), midCopy, {
    recursive: true,
    filter: (src) => !src.includes('.alsx') && !src.includes('scenarios'),
  });
  try {
    const mid = runInPty(['open', midCopy, '--port', '0', '--no-kafka'], { columns: 120, rows: 36 });
    screen = mid;
    await mid.waitFor(/Customer\s+47/);
    await mid.waitFor(/a●|api ●/);

    // before recording: an order
    await mid.press(':', /^: ?$/m);
    await mid.press('tx [{"insert":"Order","values":{"CustomerId":"ALFKI","EmployeeId":5}}]', '"EmployeeId":5}}]');
    await mid.press(KEY.enter, /insert Order \d+:/);
    const order = /insert Order (\d+):/.exec(mid.text())![1]!;
    await mid.press(KEY.esc, (text) => !text.includes('insert Order'));

    // recorded: an item added to that order
    await mid.press('R', '● REC 0');
    expect(mid.text()).toContain('recording from the rows as they are now');
    await mid.press(':', /^: ?$/m);
    await mid.press(`tx [{"insert":"OrderDetail","values":{"OrderId":${order},"ProductId":2,"Quantity":2}}]`, '"Quantity":2}}]');
    await mid.press(KEY.enter, '✔ committed tx');
    await mid.press(KEY.esc, (text) => !text.includes('✔ committed tx'));
    await mid.press('R', 'Name the scenario (1 steps');
    await mid.press('Item on an earlier order', 'Item on an earlier order');
    await mid.press(KEY.enter, /wrote .*item-on-an-earlier-order\.yaml/);
    // the replay starts where the recording did, so the item finds its order
    await mid.press('5', /^› +Item on an earlier order/m);
    await mid.press(KEY.enter, /passed in [\d.]+ s|failed/);
    expect(mid.text()).toMatch(/✔ Item on an earlier order/);
    // … from the fixture written beside it, holding the order made before R
    const scenario = readFileSync(join(midCopy, 'scenarios', 'item-on-an-earlier-order.yaml'), 'utf8');
    expect(scenario).toMatch(/start:\s+fixture: item-on-an-earlier-order\.start\.sql/);
    expect(readFileSync(join(midCopy, 'scenarios', 'item-on-an-earlier-order.start.sql'), 'utf8')).toMatch(
      new RegExp(`INSERT INTO "Order" \\("Id", .*VALUES \\(${order}, 'ALFKI'`),
    );

    mid.type('q');
    expect((await mid.exit).exitCode).toBe(0);
  } finally {
    rmSync(midCopy, { recursive: true, force: true });
  }
}, 180_000);
