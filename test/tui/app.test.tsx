/** The workbench frame with stand-in panes: tabs, help, the command line, quitting. */
import { Text, useInput } from 'ink';
import { render } from 'ink-testing-library';
import { useLayoutEffect, useState } from 'react';
import { describe, expect, it } from 'vitest';
import { App, GLOBAL_HINTS, type PaneSpec } from '../../src/tui/app.js';
import { useWorkbench } from '../../src/tui/pane.js';
import type { RuntimeControl } from '../../src/tui/runtimes/RuntimesPane.js';
import { settle } from '../helpers/ink.js';
import { eventually } from '../helpers/wait.js';

/** a key's effects run on later turns of the event loop than the key itself: let them (turns, not time) */
const tick = settle;

function Filterable({ focused }: { focused: boolean }) {
  const wb = useWorkbench();
  useInput(
    (input) => {
      if (input === '/') wb.setCapturing(true);
      if (input === '!') wb.setCapturing(false);
    },
    { isActive: focused },
  );
  return <Text>the filterable pane</Text>;
}

/** a pane whose form opens a moment after its key (as a Tables form does, ~0.5 s later) */
let openLater: (() => void) | undefined;
function SlowForm({ focused }: { focused: boolean }) {
  const wb = useWorkbench();
  useInput(
    (input) => {
      if (input === 'a') openLater = () => wb.setCapturing(true);
    },
    { isActive: focused },
  );
  return <Text>the slow pane</Text>;
}

const panes: PaneSpec[] = [
  { id: 'a', title: 'Tables', hints: [{ keys: 's', does: 'sort' }], render: () => <Text>Customer 47</Text> },
  { id: 'b', title: 'Trace', hints: [{ keys: '→', does: 'next firing' }], render: (p) => <Filterable focused={p.focused} /> },
  { id: 'c', title: 'Slow', hints: [], render: (p) => <SlowForm focused={p.focused} /> },
];
const runtime: RuntimeControl = {
  children: () => [{ name: 'api', status: 'up', pid: 123, port: 5656, log: ['listening'], restarts: 0 }],
  restart: async () => {},
  subscribe: () => () => {},
  kafka: 'embedded broker',
};

function setup(command?: (line: string, signal: AbortSignal) => Promise<{ ok: boolean; summary: string; lines: string[] }>) {
  const calls: string[] = [];
  let quit = 0;
  const ui = render(
    <App
      project="northwind"
      panes={panes}
      runtime={runtime}
      color={false}
      user={() => 'admin'}
      size={{ columns: 100, rows: 24 }}
      command={
        command ??
        (async (line) => {
          calls.push(line);
          return { ok: true, summary: `✔ ran ${line}`, lines: ['{', '  "Balance": 2102', '}'] };
        })
      }
      completions={() => ({ tables: ['Customer'], topics: [] })}
      onQuit={() => void quit++}
    />,
  );
  return { ui, calls, quits: () => quit };
}

describe('the workbench frame', () => {
  it('shows the project, the user, the pane tabs, the runtimes and the key hints', () => {
    const { ui } = setup();
    const frame = ui.lastFrame()!;
    expect(frame).toMatch(/alsx · northwind · admin/);
    expect(frame).toMatch(/\[1 Tables\].*2 Trace/);
    expect(frame).toContain('api ●');
    expect(frame).toContain('Customer 47');
    expect(frame).toMatch(/s sort · 1–5 tab switch pane · : command line/);
    ui.unmount();
  });

  it('switches panes with digits and tab, and shows every binding on ?', async () => {
    const { ui } = setup();
    ui.stdin.write('2');
    await tick();
    expect(ui.lastFrame()).toContain('the filterable pane');
    ui.stdin.write('\t');
    await tick();
    expect(ui.lastFrame()).toContain('the slow pane');
    ui.stdin.write('\t'); // and round to the first
    await tick();
    expect(ui.lastFrame()).toContain('Customer 47');
    ui.stdin.write('?');
    await tick();
    const help = ui.lastFrame()!;
    expect(help).toContain('Help — esc to close');
    expect(help).toMatch(/q\s+quit/);
    expect(help).toMatch(/→\s+next firing/);
    ui.stdin.write('\x1b');
    await tick();
    expect(ui.lastFrame()).not.toContain('Help — esc to close');
    ui.unmount();
  });

  it('runs a : command and shows its result; esc leaves the command line', async () => {
    const { ui, calls } = setup();
    ui.stdin.write(':');
    await tick();
    for (const ch of 'get /api/Cus') ui.stdin.write(ch);
    ui.stdin.write('\t'); // completes the table
    await tick();
    expect(ui.lastFrame()).toContain(':get /api/Customer');
    for (const ch of '/ALFKI') ui.stdin.write(ch);
    ui.stdin.write('\r');
    await eventually(
      () => {
        expect(calls).toEqual([':get /api/Customer/ALFKI']);
        expect(ui.lastFrame()).toContain('✔ ran :get /api/Customer/ALFKI');
        expect(ui.lastFrame()).toContain('"Balance": 2102');
      },
      { what: "the command's result", detail: () => ui.lastFrame() ?? '' },
    );
    ui.stdin.write(':');
    await tick();
    ui.stdin.write('\x1b[A'); // history
    await tick();
    expect(ui.lastFrame()).toContain(':get /api/Customer/ALFKI');
    ui.stdin.write('\x1b');
    await tick();
    ui.unmount();
  });

  it('quits on q, but not while a pane takes typing', async () => {
    const { ui, quits } = setup();
    ui.stdin.write('2');
    await tick();
    ui.stdin.write('/'); // the pane's filter takes the keys now
    await tick();
    ui.stdin.write('q');
    await tick();
    expect(quits()).toBe(0);
    ui.stdin.write('!');
    await tick();
    ui.stdin.write('q');
    await tick();
    expect(quits()).toBe(1);
  });

  it('esc cancels a command that runs long (a :sql that never ends), and q still quits', async () => {
    let aborted = false;
    const { ui, quits } = setup(
      (_line, signal) =>
        new Promise((_ok, fail) =>
          signal.addEventListener('abort', () => {
            aborted = true;
            fail(new Error('cancelled: the query was stopped'));
          }),
        ),
    );
    ui.stdin.write(':');
    await tick();
    for (const ch of 'sql select forever') ui.stdin.write(ch);
    ui.stdin.write('\r');
    await eventually(() => expect(ui.lastFrame()).toContain('(esc cancels)'), {
      what: 'the running notice',
      detail: () => ui.lastFrame() ?? '',
    });
    ui.stdin.write('\x1b');
    await eventually(
      () => {
        expect(aborted).toBe(true);
        expect(ui.lastFrame()).toContain('cancelled: the query was stopped');
      },
      { what: 'the cancelled command', detail: () => ui.lastFrame() ?? '' },
    );
    ui.stdin.write('q');
    await tick();
    expect(quits()).toBe(1);
  });

  it('a pane that starts capturing after another was switched to never takes the keys of the one on screen', async () => {
    const { ui, quits } = setup();
    ui.stdin.write('3');
    await tick();
    ui.stdin.write('a'); // its form will open a moment later…
    ui.stdin.write('2'); // …after the person moved on
    await tick();
    expect(ui.lastFrame()).toContain('the filterable pane');
    openLater!();
    ui.stdin.write('1');
    await tick();
    expect(ui.lastFrame()).toContain('Customer 47');
    ui.stdin.write('q');
    await tick();
    expect(quits()).toBe(1);
  });

  it('says a failed command once, not in the result box and the status line both', async () => {
    const { ui } = setup(async () => {
      throw new Error('no such table: Custmer');
    });
    ui.stdin.write(':');
    await tick();
    for (const ch of 'sql select * from Custmer') ui.stdin.write(ch);
    ui.stdin.write('\r');
    await eventually(() => expect(ui.lastFrame()).toContain('no such table: Custmer'), {
      what: 'the error',
      detail: () => ui.lastFrame() ?? '',
    });
    expect(ui.lastFrame()!.split('no such table: Custmer')).toHaveLength(2);
    ui.unmount();
  });
});

/** a Customer as :get shows it: its Balance far down, below what the result box shows at once */
const CUSTOMER = JSON.stringify(
  {
    data: {
      type: 'Customer',
      id: 'ALFKI',
      attributes: Object.fromEntries([
        ...'CompanyName ContactName ContactTitle Address City Region PostalCode Country Phone Fax'.split(' ').map((k) => [k, `the ${k}`]),
        ['Balance', 2102],
        ['CreditLimit', 2300],
      ]),
    },
  },
  null,
  2,
).split('\n');

function Stepper({ focused }: { focused: boolean }) {
  const [stepping, setStepping] = useState(false);
  const wb = useWorkbench();
  // a new array each render, as a careless pane would say it (through the workbench, as useModeHints does)
  useLayoutEffect(() => wb.setHints?.(stepping ? [{ keys: '←→', does: 'step through the firings' }] : undefined));
  useInput((input) => input === 's' && setStepping((s) => !s), { isActive: focused });
  return <Text>{stepping ? 'stepping' : 'the list'}</Text>;
}

function Notifier({ focused }: { focused: boolean }) {
  const wb = useWorkbench();
  useInput((input) => input === 'n' && wb.notify('Order 11078 created', 'ok'), { isActive: focused });
  return <Text>the notifier</Text>;
}

const wordy: PaneSpec[] = [
  {
    id: 'a',
    title: 'Tables',
    hints: [
      { keys: '↑↓ j k', does: 'move' },
      { keys: 'PgUp PgDn g G', does: 'page up/down, first, last' },
      { keys: 'enter →', does: "open: the table's rows, a row's detail, a child list or parent" },
      { keys: 'esc ⌫', does: 'back up the breadcrumb' },
    ],
    render: (p) => <Notifier focused={p.focused} />,
  },
  { id: 'b', title: 'Trace', hints: [{ keys: 'enter', does: 'open its rule chain' }], render: (p) => <Stepper focused={p.focused} /> },
];

function setupWordy(lines = CUSTOMER) {
  const ui = render(
    <App
      project="northwind"
      panes={wordy}
      runtime={runtime}
      color={false}
      user={() => 'admin'}
      size={{ columns: 100, rows: 24 }}
      command={async (line) => ({ ok: true, summary: `✔ GET ${line.slice(5)} → 200`, lines })}
      completions={() => ({ tables: [], topics: [] })}
      onQuit={() => {}}
    />,
  );
  const rows = () => ui.lastFrame()!.split('\n');
  const keys = async (...ks: string[]) => {
    for (const k of ks) {
      ui.stdin.write(k);
      await tick();
    }
  };
  const command = async (line: string) => {
    await keys(':');
    for (const ch of line) ui.stdin.write(ch);
    ui.stdin.write('\r');
    await eventually(() => expect(ui.lastFrame()).toContain('✔ GET'), { what: 'the result', detail: () => ui.lastFrame() ?? '' });
  };
  return { ui, rows, keys, command };
}

describe('long content and the key-hint bar', () => {
  it("scrolls a : result with the list keys, so a Customer's Balance can be read", async () => {
    const { ui, keys, command } = setupWordy();
    await command('get /api/Customer/ALFKI');
    expect(ui.lastFrame()).not.toContain('"Balance"');
    expect(ui.lastFrame()).toMatch(/lines 1–8 of 20 · esc closes/);
    await keys('G');
    expect(ui.lastFrame()).toContain('"Balance": 2102');
    expect(ui.lastFrame()).toMatch(/lines 13–20 of 20/);
    await keys('g', 'j', 'j');
    expect(ui.lastFrame()).toMatch(/lines 3–10 of 20/);
    await keys('\x1b[6~'); // PgDn
    expect(ui.lastFrame()).toMatch(/lines 10–17 of 20/);
    expect(ui.lastFrame()).toContain('the notifier'); // the pane stays on screen, without the keys
    await keys('\x1b');
    expect(ui.lastFrame()).not.toContain('lines ');
    ui.unmount();
  });

  it('shows all of the help, scrolled, also with a result open', async () => {
    const { ui, rows, keys, command } = setupWordy();
    const helpLines = () => rows().filter((r) => /^ {2}\S/.test(r)).length;
    await keys('?');
    const alone = helpLines();
    await keys('\x1b');
    await command('get /api/Customer/ALFKI');
    await keys('?');
    expect(ui.lastFrame()).toMatch(/Help — esc to close · lines 1–20 of 25/);
    expect(ui.lastFrame()).not.toContain('"data"'); // the result gives the help its room
    expect(helpLines()).toBe(alone);
    expect(ui.lastFrame()).not.toMatch(/:help\s+this list/);
    await keys('G');
    expect(ui.lastFrame()).toMatch(/:help\s+this list/);
    await keys('\x1b');
    expect(ui.lastFrame()).toContain('lines 1–8 of 20'); // the result is back as it was
    ui.unmount();
  });

  it('fits whole hints in the bar, never cut mid-word, and keeps help and quit', () => {
    const { rows, ui } = setupWordy();
    const bar = rows().at(-1)!;
    expect(bar.length).toBeLessThanOrEqual(100);
    expect(bar).toMatch(/· \? help · q quit$/);
    const shown = bar.split(' · ');
    const whole = [...wordy[0]!.hints, ...GLOBAL_HINTS].map((h) => `${h.keys} ${h.does}`);
    for (const hint of shown.slice(0, -2)) expect(whole).toContain(hint);
    ui.unmount();
  });

  it("shows the mode's hints, not the pane's, in step mode and on the command line", async () => {
    const { rows, keys, ui } = setupWordy();
    await keys('2');
    expect(rows().at(-1)).toMatch(/^enter open its rule chain/);
    await keys('s');
    expect(ui.lastFrame()).toContain('stepping');
    expect(rows().at(-1)).toMatch(/^←→ step through the firings · /);
    expect(rows().at(-1)).not.toContain('open its rule chain');
    await keys(':');
    expect(rows().at(-1)).toMatch(/^enter run · tab complete · ↑↓ history · esc cancel/);
    ui.unmount();
  });

  it('forgets a message at the next key: a pane switch or the next action', async () => {
    const { rows, keys, ui } = setupWordy();
    const status = () => rows().at(-2);
    await keys('n');
    expect(status()).toBe('Order 11078 created');
    await keys('2');
    expect(status()).toBe('');
    await keys('1', 'n');
    expect(status()).toBe('Order 11078 created');
    await keys('j');
    expect(status()).toBe('');
    ui.unmount();
  });
});
