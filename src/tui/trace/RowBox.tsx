/** "Row at this step": the step being looked at, and the affected row's values once it has fired. */
import { Box, Text } from 'ink';
import type { TxRecord } from '../../runtime/protocol.js';
import { fit, showKey, showValue } from './format.js';
import { causeOf, chainLines, rowAtStep, stepIndex, type ColumnAtStep } from './model.js';

export interface RowBoxProps {
  record: TxRecord;
  step: number;
  width: number;
  /** at most this many lines of column values (the box adds 5: border, step, change, cause) */
  maxGridLines: number;
  color: boolean;
}

/** what leads to a step that no other step caused */
const uncaused: Partial<Record<string, string>> = {
  constraint: "checked once every row is done, on the row's final values",
  afterFlush: 'run after the writes',
  commit: 'run at commit',
};

/** "Amount 38000": changed here marked with *, so it shows without colour */
const cell = (c: ColumnAtStep): string => `${c.changedHere ? '*' : ''}${c.name} ${showValue(c.value)}`;

/** the column values laid out in as many columns as fit */
export function gridOf(columns: ColumnAtStep[], inner: number): ColumnAtStep[][] {
  const cellWidth = Math.min(inner, Math.max(1, ...columns.map((c) => cell(c).length)) + 2);
  const perLine = Math.max(1, Math.floor((inner + 2) / cellWidth));
  const lines: ColumnAtStep[][] = [];
  for (let i = 0; i < columns.length; i += perLine) lines.push(columns.slice(i, i + perLine));
  return lines;
}

/** the box's lines besides the values: two borders, the step, its change, its cause */
export const BOX_LINES = 5;

/** how tall the box will be, so the chain above can take the rest */
export function rowBoxHeight(record: TxRecord, step: number, width: number, maxGridLines: number): number {
  const row = rowAtStep(record, stepIndex(record, step));
  const grid = row ? gridOf(row.columns, width - 4).length : 0;
  return BOX_LINES + Math.max(1, Math.min(grid, maxGridLines));
}

export function RowBox({ record, step, width, maxGridLines, color }: RowBoxProps) {
  // `step` is the line of the chain (as drawn); the replay goes by the step's place in firing order
  const line = chainLines(record)[step];
  const row = line && rowAtStep(record, line.index);
  if (!line || !row) return null;
  const inner = width - 4;
  const cause = causeOf(record, line.index);
  const here = row.columns.find((c) => c.name === record.trace[line.index]!.column);
  const what =
    line.verdict === 'failed'
      ? `✘ FAILED: ${line.note ?? ''}`
      : line.verdict === 'held'
        ? '✔ held'
        : here
          ? `${here.name} ${showValue(here.was)} → ${showValue(here.value)}`
          : (line.note ?? (line.kind === 'insert' || line.kind === 'update' || line.kind === 'delete' ? line.kind : ''));
  const grid = gridOf(row.columns, inner);
  const shown = grid.slice(0, Math.max(1, maxGridLines));
  const hidden = grid.slice(shown.length).reduce((n, l) => n + l.length, 0);
  const cellWidth = Math.min(inner, Math.max(1, ...row.columns.map((c) => cell(c).length)) + 2);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color ? 'cyan' : undefined} width={width} paddingX={1}>
      <Text bold wrap="truncate">
        {fit(`step ${step + 1}/${record.trace.length}  ${line.kind}  ${line.rule ?? ''}`.trimEnd(), inner)}
      </Text>
      <Text wrap="truncate" color={color && line.verdict === 'failed' ? 'red' : undefined}>
        {fit(`${row.table} ${row.key}${row.state === 'existing' ? '' : ` (${row.state})`}: ${what}`, inner)}
      </Text>
      <Text wrap="truncate" dimColor>
        {fit(
          cause
            ? `caused by #${cause.seq} ${cause.kind} ${cause.table} ${showKey(cause.key)}${cause.rule ? `  ${cause.rule}` : ''}`
            : (uncaused[line.kind] ?? 'an operation of the transaction'),
          inner,
        )}
      </Text>
      {row.columns.length === 0 ? (
        <Text dimColor>no column values in the trace for this row</Text>
      ) : (
        shown.map((cells, i) => (
          <Text key={i} wrap="truncate">
            {cells.map((c) => (
              <Text
                key={c.name}
                bold={c.changedHere}
                color={color && c.changedHere ? 'yellow' : undefined}
                dimColor={!c.changedSoFar && !c.changedHere}
              >
                {fit(cell(c), cellWidth)}
              </Text>
            ))}
            {i === shown.length - 1 && hidden ? <Text dimColor>+{hidden} more</Text> : null}
          </Text>
        ))
      )}
    </Box>
  );
}
