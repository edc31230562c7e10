/** The transaction list: a header and only the visible rows (the store may hold thousands). */
import { Box, Text } from 'ink';
import { fit } from './format.js';
import { listRow, type TxRow } from './model.js';
import type { TxView } from './view.js';

export interface TxListProps {
  view: TxView;
  /** position of the first visible row */
  top: number;
  /** rows of transactions (the header comes on top of them) */
  rows: number;
  /** position of the selected transaction, -1 for none */
  selected: number;
  width: number;
  /** the list has the keys (not the chain): the selection is drawn strongly */
  active: boolean;
  color: boolean;
  empty: string;
}

const TIME = 12;
const DURATION = 5;
const RULES = 5;

/** column widths from what is on screen: short origins ("api · ALFKI") and roots leave the refusing rule its room */
function columns(visible: TxRow[], width: number): { origin: number; root: number; outcome: number } {
  const origin = Math.min(16, Math.max(6, ...visible.map((r) => r.origin.length)));
  // marker, time, origin, (root), duration, rules, then "✘ " before the outcome text
  const fixed = 2 + TIME + 1 + origin + 1 + 1 + DURATION + 1 + RULES + 1 + 2;
  const wanted = Math.min(18, Math.max(8, ...visible.map((r) => r.root.length)));
  const root = Math.max(8, Math.min(wanted, width - fixed - 16));
  return { origin, root, outcome: Math.max(1, width - fixed - root) };
}

const outcomeColor = (r: TxRow): string => (r.outcome === 'committed' ? 'green' : r.outcome === 'rejected' ? 'red' : 'yellow');

export function TxList({ view, top, rows, selected, width, active, color, empty }: TxListProps) {
  const visible: TxRow[] = [];
  for (let i = top; i < Math.min(view.length, top + rows); i++) visible.push(listRow(view.record(i)!));
  const w = columns(visible, width);
  const header = `  ${fit('time', TIME)} ${fit('origin', w.origin)} ${fit('root row', w.root)} ${fit('dur', DURATION, 'right')} ${fit('rules', RULES, 'right')} outcome`;
  return (
    <Box flexDirection="column" width={width} height={rows + 1}>
      <Text dimColor wrap="truncate">
        {fit(header, width)}
      </Text>
      {visible.length === 0 ? (
        <Text dimColor wrap="truncate">
          {'  '}
          {empty}
        </Text>
      ) : (
        visible.map((r, k) => {
          const isSelected = top + k === selected;
          return (
            <Text key={top + k} wrap="truncate" inverse={color && isSelected && active} bold={isSelected && !color}>
              {isSelected ? '› ' : '  '}
              {fit(r.time, TIME)} {fit(r.origin, w.origin)} {fit(r.root, w.root)} {fit(r.duration, DURATION, 'right')}{' '}
              {fit(String(r.rules), RULES, 'right')}{' '}
              <Text color={color ? outcomeColor(r) : undefined}>
                {r.symbol} {fit(r.outcomeText, w.outcome)}
              </Text>
            </Text>
          );
        })
      )}
    </Box>
  );
}
