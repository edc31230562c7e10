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

let screen: Screen | undefined;
afterAll(() => screen?.kill());

const pause = (ms = 150) => new Promise((r) => setTimeout(r, ms));
/** keys one at a time, as a person types: each gets its frame */
async function press(...keys: string[]): Promise<void> {
  for (const k of keys) {
    screen!.type(k);
    await pause();
  }
}
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
  screen = runInPty(['open', 'projects/northwind', '--port', '0'], { columns: 120, rows: 36 });
  await screen.waitFor(/Customer\s+47/);
  await screen.waitFor(/api ●.*workers ●/, 20_000);
  const children = processes(descendants(screen.pid));
  expect(children.length).toBeGreaterThanOrEqual(3); // broker, api, workers

  // Tables: Customer → ALFKI → its orders → a new order (EmployeeId 5), saved through the API
  await press('j', KEY.enter);
  await screen.waitFor('Alfreds Futterkiste');
  await press(KEY.enter);
  await screen.waitFor('↳ OrderList (6)');
  await press(KEY.enter);
  await screen.waitFor('Customer ALFKI › OrderList');
  await press('a');
  await screen.waitFor('New Order');
  await press(KEY.down, '5', KEY.ctrlS);
  await screen.waitFor(/Order (\d+) created/);
  const orderId = /Order (\d+) created/.exec(screen.text())![1]!;
  await screen.waitFor(new RegExp(`${orderId} ALFKI`)); // the new order is listed (last, by key)
  // … and into it an item: 2000 Chang
  await press('G', KEY.enter);
  await screen.waitFor(`Order ${orderId}`);
  await screen.waitFor('↳ OrderDetailList (0)');
  await press(KEY.enter);
  await press('a');
  await screen.waitFor('New OrderDetail');
  await press(KEY.down, '2', KEY.down, KEY.down, '2', '0', '0', '0', KEY.ctrlS);
  await screen.waitFor('✘ refused by Customer: Balance <= CreditLimit');
  expect(screen.text()).toMatch(/balance \(40102\.00\) exceeds credit \(2300\.00\)/);
  expect(screen.text()).toMatch(/Quantity\s+\[2000/); // the form keeps what was typed

  // Trace: the refusal, with the credit rule; open its chain and step through the firings
  await press(KEY.esc, '2');
  await screen.waitFor(/✘ Customer: Balance <= CreditLimit/);
  expect(screen.text()).toMatch(/✘ rejected by Customer: Balance <= CreditLimit/);
  await press('G', KEY.enter);
  await press(KEY.right);
  await screen.waitFor(/UnitPrice null → 19/);
  await press(KEY.right);
  await screen.waitFor(/Amount null → 38000/);
  await press(KEY.left);
  await screen.waitFor(/UnitPrice null → 19/);
  await press(KEY.esc);

  // Topics: produce the project's order_b2b sample; the worker turns it into an order
  await press('3');
  await screen.waitFor(/order_b2b/);
  const row = screen.rows().findIndex((r) => /^\s*[›\s] order_b2b\s/.test(r));
  const selected = screen.rows().findIndex((r) => r.startsWith('›'));
  await press(...Array(Math.max(0, row - selected)).fill('j'));
  await press('p');
  await screen.waitFor('produce to order_b2b');
  expect(screen.text()).toContain('"AccountId": "ALFKI"');
  await press(KEY.ctrlS);
  await screen.waitFor(/order_b2b · 1 message/);
  await press('2');
  await screen.waitFor(/kafka\s+Order \d+\s+[\d.]+ms\s+\d+ ✔ committed/, 15_000);

  // quit: exit 0, and every child process is gone
  await press('q');
  const { exitCode } = await screen.exit;
  expect(exitCode).toBe(0);
  expect(screen.buffer()).toBe('normal'); // the user's screen is back
  await pause(500);
  expect(stillRunning(children)).toEqual([]);
}, 120_000);

it('fits 80×24 without colour under NO_COLOR, and Ctrl-C gives the terminal back with nothing left running', async () => {
  const small = runInPty(['open', 'projects/northwind', '--port', '0', '--no-kafka'], { columns: 80, rows: 24, env: { NO_COLOR: '1' } });
  try {
    await small.waitFor(/Customer\s+47/);
    await small.waitFor(/a●/, 20_000);
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
    await pause(500);
    expect(stillRunning(children)).toEqual([]);
  } finally {
    small.kill();
  }
}, 60_000);
