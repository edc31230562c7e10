/**
 * The README's tour, walked in a real pseudo-terminal at the smallest size the workbench supports
 * (80×24) and a large one (200×50), keys sent 20 ms apart as a quick typist sends them — waiting
 * only where a person would look at the screen (a form opened, a result shown): the 2000-Chang
 * refusal placed from the Tables pane, the Trace step-through, the sample order_b2b produced,
 * one scenario replayed and then all, a recording made and replayed.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { KEY, runInPty, type Screen } from '../helpers/pty.js';
import { waitFor } from '../helpers/wait.js';

const copies: string[] = [];
let screen: Screen | undefined;
afterAll(() => {
  screen?.kill();
  for (const c of copies) rmSync(c, { recursive: true, force: true });
});

/**
 * a copy of Northwind inside the repository (its `import … from 'alsx'` resolves), where the
 * recording lands, with the shipping project beside it as in projects/ (a scenario runs both)
 */
function northwindCopy(name: string): string {
  const dir = join(ROOT, 'scratch', `${name}-${process.pid}`);
  for (const project of ['northwind', 'shipping'])
    cpSync(join(ROOT, 'projects', project), join(dir, project), { recursive: true, filter: (src) => !src.includes('.alsx') });
  copies.push(dir);
  return join(dir, 'northwind');
}

/** j, one at a time (each waiting for the selection to move), until the selected row matches */
async function selectDown(s: Screen, selected: RegExp): Promise<void> {
  for (let i = 0; i < 50 && !selected.test(s.text()); i++) {
    const at = s.rows().find((r) => r.startsWith('›'));
    s.type('j');
    await waitFor(() => s.rows().find((r) => r.startsWith('›')) !== at, { what: 'the selection to move', detail: s.text });
  }
}

describe.each([
  [80, 24],
  [200, 50],
])('the README tour at %i×%i', (columns, rows) => {
  it('places the refused order, steps through it, produces order_b2b, replays scenarios, records and replays', async () => {
    // a state folder of its own: the other size's walk left its orders in the shared one
    const state = mkdtempSync(join(tmpdir(), 'alsx-tour-'));
    copies.push(state);
    const s = runInPty(['open', northwindCopy(`tour-${columns}`), '--port', '0'], { columns, rows, env: { ALSX_STATE_DIR: state } });
    screen = s;
    await s.waitFor(/Customer\s+47/);
    await s.waitFor((text) => /a●|api ●/.test(text) && /w●|workers ●/.test(text));

    // Tables: Customer → ALFKI → its orders → a new order for employee 5
    await s.typeApart(['j', KEY.enter, KEY.enter]);
    await s.waitFor(/↳ OrderList \(6\)/);
    await s.typeApart([KEY.enter, 'a']);
    await s.waitFor('New Order');
    await s.typeApart([KEY.down, '5', KEY.ctrlS]);
    await s.waitFor(/Order (\d+) created/);
    const orderId = /Order (\d+) created/.exec(s.text())![1]!;
    // … and into it 2000 Chang: refused by the credit rule, the form keeping what was typed
    await s.typeApart([KEY.enter]);
    await s.waitFor('↳ OrderDetailList (0)');
    await s.typeApart([KEY.enter, 'a']);
    await s.waitFor('New OrderDetail');
    await s.typeApart([KEY.down, '2', KEY.down, KEY.down, '2', '0', '0', '0', KEY.ctrlS]);
    await s.waitFor('refused by Customer: Balance <= CreditLimit');
    expect(s.text()).toMatch(/Quantity\s+\[2000/);

    // Trace: the refusal is the newest; its chain, stepped forward and back
    await s.typeApart([KEY.esc]);
    await s.waitFor((text) => !text.includes('New OrderDetail')); // the form closed
    await s.typeApart(['2']);
    await s.waitFor(/^Trace /m);
    await s.waitFor(/✘ .*Balance <= CreditLimit/);
    await s.typeApart([KEY.enter]);
    await s.waitFor(/step 1\/\d+/);
    await s.typeApart([KEY.right, KEY.right, KEY.left]);
    await s.waitFor(/step 2\/\d+/);
    await s.typeApart([KEY.esc]);
    await s.waitFor('paused (f follows)');

    // Topics: the sample order_b2b, produced; the worker makes it an order
    await s.typeApart(['3']);
    await s.waitFor(/order_b2b/);
    await selectDown(s, /^› order_b2b\s/m);
    await s.typeApart(['p']);
    await s.waitFor('produce to order_b2b');
    await s.typeApart([KEY.ctrlS]);
    await s.waitFor(/order_b2b · 1 message/);
    await s.typeApart(['2']);
    await s.waitFor(/kafka\s+Order \d+/);

    // Scenarios: one replayed, then all
    await s.typeApart(['5']);
    await s.waitFor(/^› .*\n/m);
    await s.waitFor('Scenarios of northwind');
    await s.typeApart([KEY.enter]);
    await s.waitFor(/passed in [\d.]+ s/);
    const count = Number(/Scenarios of northwind · (\d+)/.exec(s.text())![1]);
    await s.typeApart(['a']);
    const summary = (text: string) => /(\d+) passed, (\d+) failed/.exec(text);
    await s.waitFor((text) => {
      const m = summary(text);
      return Boolean(m && Number(m[1]) + Number(m[2]) === count);
    }, 120_000);
    expect(summary(s.text())![2], s.text()).toBe('0');

    // a recording: an order for ALFKI, made in the Tables pane between two R's, saved and replayed
    await s.typeApart(['1', 'R']);
    await s.waitFor('● REC 0');
    // back up: the OrderDetailList, the order, ALFKI's orders, ALFKI — to the Customer grid
    await s.typeApart([KEY.esc, KEY.esc, KEY.esc, KEY.esc]);
    await s.waitFor(/^Customer\s*$/m); // back in the Customer grid
    await s.typeApart([KEY.enter]);
    await s.waitFor(/↳ OrderList \(\d+\)/);
    await s.typeApart([KEY.enter, 'a']);
    await s.waitFor('New Order');
    await s.typeApart([KEY.down, '5', KEY.ctrlS]);
    await s.waitFor(new RegExp(`Order (?!${orderId}\\b)\\d+ created`));
    await s.waitFor('● REC 1');
    await s.typeApart([KEY.esc, 'R']);
    await s.waitFor('Name the scenario');
    await s.typeApart([...'tour order', KEY.enter]);
    await s.waitFor(/wrote .*tour-order\.yaml/);
    await s.typeApart(['5']);
    await s.waitFor(`Scenarios of northwind · ${count + 1}`);
    await selectDown(s, /^› +tour order/m);
    await s.typeApart([KEY.enter]);
    await s.waitFor(/passed in [\d.]+ s/);

    s.type('q');
    expect((await s.exit).exitCode).toBe(0);
  }, 300_000);
});
