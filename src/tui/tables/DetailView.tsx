/**
 * One row: its child lists first (where enter walks down), then its fields, each foreign key with
 * the parent's name ("ProductId 2 → Chang", enter opens the parent).
 */
import { Box, Text } from 'ink';
import { fit } from '../components/DataGrid.js';
import { label, labelWidth } from '../components/labels.js';
import type { ChildList, FieldDetail, RowDetail } from './source.js';

export type DetailItem = { kind: 'child'; child: ChildList } | { kind: 'field'; field: FieldDetail };

export function detailItems(detail: RowDetail): DetailItem[] {
  return [
    ...detail.children.map((child) => ({ kind: 'child' as const, child })),
    ...detail.fields.map((field) => ({ kind: 'field' as const, field })),
  ];
}

export interface DetailViewProps {
  detail: RowDetail;
  /** the title line ("Customer ALFKI · Alfreds Futterkiste"); left out when it would only repeat the breadcrumb */
  showTitle: boolean;
  cursor: number;
  /** the first item shown */
  top: number;
  width: number;
  height: number;
  active: boolean;
  color: boolean;
}

export function DetailView({ detail, showTitle, cursor, top, width, height, active, color }: DetailViewProps) {
  const items = detailItems(detail);
  const nameWidth = labelWidth(
    detail.fields.map((f) => f.column),
    width,
  );
  const visible = Math.max(0, height - (showTitle ? 1 : 0));
  const lines = items.slice(top, top + visible).map((item, i) => {
    const index = top + i;
    const selected = active && index === cursor;
    const mark = selected ? '›' : ' ';
    if (item.kind === 'child') {
      const { name, count } = item.child;
      return (
        <Text key={`c${name}`} inverse={selected && color} color={color && !selected ? 'cyan' : undefined} wrap="truncate">
          {fit(`${mark} ↳ ${name} (${count})`, width)}
        </Text>
      );
    }
    const { column, text, parent } = item.field;
    const link = parent ? (parent.missing ? `  → no ${parent.table} ${text}` : `  → ${parent.display ?? parent.table}`) : '';
    return (
      <Text key={`f${column}`} inverse={selected && color} wrap="truncate">
        {fit(`${mark} ${label(column, nameWidth)}  ${text === '' ? '·' : text}${link}`, width)}
      </Text>
    );
  });
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {showTitle && (
        <Text bold={color} wrap="truncate">
          {fit(`  ${detail.title}`, width)}
        </Text>
      )}
      {lines}
    </Box>
  );
}
