/**
 * The Topics pane at 80×24 without colour, against a real embedded broker: the list with its DLQ
 * marker, a live tail, producing the project's sample in place and through $EDITOR, non-JSON only
 * when confirmed, internal topics on request, an unreachable broker.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { orderB2BExample } from '../../projects/northwind/integration/OrderB2B.js';
import { Broker } from '../../src/kafka/broker/broker.js';
import { runConsumer } from '../../src/kafka/client.js';
import { WorkbenchContext } from '../../src/tui/pane.js';
import { TopicsSource } from '../../src/tui/topics/source.js';
import { TopicsPane } from '../../src/tui/topics/TopicsPane.js';
import { settle } from '../helpers/ink.js';
import { waitFor } from '../helpers/wait.js';

const WIDTH = 80;
const HEIGHT = 21; // 24 rows less the workbench's header, status and hint lines

let dir: string;
let broker: Broker;
let seed: TopicsSource;
/** a fresh source per test: the pane remembers its view (a running tail) per source */
let source: TopicsSource;
const samples = { order_b2b: orderB2BExample };
const notes: string[] = [];
const capturing: boolean[] = [];
let app: ReturnType<typeof render> | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alsx-topics-pane-'));
  broker = new Broker({ dataDir: dir, port: 0, initialRebalanceDelayMs: 50 });
  await broker.start();
  seed = new TopicsSource([`127.0.0.1:${broker.port}`]);
  await seed.produce('order_b2b', 'b2b-1', JSON.stringify({ AccountId: 'ANATR', Items: [] }));
  await seed.produce('order_b2b.dlq', 'b2b-0', 'garbage', { 'alsx-error': 'not JSON', 'alsx-error-kind': 'parse' });
  await seed.produce('alsx.replies.host-1-abcd', null, '{}');
});
beforeEach(() => {
  source = new TopicsSource(seed.brokers);
});
afterEach(async () => {
  app?.unmount();
  app = undefined;
  await source.close();
});
afterAll(async () => {
  await seed.close();
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

function show(s: TopicsSource = source, openEditor?: (text: string) => Promise<string>) {
  app = render(
    <WorkbenchContext.Provider
      value={{ setCapturing: (on) => void capturing.push(on), setHints: () => {}, notify: (m) => void notes.push(m), color: false }}
    >
      <TopicsPane width={WIDTH} height={HEIGHT} focused source={s} samples={samples} pollMs={200} {...(openEditor ? { openEditor } : {})} />
    </WorkbenchContext.Provider>,
  );
  return app;
}

const frame = (): string => app?.lastFrame() ?? '';

/** the frame, once `ok` holds for it (the broker and the pane's polling take their time) */
const until = async (what: string, ok: (f: string) => boolean): Promise<string> => {
  await waitFor(() => ok(frame()), { what, detail: () => `the screen:\n${frame()}` });
  return frame();
};

/** each key once the previous one's effects (the handlers of what is now on screen) have run */
async function press(...keys: string[]): Promise<void> {
  for (const k of keys) {
    await settle();
    app!.stdin.write(k);
  }
  await settle();
}

const KEY = { enter: '\r', esc: '\x1b', down: '\x1b[B', tab: '\t', ctrlS: '\x13', backspace: '\x7f' };
const row = (f: string, text: string): string => f.split('\n').find((l) => l.includes(text)) ?? '';

describe('TopicsPane', () => {
  it('lists topics with partitions, messages, a DLQ label and the lag of their readers, then the groups; a › marks the selection; internal topics on h', async () => {
    const reader = await runConsumer(seed.brokers, 'northwind.order_b2b', 'order_b2b', async () => {});
    try {
      show();
      await until('the group to have read order_b2b', (s) => /northwind\.order_b2b\s+Stable\s+1\s+0\s+order_b2b/.test(s));
    } finally {
      await reader.close();
    }
    await seed.produce('order_b2b', 'b2b-late', '{}');
    let f = await until('the group to lag behind', (s) => /northwind\.order_b2b\s+Empty\s+0\s+1\s+order_b2b/.test(s));
    expect(row(f, 'order_b2b ')).toMatch(/^› order_b2b\s+1\s+2\s+northwind\.order_b2b 1$/);
    expect(row(f, 'order_b2b.dlq')).toMatch(/^ {2}order_b2b\.dlq\s+DLQ\s+1\s+1\s+—$/);
    expect(f).toMatch(/^ {2}GROUP\s+STATE\s+MEMBERS\s+LAG\s+TOPICS$/m);
    expect(f).not.toContain('alsx.replies');
    expect(f).toMatch(/1 internal topic hidden \(h shows\)/); // alsx.replies…, named for what it is
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(WIDTH);
    expect(f.split('\n').length).toBeLessThanOrEqual(HEIGHT);

    await press(KEY.down);
    f = await until('the selection on the DLQ', (s) => /^› order_b2b\.dlq/m.test(s));
    expect(f).toMatch(/^ {2}order_b2b /m);
    await press('h');
    await until('internal topics shown', (s) => s.includes('alsx.replies.host-1-abcd') && s.includes('internal shown'));
    await press('h');
    await until('internal topics hidden', (s) => !s.includes('alsx.replies.host-1-abcd'));
  });

  it('tails a topic: recent messages, then new ones, with offset, key, headers and pretty JSON', async () => {
    show();
    await until('the topics', (s) => s.includes('› order_b2b'));
    await press(KEY.enter);
    let f = await until('the recent message', (s) => s.includes('"AccountId": "ANATR"'));
    expect(f).toMatch(/^order_b2b · \d+ messages? · (◌ starting …|● live) · last 20 per partition, then live/m);
    expect(f).toMatch(/^\[0\] @0 {2}\d{4}-\d\d-\d\d [\d:.]+ {2}key b2b-1$/m);
    await until('the tail to be live', (s) => s.includes('● live'));
    const d = await source.produce(
      'order_b2b',
      'b2b-2',
      JSON.stringify({ AccountId: 'BONAP', Items: [{ ProductName: 'Chai', QuantityOrdered: 3 }] }),
      { 'message-id': 'm-2' },
    );
    f = await until('the new message', (s) => s.includes('"QuantityOrdered": 3'));
    expect(f).toMatch(new RegExp(`^\\[0\\] @${d.offset} .* key b2b-2$`, 'm'));
    expect(f).toContain('  message-id: m-2');
    expect(f).toContain('  "AccountId": "BONAP",');

    await press(KEY.esc);
    await until('the list again', (s) => s.includes('READ BY (LAG)'));
    await press(KEY.down, KEY.enter);
    f = await until('the dead letter', (s) => s.includes('garbage'));
    expect(f).toMatch(/^order_b2b\.dlq \(DLQ\)/m);
    expect(f).toMatch(/key b2b-0 {2}✘ dead letter {2}\(not JSON\)/);
    expect(f).toContain('  alsx-error: not JSON');
  });

  it("p opens the editor with the project's sample; ctrl-s sends it, notifies where it landed, and the tail shows it", async () => {
    notes.length = 0;
    show();
    await until('the topics', (s) => s.includes('› order_b2b'));
    await press('p');
    let f = await until('the editor', (s) => s.includes('produce to order_b2b'));
    expect(f).toContain('  "AccountId": "ALFKI",');
    expect(f).toContain('"ProductName": "Chang",');
    expect(capturing.at(-1)).toBe(true);
    await press(KEY.tab); // to the key field
    await press('b', '2', 'b', '-', '4', '2');
    await until('the key typed', (s) => /› key\s+b2b-42/.test(s));
    await press(KEY.ctrlS);
    f = await until('the message in the tail', (s) => s.includes('key b2b-42'));
    expect(notes.at(-1)).toMatch(/^sent to order_b2b \[0\] @\d+$/);
    const offset = /@(\d+)$/.exec(notes.at(-1)!)![1];
    expect(f).toMatch(new RegExp(`^\\[0\\] @${offset} .* key b2b-42$`, 'm'));
    await until('the sample pretty-printed', (s) => s.includes('"Surname": "Buchanan",'));
    expect(capturing.at(-1)).toBe(false);
  });

  it('text that is not JSON is sent only when ctrl-s is pressed again; esc cancels', async () => {
    notes.length = 0;
    show();
    await until('the topics', (s) => s.includes('› order_b2b'));
    await press('p');
    await until('the editor', (s) => s.includes('produce to order_b2b'));
    await press('x'); // before the opening brace: no longer JSON
    await press(KEY.ctrlS);
    const f = await until('the warning', (s) => s.includes('✘ not JSON'));
    expect(f.replace(/\s+/g, ' ')).toContain(
      "✘ not JSON: Unexpected token 'x'. ctrl-s again sends it as text — a consumer expecting JSON dead-letters it to order_b2b.dlq",
    );
    expect(notes).toEqual([]);
    await press(KEY.ctrlS);
    await until('the text in the tail', (s) => s.includes('(not JSON)') && s.includes('x{'));
    expect(notes.at(-1)).toMatch(/^sent to order_b2b \[0\] @\d+$/);

    await press('p');
    await until('the editor', (s) => s.includes('produce to order_b2b'));
    await press(KEY.esc);
    await until('the tail again', (s) => s.includes('last 20 per partition'));
    expect(notes.length).toBe(1);
  });

  it('E edits the sample in $EDITOR (the workbench paused), then ctrl-s sends what was saved', async () => {
    notes.length = 0;
    const script = join(dir, 'fake-editor.sh');
    writeFileSync(script, `#!/bin/sh\nprintf '{"AccountId": "EDITED", "Items": []}\\n' > "$1"\n`);
    chmodSync(script, 0o755);
    const saved = { VISUAL: process.env.VISUAL, EDITOR: process.env.EDITOR };
    process.env.VISUAL = script;
    try {
      show();
      await until('the topics', (s) => s.includes('› order_b2b'));
      await press('E');
      const f = await until('the edited text', (s) => s.includes('"AccountId": "EDITED"'));
      expect(f).toContain('edited in $EDITOR');
      await press(KEY.ctrlS);
      await until('the edited message in the tail', (s) => /"AccountId": "EDITED",\n\s+"Items": \[\]/.test(s));
      expect(notes.at(-1)).toMatch(/^sent to order_b2b \[0\] @\d+$/);
    } finally {
      process.env.VISUAL = saved.VISUAL;
      if (saved.VISUAL === undefined) delete process.env.VISUAL;
    }
  });

  it('says the broker is unreachable instead of failing', async () => {
    const away = new TopicsSource(['127.0.0.1:1']);
    show(away);
    await until('the unreachable state', (s) => s.includes('✘ broker unreachable (127.0.0.1:1)'));
    app!.unmount();
    app = undefined;
    await away.close();
  });
});
