/**
 * Producing one message: key, headers and value edited in place (the value prefilled with the
 * project's sample for the topic), or in $EDITOR. The value is checked as JSON before it goes; text
 * that is not JSON goes only when asked twice, since a consumer expecting JSON dead-letters it.
 */
import { Box, Text } from 'ink';
import { useLayoutEffect, useState } from 'react';
import { edit, type LineState } from '../command/line-editor.js';
import { useModeHints, useWorkbench, type KeyHint } from '../pane.js';
import { useKeys } from '../use-keys.js';
import { areaOf, editArea, firstVisibleRow, textOf, type AreaKey, type TextArea } from './text-area.js';

export interface Outgoing {
  key: string | null;
  headers: Record<string, string>;
  value: string;
}

export interface ProduceEditorProps {
  topic: string;
  /** the text the value starts with */
  initial: string;
  /** a line shown under the editor until the first key (e.g. "edited in $EDITOR") */
  note?: string;
  width: number;
  height: number;
  focused: boolean;
  /** sends; a rejection is shown in place and the editor stays */
  send(message: Outgoing): Promise<void>;
  cancel(): void;
  openEditor(text: string): Promise<string>;
}

type Field = 'key' | 'headers' | 'value';
const FIELDS: Field[] = ['key', 'headers', 'value'];

const EDITOR_HINTS: KeyHint[] = [
  { keys: 'ctrl-s', does: 'send' },
  { keys: 'tab', does: 'next field' },
  { keys: 'ctrl-o', does: 'edit in $EDITOR' },
  { keys: 'esc', does: 'cancel' },
];

/** `name=value, name=value` → headers, or a reason it cannot be read */
export function parseHeaders(text: string): Record<string, string> | string {
  const headers: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 1) return `headers: "${part}" is not name=value (separate several with commas)`;
    headers[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return headers;
}

/** where JSON.parse stopped, as row and column of `text` (V8 says "at position N") */
/** V8's reason without the quoted snippet of the text (which spans lines) */
export const jsonReason = (message: string): string => message.replace(/,\s*"[\s\S]* is not valid JSON$/, '').replace(/\s+/g, ' ');

export function jsonErrorAt(text: string, message: string): { row: number; col: number } | undefined {
  const m = /position (\d+)/.exec(message);
  if (!m) return undefined;
  const before = text.slice(0, Number(m[1])).split('\n');
  return { row: before.length - 1, col: before[before.length - 1]!.length };
}

interface Draft {
  value: TextArea;
  /** the value's first row on screen */
  top: number;
  key: LineState;
  headers: LineState;
  field: Field;
}

/** what a message (a warning, a note) was said about: it stands until the draft changes */
const signature = (d: Draft): string => JSON.stringify([d.key.text, d.headers.text, d.value.lines]);

/** the draft after one key (keys that are not editing keys leave it as it is) */
export function step(d: Draft, input: string, k: Omit<AreaKey, 'input'> & { tab?: boolean; shift?: boolean }, rows: number): Draft {
  if (k.tab) return { ...d, field: FIELDS[(FIELDS.indexOf(d.field) + (k.shift ? FIELDS.length - 1 : 1)) % FIELDS.length]! };
  if (d.field === 'value') {
    const value = editArea(d.value, { ...k, input }, rows);
    return value ? { ...d, value, top: firstVisibleRow(value, rows, d.top) } : d;
  }
  if (k.return) return { ...d, field: 'value' };
  const line = edit(d[d.field], { ...k, input });
  return line ? { ...d, [d.field]: line } : d;
}

export function ProduceEditor({ topic, initial, note, width, height, focused, send, cancel, openEditor }: ProduceEditorProps) {
  const wb = useWorkbench();
  const [draft, setDraft] = useState<Draft>(() => ({
    value: areaOf(initial),
    top: 0,
    key: { text: '', cursor: 0 },
    headers: { text: '', cursor: 0 },
    field: 'value',
  }));
  const [said, setSaid] = useState<{ text: string; bad: boolean; about: string } | undefined>(() =>
    note
      ? {
          text: note,
          bad: false,
          about: signature({
            value: areaOf(initial),
            top: 0,
            key: { text: '', cursor: 0 },
            headers: { text: '', cursor: 0 },
            field: 'value',
          }),
        }
      : undefined,
  );
  /** the non-JSON text the user was warned about: sending it again means "yes, send it" */
  const [warned, setWarned] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const { value: area, key, headers, field, top } = draft;

  useModeHints(EDITOR_HINTS);
  // typing goes to the editor, not to the workbench's single-key bindings, from the commit that
  // draws it opened to the one that draws it closed (not an effect later: a key may come between)
  useLayoutEffect(() => {
    wb.setCapturing(true);
    return () => wb.setCapturing(false);
  }, [wb]);

  // rows: title, key, headers, value label, the text, two for what is said about it
  const areaRows = Math.max(1, height - 6);
  const say = (text: string, bad: boolean, about: Draft = draft): void => setSaid({ text, bad, about: signature(about) });
  const message = said && said.about === signature(draft) ? said : undefined;

  const attempt = (): void => {
    const text = textOf(area);
    if (!text.trim()) return say('✘ nothing to send: the value is empty', true);
    const parsed = parseHeaders(headers.text);
    if (typeof parsed === 'string') return say(`✘ ${parsed}`, true);
    let value: string;
    try {
      value = JSON.stringify(JSON.parse(text)); // compact on the wire: the tail pretty-prints it again
    } catch (e) {
      if (warned !== text) {
        const reason = jsonReason((e as Error).message);
        const at = jsonErrorAt(text, reason);
        setWarned(text);
        // the cursor goes where it broke
        if (at)
          setDraft((d) => ({ ...d, field: 'value', value: { ...d.value, row: Math.min(at.row, d.value.lines.length - 1), col: at.col } }));
        const where = at ? ` (line ${at.row + 1}, column ${at.col + 1})` : '';
        return say(
          `✘ not JSON: ${reason.replace(/ in JSON at position \d+/, '')}${where}. ctrl-s again sends it as text — a consumer expecting JSON dead-letters it${topic.endsWith('.dlq') ? '' : ` to ${topic}.dlq`}`,
          true,
        );
      }
      value = text.trim();
    }
    setBusy(true);
    say(`sending to ${topic} …`, false);
    send({ key: key.text === '' ? null : key.text, headers: parsed, value }).catch((e: Error) => {
      setBusy(false);
      say(`✘ could not send: ${e.message}`, true);
    });
  };

  const external = (): void => {
    openEditor(textOf(area)).then(
      (text) => {
        const next: Draft = { ...draft, value: areaOf(text), top: 0, field: 'value' };
        setDraft(next);
        say('edited in $EDITOR — ctrl-s sends it, esc cancels', false, next);
      },
      (e: Error) => say(`✘ ${e.message}`, true),
    );
  };

  useKeys(
    (input, k) => {
      if (busy) return;
      if (k.escape) return cancel();
      if (k.ctrl && (input === 's' || input === 'd')) return attempt();
      if (k.ctrl && input === 'o') return external();
      setDraft((d) => step(d, input, k, areaRows));
    },
    { isActive: focused },
  );

  const label = (f: Field, text: string) => <Text bold={field === f}>{`${field === f ? '›' : ' '} ${text.padEnd(8)} `}</Text>;
  const lineField = (f: Field, s: LineState, placeholder: string) => {
    const room = Math.max(4, width - 11);
    if (field !== f)
      return (
        <Text dimColor={!s.text} wrap="truncate">
          {s.text || placeholder}
        </Text>
      );
    const start = Math.max(0, s.cursor - room + 1);
    const shown = s.text.slice(start, start + room);
    const c = s.cursor - start;
    return (
      <Text wrap="truncate">
        {shown.slice(0, c)}
        <Text inverse>{shown[c] ?? ' '}</Text>
        {shown.slice(c + 1)}
      </Text>
    );
  };

  const first = firstVisibleRow(area, areaRows, top); // the window may have shrunk since
  const rows = area.lines.slice(first, first + areaRows);
  const textWidth = Math.max(4, width - 2);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box width={width}>
        <Box flexShrink={0}>
          <Text bold>{`produce to ${topic}`}</Text>
        </Box>
        <Text dimColor wrap="truncate">
          {' · ctrl-s send · tab field · ctrl-o $EDITOR · esc cancel'}
        </Text>
      </Box>
      <Box width={width}>
        {label('key', 'key')}
        {lineField('key', key, '(none)')}
      </Box>
      <Box width={width}>
        {label('headers', 'headers')}
        {lineField('headers', headers, '(none: name=value, name=value)')}
      </Box>
      <Box width={width}>
        {label('value', 'value')}
        <Text
          dimColor
          wrap="truncate"
        >{`line ${area.row + 1} of ${area.lines.length}${area.lines.length > areaRows ? ` · showing ${first + 1}–${first + rows.length}` : ''}`}</Text>
      </Box>
      <Box flexDirection="column" width={width} height={areaRows}>
        {rows.map((line, i) => {
          const r = first + i;
          if (field !== 'value' || r !== area.row)
            return (
              <Text key={r} wrap="truncate">
                {`  ${line}` || ' '}
              </Text>
            );
          // the cursor's row scrolls sideways to keep the cursor on screen
          const start = Math.max(0, area.col - textWidth + 1);
          const shown = line.slice(start);
          const c = area.col - start;
          return (
            <Text key={r} wrap="truncate">
              {`  ${shown.slice(0, c)}`}
              <Text inverse>{shown[c] ?? ' '}</Text>
              {shown.slice(c + 1)}
            </Text>
          );
        })}
      </Box>
      <Box width={width} height={2}>
        <Text wrap="wrap" color={wb.color && message?.bad ? 'red' : undefined} dimColor={!message?.bad}>
          {message?.text ?? ' '}
        </Text>
      </Box>
    </Box>
  );
}
