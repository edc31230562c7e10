/** The left column: every table (and view) with its row count, the selected one marked "›". */
import { Box, Text } from 'ink';
import { fit, useScrollTop } from '../components/DataGrid.js';
import type { TableSummary } from './source.js';

export interface TableListProps {
  tables: TableSummary[];
  cursor: number;
  width: number;
  height: number;
  /** the list has the keys (otherwise the selection is still marked, dimmer) */
  active: boolean;
  color: boolean;
}

export function TableList({ tables, cursor, width, height, active, color }: TableListProps) {
  const top = useScrollTop(cursor, height, tables.length);
  const inner = width - 1; // the last column is the separator
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {tables.slice(top, top + height).map((t, i) => {
        const selected = top + i === cursor;
        const count = String(t.rows);
        const name = fit(t.name, Math.max(1, inner - 3 - count.length));
        const line = `${selected ? '›' : ' '} ${name}${' '.repeat(Math.max(1, inner - 2 - name.length - count.length))}${count}`;
        return (
          <Text key={t.name} inverse={selected && active && color} bold={selected && !active && color} wrap="truncate">
            {fit(line, inner).padEnd(inner)}│
          </Text>
        );
      })}
    </Box>
  );
}
