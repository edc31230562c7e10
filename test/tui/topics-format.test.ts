/** The Topics pane's pure parts: wrapping, message rows, the text area, headers, JSON errors, templates. */
import { describe, expect, it } from 'vitest';
import { messageLines, wrap } from '../../src/tui/topics/format.js';
import { jsonErrorAt, jsonReason, parseHeaders, step } from '../../src/tui/topics/ProduceEditor.js';
import { toTopicMessage } from '../../src/tui/topics/source.js';
import { areaOf, editArea, textOf } from '../../src/tui/topics/text-area.js';
import { deadLetterSibling, templateFor } from '../../src/tui/topics/TopicsPane.js';

const message = (value: string | null, headers: Record<string, string> = {}, key: string | null = 'k1') =>
  toTopicMessage({
    topic: 't',
    partition: 2,
    offset: '41',
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
    headers,
    timestamp: '2026-01-02T03:04:05.678Z',
  });

describe('format', () => {
  it('wraps long rows to the width, continuing under the indentation', () => {
    expect(wrap('short', 20)).toEqual(['short']);
    const rows = wrap(`    "Note": "${'x'.repeat(40)}"`, 20);
    expect(rows.every((r) => r.length <= 20)).toBe(true);
    expect(rows[1]).toMatch(/^ {6}x/);
    expect(rows.join('').replace(/ {6}/g, '')).toContain('x'.repeat(40));
  });

  it('a message: head with partition, offset, time and key; headers; the value pretty-printed; a blank row', () => {
    const rows = messageLines(message('{"a":1,"b":[true]}', { 'message-id': 'm1' }), 80).map((l) => `${l.tone}|${l.text}`);
    expect(rows).toEqual([
      'head|[2] @41  2026-01-02 03:04:05.678  key k1',
      'dim|  message-id: m1',
      'body|  {',
      'body|    "a": 1,',
      'body|    "b": [',
      'body|      true',
      'body|    ]',
      'body|  }',
      'body|',
    ]);
  });

  it('dead letters and text that is not JSON say so', () => {
    const rows = messageLines(message('oops', { 'alsx-error': 'not JSON' }, null), 80);
    expect(rows[0]!.text).toBe('[2] @41  2026-01-02 03:04:05.678  ✘ dead letter  (not JSON)');
    expect(rows[1]).toEqual({ text: '  alsx-error: not JSON', tone: 'bad' });
    expect(rows[2]!.text).toBe('  oops');
    expect(messageLines(message(null), 80)[1]!.text).toBe('  (null: no value)');
  });
});

describe('the text area', () => {
  const type = (text: string, ...keys: Parameters<typeof editArea>[1][]) => keys.reduce((a, k) => editArea(a, k) ?? a, areaOf(text));

  it('enter splits the line keeping its indentation; backspace at a line start joins it to the one above', () => {
    let a = type('  {"a": 1}', { input: '', end: true }, { input: '', leftArrow: true }, { input: '', return: true });
    expect(a.lines).toEqual(['  {"a": 1', '  }']);
    expect([a.row, a.col]).toEqual([1, 2]);
    a = editArea(editArea(a, { input: '', home: true })!, { input: '', delete: true })!; // DEL is what Backspace sends; ink calls it delete
    expect(textOf(a)).toBe('  {"a": 1  }');
    expect([a.row, a.col]).toEqual([0, 9]);
    expect(textOf(editArea(a, { input: '', backspace: true })!)).toBe('  {"a":   }');
  });

  it('a paste with carriage returns becomes lines; ctrl and esc keys are not editing keys', () => {
    const a = type('', { input: '{\r  "x": 1\r}' });
    expect(a.lines).toEqual(['{', '  "x": 1', '}']);
    expect(editArea(a, { input: 's', ctrl: true })).toBeUndefined();
  });

  it('tab moves between key, headers and value; enter in a one-line field goes to the value', () => {
    let d = {
      value: areaOf('{}'),
      top: 0,
      key: { text: '', cursor: 0 },
      headers: { text: '', cursor: 0 },
      field: 'value' as const,
    } as Parameters<typeof step>[0];
    d = step(d, '', { tab: true }, 10);
    expect(d.field).toBe('key');
    d = step(step(d, 'a', {}, 10), 'b', {}, 10);
    expect(d.key.text).toBe('ab');
    expect(step(d, '\r', { return: true }, 10).field).toBe('value');
    expect(step(d, '', { tab: true, shift: true }, 10).field).toBe('value');
  });
});

describe('produce', () => {
  it('headers are name=value, comma-separated', () => {
    expect(parseHeaders(' source=tui , trace = 7 ')).toEqual({ source: 'tui', trace: '7' });
    expect(parseHeaders('')).toEqual({});
    expect(parseHeaders('source')).toMatch(/"source" is not name=value/);
  });

  it("a JSON error names the line and column, without V8's quoted snippet", () => {
    const text = '{\n  "a": 1,\n  "b" 2\n}';
    let reason = '';
    try {
      JSON.parse(text);
    } catch (e) {
      reason = (e as Error).message;
    }
    expect(jsonErrorAt(text, reason)).toEqual({ row: 2, col: 6 });
    expect(jsonReason(`Unexpected token 'x', "x{\n  "Acco"... is not valid JSON`)).toBe("Unexpected token 'x'");
  });

  it("the template is the project's sample for the topic, pretty-printed, else {}", () => {
    expect(templateFor('order_b2b', { order_b2b: { AccountId: 'ALFKI' } })).toBe('{\n  "AccountId": "ALFKI"\n}');
    expect(templateFor('order_b2b.dlq', { order_b2b: {} })).toBe('{}');
    expect(templateFor('raw', { raw: 'plain text' })).toBe('plain text');
    expect(deadLetterSibling('order_b2b')).toBe('order_b2b.dlq');
    expect(deadLetterSibling('order_b2b.dlq')).toBe('order_b2b');
  });
});
