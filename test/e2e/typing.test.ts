/**
 * Keys as terminals really deliver them: several in one read (held keys, typing ahead over SSH,
 * `tmux send-keys -l`), and keys sent while a pane is still opening what the previous key asked for.
 * Every key is handled in order, and no sequence leaves the workbench where q cannot quit.
 */
import { afterEach, expect, it } from 'vitest';
import { KEY, runInPty, type Screen } from '../helpers/pty.js';

let screen: Screen | undefined;
afterEach(() => screen?.kill());

const open = async (): Promise<Screen> => {
  screen = runInPty(['open', 'projects/northwind', '--port', '0', '--no-kafka'], { columns: 120, rows: 36 });
  await screen.waitFor(/Customer\s+47/);
  await screen.waitFor(/api ●/);
  return screen;
};

it('four j in one read move the selection four rows; G and Enter in one read open the last table', async () => {
  const s = await open();
  expect(s.rows().find((r) => r.startsWith('›'))).toMatch(/^› Category/);
  s.type('jjjj');
  await s.waitFor(/^› Order\s/m); // Category → Customer → Employee → EmployeeAudit → Order
  const selected = s.rows().findIndex((r) => r.startsWith('›'));
  const first = s.rows().findIndex((r) => /^[›\s] Category\s/.test(r));
  expect(selected - first).toBe(4);
  s.type(`G${KEY.enter}`);
  await s.waitFor(/ › \w+ \(\d+ rows?\)|row 1\/\d+/);
  s.type('q');
  expect((await s.exit).exitCode).toBe(0);
}, 120_000);

it('a key sent while the form the previous key asked for is still opening (a then 2, one read) leaves q working', async () => {
  const s = await open();
  await s.press('j', /^› Customer\s+47│/m);
  await s.press(KEY.enter, /│› ALFKI Alfreds Futterkiste/);
  s.type('a2');
  // the 2 lands somewhere sensible (the form's first field, or the Trace pane if it came first) — and
  // whatever it did, the workbench still answers: Esc closes a form, q quits
  await s.waitFor((text) => /New Customer/.test(text) || /^Trace /m.test(text));
  s.type(KEY.esc);
  s.type('q'); // at once: the terminal may deliver Esc and q in one read, as it would Alt+q
  expect((await s.exit).exitCode).toBe(0);
}, 120_000);
