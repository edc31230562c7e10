/**
 * `alsx open projects/northwind` in a real pseudo-terminal, used like a person uses it: place the
 * 2000-Chang order from the Tables pane and see the credit rule refuse it in the Trace pane, step
 * through its chain, produce an order_b2b message from the Topics pane and see the new order's
 * transaction arrive, quit — and no child process is left.
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { KEY, runInPty, type Screen } from '../helpers/pty.js';
import { waitFor } from '../helpers/wait.js';

let running: Screen | undefined;
afterAll(() => running?.kill());

const descendants = (pid: number): number[] => {
  try {
    return execSync(`pgrep -P ${pid}`, { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .flatMap((p) => [p, ...descendants(p)]);
  } catch {
    return [];
  }
};
/** a process's start time (clock ticks since boot): with the pid, it names one process even when pids are reused */
const started = (pid: number): string | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : fields[19]; // a zombie has exited
  } catch {
    return undefined;
  }
};
const processes = (pids: number[]) => pids.map((pid) => ({ pid, since: started(pid) }));
const stillRunning = (ps: { pid: number; since?: string }[]) =>
  ps.filter((p) => p.since !== undefined && started(p.pid) === p.since).map((p) => p.pid);

it('places a refused order, steps through its rule chain, produces order_b2b, and quits leaving nothing behind', async () => {
  const screen = runInPty(['open', 'projects/northwind', '--port', '0'], { columns: 120, rows: 36 });
  running = screen;
  await screen.waitFor(/Customer\s+47/);
  await screen.waitFor(/api ●.*workers ●/);
  const children = processes(descendants(screen.pid));
  expect(children.length).toBeGreaterThanOrEqual(3); // broker, api, workers

  // Tables: Customer → ALFKI → its orders → a new order (EmployeeId 5), saved through the API.
  // Each key waits for the screen to show what it did: keys typed faster reach the program in one
  // read, taken as one paste.
  await screen.press('j', /^› Customer\s+47│/m);
  await screen.press(KEY.enter, /│› ALFKI Alfreds Futterkiste/);
  // moving redraws the rows that changed, never the whole screen (a flicker, and the screen in bytes over SSH)
  const before = screen.raw().length;
  await screen.press('j', /│› ANATR /);
  await screen.press('j', /│› ANTON /);
  const moves = screen.raw().slice(before);
  expect(moves).not.toContain('\x1b[2J');
  expect(Buffer.byteLength(moves)).toBeLessThan(2 * 2048);
  await screen.press('g', /│› ALFKI Alfreds Futterkiste/);
  await screen.press(KEY.enter, /│› ↳ OrderList \(6\)/);
  await screen.press(KEY.enter, 'Customer ALFKI › OrderList');
  await screen.press('a', /│› CustomerId\s+\[ALFKI▏\]/);
  expect(screen.text()).toContain('New Order');
  await screen.waitFor((text) => /^↑↓ enter field · ctrl-s save · ctrl-u clear the field · esc cancel · /.test(text.split('\n').at(-1)!)); // the form's keys
  await screen.press(KEY.down, /│› EmployeeId\s+\[▏\]/);
  await screen.press('5', /│› EmployeeId\s+\[5▏\] → Steven Buchanan/);
  await screen.press(KEY.ctrlS, /Order (\d+) created/);
  const orderId = /Order (\d+) created/.exec(screen.text())![1]!;
  // the new order is listed (last, by key) and selected
  await screen.waitFor(new RegExp(`│› ${orderId} ALFKI`));
  // … and into it an item: 2000 Chang
  await screen.press(KEY.enter, `Customer ALFKI › OrderList › Order ${orderId}`);
  await screen.waitFor('↳ OrderDetailList (0)');
  await screen.press(KEY.enter, `Order ${orderId} › OrderDetailList`);
  await screen.press('a', new RegExp(`│› OrderId\\s+\\[${orderId}▏\\]`));
  expect(screen.text()).toContain('New OrderDetail');
  await screen.press(KEY.down, /│› ProductId\s+\[▏\]/);
  await screen.press('2', /│› ProductId\s+\[2▏\] → Chang/);
  await screen.press(KEY.down, /│› UnitPrice\s+\[▏\]/);
  await screen.press(KEY.down, /│› Quantity\s+\[▏\]/);
  await screen.press('2000', /│› Quantity\s+\[2000▏\]/);
  await screen.press(KEY.ctrlS, '✘ refused by Customer: Balance <= CreditLimit');
  expect(screen.text()).toMatch(/balance \(40102\.00\) exceeds credit \(2300\.00\)/);
  expect(screen.text()).toMatch(/Quantity\s+\[2000/); // the form keeps what was typed

  // Trace: the refusal, with the credit rule, selected as the newest; open its chain and step
  // through the firings
  await screen.press(KEY.esc, /│ {2}\(no rows\)/);
  await screen.press('2', /^Trace /m);
  await screen.waitFor(/✘ Customer: Balance <= CreditLimit/);
  expect(screen.text()).toMatch(/✘ rejected by Customer: Balance <= CreditLimit/);
  expect(screen.text()).toMatch(/^› .*✘ Customer: Balance <= CreditLimit/m);
  await screen.press(KEY.enter, /step 1\/\d+ {2}insert/);
  await screen.waitFor((text) => /^←→ np jk step through the firings · /.test(text.split('\n').at(-1)!)); // step mode's keys, not the list's
  await screen.press(KEY.right, /step 2\/\d+ {2}copy/);
  expect(screen.text()).toMatch(/UnitPrice null → 19/);
  await screen.press(KEY.right, /step 3\/\d+ {2}formula/);
  expect(screen.text()).toMatch(/OrderDetail \d+ \(inserted\): Amount null → 38000/);
  await screen.press(KEY.left, /step 2\/\d+ {2}copy/);
  expect(screen.text()).toMatch(/OrderDetail \d+ \(inserted\): UnitPrice null → 19/);
  await screen.press(KEY.esc, 'paused (f follows)');

  // Topics: produce the project's order_b2b sample; the worker turns it into an order
  await screen.press('3', /order_b2b/);
  const row = screen.rows().findIndex((r) => /^\s*[›\s] order_b2b\s/.test(r));
  for (let at = screen.rows().findIndex((r) => r.startsWith('›')); at < row; at++) {
    screen.type('j');
    await waitFor(() => screen.rows()[at + 1]!.startsWith('›'), { what: `the selection on row ${at + 1}`, detail: screen.text });
  }
  await screen.press('p', 'produce to order_b2b');
  expect(screen.text()).toContain('"AccountId": "ALFKI"');
  await screen.press(KEY.ctrlS, /order_b2b · 1 message/);
  await screen.press('2', /kafka\s+Order \d+\s+[\d.]+ms\s+\d+ ✔ committed/);

  // quit: exit 0, and every child process is gone
  screen.type('q');
  const { exitCode } = await screen.exit;
  expect(exitCode).toBe(0);
  expect(screen.buffer()).toBe('normal'); // the user's screen is back
  await waitFor(() => stillRunning(children).length === 0, {
    what: 'every child process to end',
    detail: () => `still running: ${stillRunning(children).join(', ')}`,
  });
}, 180_000);

it('fits 80×24 without colour under NO_COLOR, and Ctrl-C gives the terminal back with nothing left running', async () => {
  const small = runInPty(['open', 'projects/northwind', '--port', '0', '--no-kafka'], { columns: 80, rows: 24, env: { NO_COLOR: '1' } });
  try {
    await small.waitFor(/Customer\s+47/);
    await small.waitFor(/a●/);
    expect(small.buffer()).toBe('alternate');
    const rows = small.rows();
    expect(rows[0]).toMatch(/^alsx · northwind · admin \[1 Tables\]/); // the active tab marked without colour
    expect(rows.some((r) => r.startsWith('› Category'))).toBe(true); // the selection marked without colour
    expect(rows[23]).toMatch(/quit/); // the key hints on the last row
    expect(small.raw()).not.toMatch(/\x1b\[(3|4|9|10)\dm/); // no colour sequences at all
    const children = processes(descendants(small.pid));
    small.type(KEY.ctrlC);
    expect((await small.exit).exitCode).toBe(0);
    expect(small.buffer()).toBe('normal');
    await waitFor(() => stillRunning(children).length === 0, {
      what: 'every child process to end',
      detail: () => `still running: ${stillRunning(children).join(', ')}`,
    });
  } finally {
    small.kill();
  }
}, 120_000);

it('quits with q typed the moment the first frame shows, before anything behind it has started', async () => {
  const quick = runInPty(['open', 'projects/northwind', '--port', '0'], { columns: 120, rows: 36 });
  try {
    await quick.waitFor((text) => /Customer\s+47/.test(text) && text.includes('q quit'));
    quick.type('q');
    const children = processes(descendants(quick.pid));
    expect((await quick.exit).exitCode).toBe(0);
    expect(quick.buffer()).toBe('normal');
    await waitFor(() => stillRunning(children).length === 0, {
      what: 'every child process to end',
      detail: () => `still running: ${stillRunning(children).join(', ')}`,
    });
  } finally {
    quick.kill();
  }
}, 120_000);
