/**
 * Insert or edit one row: a field per column, typed into directly. Saving goes through the API (the
 * caller's onSubmit); a refusal is shown under the fields — the rule and its message — and the form
 * stays as typed, to correct and save again.
 */
import { useMemo, useState } from 'react';
import { useLatestState } from './use-latest-state.js';
import { Box, Text } from 'ink';
import { useKeys } from '../use-keys.js';
import type { Row } from '../../store/types.js';
import { fit, useScrollTop } from '../components/DataGrid.js';
import { label, labelWidth } from '../components/labels.js';
import type { ApiFailure } from './api-client.js';
import { formFields, formValues, initialTexts, parseField, type FormMode } from './form-values.js';
import type { TableSource } from './source.js';

export interface RowFormProps {
  source: TableSource;
  table: string;
  mode: FormMode;
  /** the row being edited, or the values a new row starts with (a child list's foreign key) */
  values: Row;
  /** "Edit Customer ALFKI", "New OrderDetail" */
  title: string;
  width: number;
  height: number;
  active: boolean;
  color: boolean;
  /** saves the values; resolves to the API's failure, or null when it was saved */
  onSubmit(values: Row): Promise<ApiFailure | null>;
  onCancel(): void;
}

export function RowForm(props: RowFormProps) {
  const { source, table, mode, width, height, color } = props;
  const info = source.table(table);
  const fields = useMemo(
    () => formFields(info, source.view(table).columns, mode, source.writable(table, mode === 'insert' ? 'insert' : 'update')),
    [info, source, table, mode],
  );
  const initial = useMemo(() => initialTexts(fields, props.values), [fields, props.values]);
  // read through refs in the key handler: several keys may come between two renders
  const [texts, setTexts, textsRef] = useLatestState<Record<string, string>>(initial);
  const [cursor, setCursor, cursorRef] = useLatestState(() =>
    Math.max(
      0,
      fields.findIndex((f) => !f.readOnly),
    ),
  );
  const [saving, setSaving, savingRef] = useLatestState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const saveIndex = fields.length;

  const submit = () => {
    const { values, errors } = formValues(fields, textsRef.current, initial, mode);
    setFieldErrors(errors);
    const wrong = Object.keys(errors);
    if (wrong.length) {
      setFailure({ status: 0, title: 'Check the fields', detail: `${wrong.map((c) => `${c}: ${errors[c]}`).join(', ')}` });
      return;
    }
    if (mode === 'edit' && Object.keys(values).length === 0) {
      setFailure({ status: 0, title: 'Nothing changed', detail: 'change a field, or esc to leave' });
      return;
    }
    setSaving(true);
    setFailure(null);
    void props.onSubmit(values).then((f) => {
      // on success the caller closes the form; on failure everything typed stays
      setSaving(false);
      if (f) {
        setFailure(f);
        if (f.attribute) setFieldErrors({ [f.attribute]: 'refused' });
      }
    });
  };

  useKeys(
    (input, key) => {
      if (savingRef.current) return;
      const at = cursorRef.current;
      const field = fields[at];
      if (key.escape) return props.onCancel();
      if (key.upArrow) return setCursor((c) => Math.max(0, c - 1));
      if (key.downArrow) return setCursor((c) => Math.min(saveIndex, c + 1));
      if (key.return) return at === saveIndex ? submit() : setCursor((c) => Math.min(saveIndex, c + 1));
      if (key.ctrl && input === 's') return submit();
      if (!field || field.readOnly) return;
      const name = field.column.name;
      if (key.backspace || key.delete) return setTexts((t) => ({ ...t, [name]: [...(t[name] ?? '')].slice(0, -1).join('') }));
      if (key.ctrl && input === 'u') return setTexts((t) => ({ ...t, [name]: '' }));
      if (input && !key.ctrl && !key.meta && !key.tab && !/[\r\n\u001b]/.test(input))
        setTexts((t) => ({ ...t, [name]: (t[name] ?? '') + input }));
    },
    { isActive: props.active },
  );

  // title, then fields and the Save line in a scrolled window, then the outcome (one or two lines)
  const messageLines = failure ? 2 : 1;
  const visible = Math.max(1, height - 1 - messageLines);
  const shownTop = useScrollTop(cursor, visible, saveIndex + 1);
  const nameWidth = labelWidth(
    fields.map((f) => f.column.name),
    width,
  );
  const lines = [];
  for (let i = shownTop; i < Math.min(saveIndex + 1, shownTop + visible); i++) {
    const selected = i === cursor;
    if (i === saveIndex) {
      lines.push(
        <Text key="save" inverse={selected && color} bold={color}>
          {fit(`${selected ? '›' : ' '} [ ${saving ? 'saving…' : 'Save'} ]  enter saves · esc cancels`, width)}
        </Text>,
      );
      continue;
    }
    const { column, readOnly, notGranted } = fields[i]!;
    const text = texts[column.name] ?? '';
    const hint = notGranted
      ? `(${source.viewer} may not set it)`
      : readOnly
        ? mode === 'insert'
          ? '(generated)'
          : ''
        : lookupHint(props, column.name, texts);
    const err = fieldErrors[column.name];
    const caret = selected && !readOnly ? '▏' : '';
    const line = `${selected ? '›' : ' '} ${label(column.name, nameWidth)} ${readOnly ? '' : '['}${text}${caret}${readOnly ? '' : ']'}${hint ? ` ${hint}` : ''}${err ? `  ✘ ${err}` : ''}`;
    lines.push(
      <Text
        key={column.name}
        inverse={selected && color}
        dimColor={readOnly && color}
        color={err && color ? 'red' : undefined}
        wrap="truncate"
      >
        {fit(line, width)}
      </Text>,
    );
  }

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold={color} wrap="truncate">
        {fit(props.title, width)}
      </Text>
      {lines}
      {failure ? (
        <Box flexDirection="column">
          <Text color={color ? 'red' : undefined} wrap="truncate">
            {fit(`✘ ${failure.rule ? `refused by ${failure.rule}` : failure.title}`, width)}
          </Text>
          <Text color={color ? 'red' : undefined} wrap="truncate">
            {fit(`  ${failure.detail}`, width)}
          </Text>
        </Box>
      ) : (
        <Text dimColor={color} wrap="truncate">
          {fit(mode === 'insert' ? '  empty fields are left to defaults and rules' : '  only changed fields are sent', width)}
        </Text>
      )}
    </Box>
  );
}

/** beside a foreign key field: the parent it names ("→ Chang"), or that there is none */
function lookupHint(props: RowFormProps, column: string, texts: Record<string, string>): string {
  const info = props.source.table(props.table);
  const fk = info.parents.find((p) => p.childColumns[0] === column);
  if (!fk) return '';
  const values: Row = {};
  for (const c of fk.childColumns) {
    const parsed = parseField(info.columnsByName.get(c)!, texts[c] ?? '');
    if ('error' in parsed) return '';
    values[c] = parsed.value;
  }
  const parent = props.source.parentOf(fk, values);
  if (!parent) return '';
  if (parent.missing) return `→ no such ${parent.table}`;
  return `→ ${parent.display ?? parent.table}`;
}
