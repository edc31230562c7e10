/**
 * One transaction in full: its outcome on top (a refusal in red, with the rule and ✘), then its rule
 * chain as a tree, and while stepping the "row at this step" box under it.
 */
import { plural } from '../../plural.js';
import { Box, Text } from 'ink';
import { useRef } from 'react';
import type { TxRecord } from '../../runtime/protocol.js';
import { fit, showKey, showTime } from './format.js';
import { chainLines, listRow, type ChainLine } from './model.js';
import { BOX_LINES, RowBox, rowBoxHeight } from './RowBox.js';

export interface TxDetailProps {
  record: TxRecord;
  width: number;
  height: number;
  /** the step being looked at, when stepping through the chain */
  step: number | undefined;
  color: boolean;
}

interface HeaderLine {
  text: string;
  tone: 'bad' | 'ok' | 'warn' | 'dim';
}

export function headerLines(r: TxRecord): HeaderLine[] {
  const row = listRow(r);
  const about = `tx ${r.tx} · ${r.origin}${r.user ? ` · ${r.user}` : ''} via ${r.child} · ${showTime(r.at)} · ${row.duration} · ${plural(r.trace.length, 'step')}, ${plural(row.rules, 'rule')}`;
  if (!r.ok) {
    const e = r.error;
    const by = e?.rule ? `rejected by ${e.rule}` : `rejected: ${e?.kind ?? 'error'}`;
    const where = e?.table ? `${e.table} ${showKey(e.key)}: ` : '';
    return [
      { text: `✘ ${by}${r.dryRun ? ' (dry run)' : ''}`, tone: 'bad' },
      { text: `  ${where}${e?.message ?? ''}${e?.pointer ? ` (${e.pointer})` : ''} · nothing written`, tone: 'bad' },
      { text: about, tone: 'dim' },
    ];
  }
  if (r.dryRun)
    return [
      { text: '◌ dry run: every rule ran, then it rolled back', tone: 'warn' },
      { text: about, tone: 'dim' },
    ];
  const rows = r.changes.length;
  return [
    { text: `✔ committed · ${rows} row${rows === 1 ? '' : 's'} changed`, tone: 'ok' },
    { text: about, tone: 'dim' },
  ];
}

const toneColor = { bad: 'red', ok: 'green', warn: 'yellow', dim: undefined } as const;

/** one step of the chain, as pieces to colour; plain text reads the same without colour */
function ChainText({ line, current, color }: { line: ChainLine; current: boolean; color: boolean }) {
  const c = (name: string): string | undefined => (color ? name : undefined);
  const head = `${current ? '› ' : '  '}${String(line.seq).padStart(3)} ${line.guide}`;
  const failed = line.verdict === 'failed';
  return (
    <Text wrap="truncate" inverse={color && current} bold={current && !color}>
      <Text dimColor={!current}>{head}</Text>
      <Text color={c(failed ? 'red' : 'cyan')} bold={failed}>
        {line.kind.padEnd(10)}
      </Text>{' '}
      {line.where}
      {line.change ? <Text color={c('yellow')}>{`  ${line.change}`}</Text> : null}
      {line.verdict === 'failed' ? (
        <Text color={c('red')} bold>{`  ✘ FAILED ${line.rule}: ${line.note ?? ''}`}</Text>
      ) : line.verdict === 'held' ? (
        <Text color={c('green')}>{`  ✔ ${line.rule}`}</Text>
      ) : line.rule && line.kind !== 'log' ? (
        <Text dimColor={!current}>{`  ${line.rule}`}</Text>
      ) : null}
      {line.note && !line.verdict ? <Text dimColor={!current}>{line.kind === 'log' ? `  "${line.note}"` : `  (${line.note})`}</Text> : null}
      {line.cause !== undefined ? <Text dimColor={!current}>{`  ←${line.cause}`}</Text> : null}
    </Text>
  );
}

export function TxDetail({ record, width, height, step, color }: TxDetailProps) {
  const header = headerLines(record);
  const lines = chainLines(record);
  const stepping = step !== undefined;
  // the box gets what is left after the header and a few chain lines, but no more than it needs
  const boxHeight = stepping ? Math.min(rowBoxHeight(record, step, width, 6), Math.max(BOX_LINES + 1, height - header.length - 3)) : 0;
  const chainRows = Math.max(1, height - header.length - boxHeight);
  const top = useRef(0);
  // keep the current step in sight with a line of context either side when there is room
  const margin = chainRows >= 5 ? 1 : 0;
  if (stepping) {
    let t = top.current;
    if (step < t + margin) t = step - margin;
    if (step > t + chainRows - 1 - margin) t = step - chainRows + 1 + margin;
    top.current = Math.max(0, Math.min(t, lines.length - chainRows));
  } else top.current = 0;
  const visible = lines.slice(top.current, top.current + chainRows);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {header.map((h, i) => (
        <Text
          key={i}
          wrap="truncate"
          color={color ? toneColor[h.tone] : undefined}
          bold={h.tone === 'bad' && i === 0}
          dimColor={h.tone === 'dim'}
        >
          {fit(h.text, width)}
        </Text>
      ))}
      <Box flexDirection="column" height={chainRows} overflow="hidden">
        {visible.map((line, i) => (
          <ChainText key={line.index} line={line} current={stepping && top.current + i === step} color={color} />
        ))}
      </Box>
      {stepping ? <RowBox record={record} step={step} width={width} maxGridLines={boxHeight - BOX_LINES} color={color} /> : null}
    </Box>
  );
}
