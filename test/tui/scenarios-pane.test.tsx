/** The Scenarios pane's list behaves like every other list: j/k, g/G, PgUp/PgDn, and says how many more there are. */
import { render } from 'ink-testing-library';
import { expect, it } from 'vitest';
import { readProject } from '../../src/project/load.js';
import { ScenariosPane } from '../../src/tui/scenarios/ScenariosPane.js';
import { NORTHWIND } from '../helpers/northwind.js';
import { settle } from '../helpers/ink.js';
import { eventually } from '../helpers/wait.js';

it('lists the scenarios with "n more below", and g, G, PgDn, PgUp reach every one', async () => {
  const project = await readProject(NORTHWIND);
  const ui = render(<ScenariosPane project={project} width={100} height={20} focused />);
  const frame = () => ui.lastFrame() ?? '';
  await eventually(() => expect(frame()).toMatch(/Scenarios of northwind · (\d+) · 1–9 shown, \d+ more below/), {
    what: 'the list',
    detail: frame,
  });
  const total = Number(/Scenarios of northwind · (\d+)/.exec(frame())![1]);
  expect(total).toBeGreaterThan(9);
  const selected = () => /^› .*$/m.exec(frame())?.[0] ?? '';
  const first = selected();
  ui.stdin.write('G');
  await eventually(() => expect(frame()).toMatch(new RegExp(`${total - 8}–${total} shown, ${total - 9} above`)), {
    what: 'the end',
    detail: frame,
  });
  const last = selected();
  expect(last).not.toBe(first);
  ui.stdin.write('g');
  await eventually(() => expect(selected()).toBe(first), { what: 'the top', detail: frame });
  ui.stdin.write('\x1b[6~'); // PgDn
  await eventually(() => expect(selected()).not.toBe(first), { what: 'a page down', detail: frame });
  ui.stdin.write('\x1b[5~'); // PgUp
  await eventually(() => expect(selected()).toBe(first), { what: 'a page up', detail: frame });
  await settle();
  ui.unmount();
});
