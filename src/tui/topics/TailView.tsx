/** A topic's messages as they arrive, newest at the bottom; scrolled back, the view stays put. */
import { Box, Text } from 'ink';
import type { Line, Tone } from './format.js';
import type { TailSession } from './tail-session.js';
import { TAIL_RECENT } from './tail-session.js';

export interface TailViewProps {
  tail: TailSession;
  lines: Line[];
  /** the first line shown, or null to follow the newest */
  top: number | null;
  width: number;
  height: number;
  color: boolean;
}

/** rows under the title and hint lines */
export const tailRows = (height: number): number => Math.max(1, height - 2);

/** the first line on screen for `top` (null: the last screenful) */
export const firstShown = (total: number, rows: number, top: number | null): number =>
  top === null ? Math.max(0, total - rows) : Math.max(0, Math.min(top, Math.max(0, total - rows)));

const toneStyle = (tone: Tone, color: boolean): { color?: string; bold?: boolean; dimColor?: boolean } =>
  tone === 'head'
    ? { bold: true, color: color ? 'cyan' : undefined }
    : tone === 'bad'
      ? { color: color ? 'red' : undefined }
      : tone === 'dim'
        ? { dimColor: true }
        : {};

export function TailView({ tail, lines, top, width, height, color }: TailViewProps) {
  const rows = tailRows(height);
  const first = firstShown(lines.length, rows, top);
  const shown = lines.slice(first, first + rows);
  const state = tail.status === 'live' ? '● live' : tail.status === 'starting' ? '◌ starting …' : `✘ ${tail.error ?? 'stopped'}`;
  const from = tail.fromBeginning ? 'from the beginning' : `last ${TAIL_RECENT} per partition, then live`;
  const where = top === null ? '' : ` · scrolled: ${first} lines above, ${Math.max(0, lines.length - first - rows)} below`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box width={width}>
        <Box flexShrink={0}>
          <Text bold>{`${tail.topic}${tail.topic.endsWith('.dlq') ? ' (DLQ)' : ''}`}</Text>
        </Box>
        <Text wrap="truncate" color={color && tail.status === 'failed' ? 'red' : undefined} dimColor={tail.status !== 'failed'}>
          {` · ${tail.messages.length} message${tail.messages.length === 1 ? '' : 's'} · ${state}${where} · ${from}`}
        </Text>
      </Box>
      <Text dimColor wrap="truncate">
        ↑↓ pgup pgdn scroll · end follow · b from the beginning · p produce · esc back
      </Text>
      {shown.length === 0 && (
        <Text dimColor wrap="truncate">
          {tail.status === 'failed' ? '' : 'no messages yet: they appear as they are produced (p produces one)'}
        </Text>
      )}
      {shown.map((l, i) => (
        <Text key={first + i} wrap="truncate" {...toneStyle(l.tone, color)}>
          {l.text || ' '}
        </Text>
      ))}
    </Box>
  );
}
