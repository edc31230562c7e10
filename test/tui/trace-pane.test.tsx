/** The Trace pane in a fake terminal (ink-testing-library) at 80 columns, without colour, on real Northwind transactions. */
import { render } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TxRecord } from '../../src/runtime/protocol.js';
import { WorkbenchContext, type Workbench } from '../../src/tui/pane.js';
import { TracePane, traceHints } from '../../src/tui/trace/TracePane.js';
import { TraceStore } from '../../src/tui/trace/store.js';
import { realRecords, type RealRecords } from './trace-fixtures.js';
import { settle } from '../helpers/ink.js';
import { waitFor } from '../helpers/wait.js';

const CREDIT = 'Customer: Balance <= CreditLimit';
const RIGHT = '\u001B[C';
const LEFT = '\u001B[D';
const ESC = '\u001B';

let real: RealRecords;
beforeAll(async () => {
  real = await realRecords();
});

let app: ReturnType<typeof render> | undefined;
afterEach(() => {
  vi.useRealTimers();
  app?.unmount();
});

/** the pane with the three transactions (the refused one newest) and a workbench that remembers what it was told */
function mount(records: TxRecord[] = [real.committed, real.dryRun, real.refused], size = { width: 80, height: 22 }) {
  const store = new TraceStore();
  for (const r of records) store.push(r);
  const calls = { capturing: [] as boolean[], notes: [] as string[] };
  const wb: Workbench = {
    setCapturing: (on) => calls.capturing.push(on),
    setHints: () => {},
    notify: (m) => calls.notes.push(m),
    color: false,
  };
  app = render(
    <WorkbenchContext.Provider value={wb}>
      <TracePane width={size.width} height={size.height} focused store={store} />
    </WorkbenchContext.Provider>,
  );
  const frame = () => app!.lastFrame() ?? '';
  /** each key once the previous one's effects have run; then the frame once it shows `shows` */
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      await settle();
      app!.stdin.write(k);
    }
    await settle();
    return frame();
  };
  /** the frame, once it satisfies `ok` */
  const shows = (what: string, ok: (f: string) => boolean) => waitFor(() => ok(frame()) && frame(), { what, detail: frame });
  /** the app moves focus to another pane */
  const blur = async () => {
    app!.rerender(
      <WorkbenchContext.Provider value={wb}>
        <TracePane width={size.width} height={size.height} focused={false} store={store} />
      </WorkbenchContext.Provider>,
    );
    await settle();
    return frame();
  };
  /** the pane, once the store has told it of the transactions it was given */
  const ready = () => shows(`${records.length} transactions listed`, (f) => listRows(f).length === Math.min(records.length, 8));
  return { store, calls, frame, press, blur, shows, ready };
}

/** the list rows (they start with the time), and the detail (below the rule) */
const listRows = (frame: string) => frame.split('\n').filter((l) => /^[› ] \d\d:\d\d:\d\d\.\d{3} /.test(l));
const detail = (frame: string) => frame.split('\n').slice(frame.split('\n').findIndex((l) => l.startsWith('───')) + 1);

describe('the Trace pane', () => {
  it('lists transactions and puts a refusal, with its rule and ✘, at the top of its detail', async () => {
    const { ready } = mount();
    const f = await ready();
    expect(f.split('\n').length).toBeLessThanOrEqual(22);
    expect(f.split('\n').every((l) => l.length <= 80)).toBe(true);
    const rows = listRows(f);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/kafka .*✔ committed/);
    expect(rows[1]).toMatch(/tui .*◌ dry run/);
    // following: the newest is selected, marked › (not by colour)
    expect(rows[2]).toMatch(new RegExp(`^› .* api .* 19 ✘ ${CREDIT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(f).toMatch(/^Trace ✔ 1 ✘ 1 ◌ 1 · 3 kept · following/);
    const [top, why] = detail(f);
    expect(top).toBe(`✘ rejected by ${CREDIT}`.padEnd(80).trimEnd());
    expect(why).toContain('Customer ALFKI: balance (40120.00) exceeds credit (2300.00)');
    expect(f).toMatch(/ {3}2 ├─ early {6}Order \d+ {2}OrderDate null → "2026-01-15"/);
  });

  it('steps through the firings one at a time, showing the row at each step', async () => {
    const { press, ready } = mount();
    await ready();
    let f = await press('\r');
    expect(f).toContain('step 1/22  insert');
    expect(f).toMatch(/^› {3}1 insert +Order \d+/m);
    expect(f).toContain('←→ step · esc back');
    f = await press(RIGHT);
    expect(f).toContain('step 2/22  early  Order defaults');
    expect(f).toMatch(/Order \d+ \(inserted\): OrderDate null → "2026-01-15"/);
    f = await press(...Array(14).fill('n'));
    expect(f).toContain('step 16/22  formula  OrderDetail.Amount = Quantity * UnitPrice');
    expect(f).toMatch(/OrderDetail \d+ \(inserted\): Amount null → 38000 /);
    expect(f).toMatch(/caused by #14 insert OrderDetail \d+ /);
    expect(f).toMatch(/UnitPrice 19 +\*Amount 38000 +ShippedDate null/); // the changed column marked
    expect(f).toMatch(/^› {2}16 ├─ formula/m);
    f = await press(LEFT);
    expect(f).toContain('step 15/22  copy');
    expect(f).toMatch(/\*UnitPrice 19 +Amount null/);
    f = await press('G');
    expect(f).toContain('step 22/22  constraint  Customer: Balance <= CreditLimit');
    expect(f).toContain('Customer ALFKI: ✘ FAILED: balance (40120.00) exceeds credit (2300.00)');
    expect(f).toMatch(/Balance 40120/);
    expect(f).toMatch(/^› {2}22 constraint Customer ALFKI {2}✘ FAILED/m);
    f = await press(ESC);
    expect(f).not.toContain('step 22/22');
    expect(f).toContain('paused (f follows)');
  });

  it('hangs each step of the chain under its cause, and steps down the lines as drawn', async () => {
    const { press, ready } = mount(undefined, { width: 80, height: 40 });
    await ready();
    let f = await press('\r');
    const chain = detail(f).filter((l) => /^[› ] +\d+ /.test(l));
    const at = (pattern: RegExp) => chain.findIndex((l) => pattern.test(l));
    /** the line a chain line hangs from: the nearest one above drawn one level less deep */
    const parentOf = (i: number) => {
      const level = (l: string) => (/^[› ] +\d+ ((?:[│ ] )*)[├└]─ /.exec(l)?.[1]?.length ?? -2) / 2 + 1;
      for (let j = i - 1; j >= 0; j--) if (level(chain[j]!) === level(chain[i]!) - 1) return chain[j]!;
      return undefined;
    };
    // the second item: its AmountTotal sum raised the Balance and cloned nothing; the count fired after, alone
    const sum = at(/ {2}20 .*sum +Customer ALFKI {2}Balance 2120 → 40120/);
    const event = at(/ {2}21 .*event +Order \d+/);
    expect(parentOf(sum)).toMatch(/ {2}18 .*sum +Order \d+ {2}AmountTotal 18 → 38018/);
    expect(parentOf(event)).toMatch(/ {2}18 .*sum +Order \d+ {2}AmountTotal/);
    expect(chain[sum]).toMatch(/ {2}20 │ ├─ sum/);
    expect(chain[event]).toMatch(/ {2}21 │ └─ event/);
    expect(chain[event + 1]).toMatch(/ {2}19 └─ count +Order \d+ {2}OrderDetailCount 1 → 2/);
    // stepping walks the lines as they are drawn: from the AmountTotal sum to the Balance it caused
    f = await press(...Array(sum - 1).fill('n'));
    expect(f).toMatch(/^› {2}18 ├─ sum/m);
    f = await press('n');
    expect(f).toMatch(/^› {2}20 │ ├─ sum/m);
    expect(f).toContain('step 19/22  sum  Customer.Balance = sum(Order.AmountTotal');
    expect(f).toMatch(/Customer ALFKI: Balance 2120 → 40120/);
    expect(f).toMatch(/caused by #18 sum Order \d+/);
  });

  it('shows the user of each transaction beside its origin, and filters by user:NAME', async () => {
    const { press, ready } = mount([real.committed, real.refused, real.byAlfki]);
    await ready();
    let f = await press();
    const rows = listRows(f);
    expect(rows[2]).toMatch(/^› \S+ api · ALFKI +Order \d+ .* ✔ committed$/);
    expect(rows[1]).toMatch(/^ {2}\S+ api +Order \d+ /); // no user: the origin alone
    f = await press('/', 'user:alfki', '\r');
    expect(listRows(f)).toHaveLength(1);
    expect(f).toContain('filter user:alfki → 1');
    f = await press('\r');
    expect(f).toMatch(/tx \S+ · api · ALFKI via api/);
  });

  it('filters with `/`, capturing the keys while typing; c clears', async () => {
    const { press, calls, ready } = mount();
    await ready();
    let f = await press('/');
    expect(calls.capturing).toEqual([true]);
    f = await press('fail', 'edx', '\u007F');
    expect(f.split('\n')[0]).toMatch(/^\/failed /);
    f = await press('\r');
    expect(calls.capturing).toEqual([true, false]);
    expect(listRows(f)).toHaveLength(1);
    expect(listRows(f)[0]).toContain(`✘ ${CREDIT}`);
    expect(f).toContain('filter failed → 1');
    f = await press('/', 'origin:kafka', ESC);
    expect(calls.capturing).toEqual([true, false, true, false]);
    expect(listRows(f)).toHaveLength(1); // esc kept the filter in force
    f = await press('/', ' ok', '\r');
    expect(listRows(f)).toHaveLength(2); // values of one field are alternatives: failed or ok
    f = await press('/', ' table:Product', '\r');
    expect(listRows(f)).toHaveLength(0); // fields must all match
    expect(f).toContain('no transaction matches the filter');
    f = await press('c');
    expect(listRows(f)).toHaveLength(3);
    expect(calls.notes).toContain('trace filter cleared');
  });

  it('keeps up with keys typed faster than it draws', async () => {
    const { calls, ready, shows } = mount();
    await ready();
    for (const k of ['/', 'fa', 'iled', '\r', 'g', '\r', 'n', 'n', RIGHT, LEFT, 'n']) app!.stdin.write(k); // no pause: one render for all
    const f = await shows('the fourth step', (f) => f.includes('step 4/22'));
    expect(calls.capturing).toEqual([true, false]);
    expect(f).toContain('filter failed → 1');
    expect(f).toContain('step 4/22  count');
  });

  it('gives the app its keys back when it loses focus in the middle of a filter', async () => {
    const { press, blur, calls, ready } = mount();
    await ready();
    expect(await press('/', 'kaf')).toMatch(/^\/kaf /);
    const f = await blur();
    expect(calls.capturing).toEqual([true, false]);
    expect(f).toMatch(/^Trace /);
    expect(listRows(f)).toHaveLength(3);
  });

  it('follows the newest until the user moves; f follows again', async () => {
    const { press, store, ready, shows } = mount();
    await ready();
    let f = await press('k');
    expect(listRows(f)[1]).toMatch(/^› .*◌ dry run/);
    store.push({ ...real.committed, tx: 'later-1' });
    f = await shows('the fourth transaction', (f) => listRows(f).length === 4);
    expect(listRows(f)[1]).toMatch(/^› .*◌ dry run/); // stayed where the user put it
    f = await press('g');
    expect(listRows(f)[0]).toMatch(/^› .*✔ committed/);
    f = await press('f');
    expect(f).toContain('following');
    expect(listRows(f)[3]).toMatch(/^› /);
    store.push({ ...real.dryRun, tx: 'later-2' });
    f = await shows('the fifth transaction', (f) => listRows(f).length === 5);
    expect(listRows(f)[4]).toMatch(/^› .*◌ dry run/);
  });

  it('draws a few times, not per transaction, while 1,000 arrive at once, and only the visible rows', async () => {
    // the store's clock is vitest's: the test says when notifyMs has passed, however slow the machine
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { store, frame } = mount();
    vi.advanceTimersByTime(1000);
    await settle();
    expect(listRows(frame())).toHaveLength(3);
    let notified = 0;
    store.subscribe(() => notified++);
    const before = app!.frames.length;
    const three = [real.committed, real.dryRun, real.refused];
    for (let i = 0; i < 1000; i++) store.push({ ...three[i % 3]!, tx: `burst-${i}` });
    await settle();
    vi.advanceTimersByTime(100); // the store's notifyMs
    await settle();
    expect(frame()).toContain('1,003 kept');
    vi.advanceTimersByTime(10_000); // whatever else the store would do of its own accord
    await settle();
    vi.useRealTimers();
    expect(notified).toBeLessThanOrEqual(2);
    expect(app!.frames.length - before).toBeLessThanOrEqual(3);
    const f = frame();
    expect(f).toMatch(/^Trace ✔ 335 ✘ 334 ◌ 334 · 1,003 kept · following/);
    expect(listRows(f).length).toBeLessThanOrEqual(8);
    expect(listRows(f).at(-1)).toMatch(/^› .*✔ committed/);
    expect(f).toContain('tx burst-999 '); // the newest, followed
  });

  it('exports its key hints for the help screen', () => {
    expect(traceHints.map((h) => h.keys)).toEqual(expect.arrayContaining(['↑↓ jk', 'enter', '←→ np', 'esc', '/', 'c', 'f', 'g G']));
  });
});
