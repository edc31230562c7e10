/**
 * Messages and figures as lines of text for the Topics pane, laid out to a width by hand: each line
 * the pane draws fits in one row, so scrolling counts rows exactly. Like `alsx tail`: a head with
 * partition, offset, time and key, the headers, then the value (JSON pretty-printed).
 */
import type { TopicMessage } from './source.js';

/** how a line is drawn: `bad` for dead-letter reasons, `head` for a message's first line */
export type Tone = 'head' | 'dim' | 'bad' | 'body';

export interface Line {
  text: string;
  tone: Tone;
}

/** splits `text` into rows of at most `width` characters; continued rows keep the indentation, plus two */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(8, width);
  if (text.length <= w) return [text];
  const indent = ' '.repeat(Math.min((/^ */.exec(text)?.[0].length ?? 0) + 2, Math.floor(w / 2)));
  const rows = [text.slice(0, w)];
  for (let i = w; i < text.length; i += w - indent.length) rows.push(indent + text.slice(i, i + w - indent.length));
  return rows;
}

/** the value as shown: JSON pretty-printed, text as it is, a tombstone as (null) */
export function valueText(m: TopicMessage): string {
  if (m.text === null) return '(null: no value)';
  return m.json !== undefined ? JSON.stringify(m.json, null, 2) : m.text;
}

const cache = new WeakMap<TopicMessage, { width: number; lines: Line[] }>();

/** one message as rows `width` wide, ending with a blank separator row */
export function messageLines(m: TopicMessage, width: number): Line[] {
  const hit = cache.get(m);
  if (hit?.width === width) return hit.lines;
  const lines: Line[] = [];
  const push = (text: string, tone: Tone) => {
    for (const t of wrap(text, width)) lines.push({ text: t, tone });
  };
  const dead = 'alsx-error' in m.headers;
  push(
    `[${m.partition}] @${m.offset}  ${m.timestamp.replace('T', ' ').replace('Z', '')}${m.key !== null ? `  key ${m.key}` : ''}${dead ? '  ✘ dead letter' : ''}${m.json === undefined && m.text !== null ? '  (not JSON)' : ''}`,
    'head',
  );
  for (const [k, v] of Object.entries(m.headers)) push(`  ${k}: ${v}`, k.startsWith('alsx-error') ? 'bad' : 'dim');
  for (const row of valueText(m).split('\n')) push(`  ${row}`, 'body');
  lines.push({ text: '', tone: 'body' });
  cache.set(m, { width, lines });
  return lines;
}

/** pads or cuts `text` to exactly `width` characters (an ellipsis marks the cut) */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text.padEnd(width);
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

export const count = (n: number): string => n.toLocaleString('en-US');

/** "—" for no commit yet */
export const lagText = (lag: number | null): string => (lag === null ? '—' : count(lag));
