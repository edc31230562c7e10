/** The workbench frame with stand-in panes: tabs, help, the command line, quitting. */
import { Text, useInput } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { App, type PaneSpec } from '../../src/tui/app.js';
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
