/** How the Trace pane writes values, keys, times and durations: one place, so list, chain and row box agree. */
import type { Key, Value } from '../../store/types.js';
import { KEY_SEPARATOR } from '../../rules/keys.js';

/** a value as the logic log writes it: strings quoted, so "null" and null stay apart */
export function showValue(v: Value | undefined): string {
  if (v === undefined) return '∅';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object') return '<blob>'; // a Uint8Array, or what JSON made of one
  return String(v);
}

/** a key as the logic log writes it: bare, composite parts joined by "," (as the API and Tables show it) */
export function showKey(k: Key | undefined): string {
  if (k === undefined) return '';
  if (k !== null && typeof k === 'object' && !(k instanceof Uint8Array))
    return Object.values(k)
      .map((v) => showValue(v).replace(/^"(.*)"$/, '$1'))
      .join(KEY_SEPARATOR);
  return showValue(k as Value).replace(/^"(.*)"$/, '$1');
}

const two = (n: number): string => String(n).padStart(2, '0');

/** HH:MM:SS.mmm in local time: the pane shows today's traffic, the date would only take room */
export function showTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '--:--:--.---';
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** at most 5 characters (under a day): 0.4ms, 7.6ms, 123ms, 1.2s, 75s */
export function showDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  // thresholds where rounding would add a digit ("10.0ms", "1000ms")
  if (ms < 9.95) return `${ms.toFixed(1)}ms`;
  if (ms < 999.5) return `${Math.round(ms)}ms`;
  if (ms < 9950) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.round(ms / 1000)}s`;
}

/** cuts to `width` characters with an ellipsis, or pads to it: columns line up without relying on Ink's wrapping */
export function fit(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const chars = [...s];
  if (chars.length > width) return width === 1 ? '…' : `${chars.slice(0, width - 1).join('')}…`;
  return align === 'left' ? s.padEnd(width + s.length - chars.length) : s.padStart(width + s.length - chars.length);
}

/** 12345 → "12,345" */
export const count = (n: number): string => n.toLocaleString('en-US');
