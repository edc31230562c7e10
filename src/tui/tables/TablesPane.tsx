/**
 * The Tables pane: every table with its row count on the left, the selected table's rows on the
 * right (paged from SQLite, only the visible ones), a row's detail with its parents named and its
 * children listed, walked down and back along a breadcrumb. Writes go through the project's API, so
 * security and the rules apply; a refusal shows the rule inline.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Box, Text, type Key } from 'ink';
import { useKeys } from '../use-keys.js';
import { idOf, keyOf } from '../../api/jsonapi/model.js';
import type { Row } from '../../store/types.js';
import { DataGrid, fit, keepVisible, type GridColumn } from '../components/DataGrid.js';
import { useModeHints, useWorkbench, type KeyHint, type PaneProps } from '../pane.js';
import { ApiClient, type ApiClientOptions, type ApiFailure } from './api-client.js';
import { DetailView, detailItems } from './DetailView.js';
import { formatValue, isNumeric } from './format.js';
import {
  breadcrumb,
  childFrame,
  detailFrame,
  fitBreadcrumb,
  keyLabel,
  nextSort,
  tableFrame,
  type DetailFrame,
  type Frame,
  type RowsFrame,
} from './navigation.js';
import { RowForm } from './RowForm.js';
import { FilterError, type Page, type RowDetail, type TableSource, type TableSummary } from './source.js';
import { TableList } from './TableList.js';
import { useLatestState } from './use-latest-state.js';

export interface TablesPaneProps extends PaneProps {
  source: TableSource;
  /** writes go through it (a client, or how to make one); without one the pane is read-only */
  api?: ApiClient | ApiClientOptions;
  /** how often to look for other processes' commits (ms); 0: only on `r` */
  pollMs?: number;
}

export const tablesHints: KeyHint[] = [
  { keys: '↑↓ j k', does: 'move' },
  { keys: 'PgUp PgDn g G', does: 'page up/down, first, last' },
  { keys: 'enter →', does: "open: the table's rows, a row's detail, a child list or parent" },
  { keys: 'esc ⌫', does: 'back up the breadcrumb' },
  { keys: '← → h l', does: 'current column (scrolls sideways)' },
  { keys: 's', does: 'sort by the current column: ascending, descending, off' },
  { keys: '/', does: 'filter: Country=Germany AmountTotal>500 CompanyName~fut' },
  { keys: 'a e d', does: 'add, edit, delete a row through the API (rules apply)' },
  { keys: 'r', does: 'refresh counts and rows' },
];

const FORM_HINTS: KeyHint[] = [
  { keys: '↑↓ enter', does: 'field' },
  { keys: 'ctrl-s', does: 'save' },
  { keys: 'ctrl-u', does: 'clear the field' },
  { keys: 'esc', does: 'cancel' },
];
const FILTER_HINTS: KeyHint[] = [
  { keys: 'enter', does: 'apply the filter' },
  { keys: 'esc', does: 'cancel' },
];
const CONFIRM_HINTS: KeyHint[] = [
  { keys: 'y', does: 'delete' },
  { keys: 'any other key', does: 'keep it' },
];

type Focus = 'list' | 'stack';

interface FormSpec {
  table: string;
  mode: 'insert' | 'edit';
  values: Row;
  title: string;
  /** the row's API id when editing */
  id?: string;
}

/** a delete waiting for its y */
interface Confirm {
  table: string;
  row: Row;
  title: string;
}

/** a refusal shown under the rows until the next key: what refused, then why */
interface Inline {
  title: string;
  detail: string;
}

const LIST_MIN_WIDE = 100;

export function TablesPane(props: TablesPaneProps) {
  const { source, width, height, focused } = props;
  const api = useMemo(
    () => (props.api === undefined || props.api instanceof ApiClient ? props.api : new ApiClient(props.api)),
    [props.api],
  );
  const wb = useWorkbench();
  const { color } = wb;
  const [tick, setTick] = useState(0);
  // state the key handler reads through refs: several keys may arrive between two renders
  const [focus, setFocus, focusRef] = useLatestState<Focus>('list');
  const [stack, setStack, stackRef] = useLatestState<Frame[]>(() => {
    const first = source.tables()[0];
    return first ? [tableFrame(first.name)] : [];
  });
  const [draft, setDraft, draftRef] = useLatestState<string | null>(null);
  const [confirm, setConfirm, confirmRef] = useLatestState<Confirm | null>(null);
  const [draftError, setDraftError] = useState<string | null>(null);
  const [form, setForm] = useState<FormSpec | null>(null);
  const [inline, setInline] = useState<Inline | null>(null);
  const tops = useRef(new Map<string, number>());
  const widths = useRef(new Map<string, Map<string, number>>());
  const seenVersion = useRef(source.version);

  const capturing = draft !== null || form !== null;
  // told in the commit that draws the form or filter opened or closed, before the next key is read
  useLayoutEffect(() => {
    wb.setCapturing(capturing);
  }, [capturing]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => () => wb.setCapturing(false), []); // eslint-disable-line react-hooks/exhaustive-deps
  useModeHints(form ? FORM_HINTS : draft !== null ? FILTER_HINTS : confirm ? CONFIRM_HINTS : undefined);

  // other processes (the API, the workers, other applications) commit to the same database: show their changes
  const pollMs = props.pollMs ?? 1000;
  useEffect(() => {
    if (!pollMs) return;
    const timer = setInterval(() => {
      source.changed();
      if (source.version !== seenVersion.current) {
        seenVersion.current = source.version;
        setTick((t) => t + 1);
      }
    }, pollMs);
    return () => clearInterval(timer);
  }, [source, pollMs]);

  const refresh = () => {
    source.refresh();
    seenVersion.current = source.version;
    setTick((t) => t + 1);
  };

  // ── what is on screen ──────────────────────────────────────────────────────────────────────
  void tick; // each tick re-reads the source below
  const tables: TableSummary[] = safe(() => source.tables(), []);
  const listCursor = Math.max(
    0,
    tables.findIndex((t) => t.name === stack[0]?.table),
  );
  const showList = focus === 'list' || width >= LIST_MIN_WIDE;
  const listWidth = showList ? Math.min(28, Math.max(18, Math.floor(width * 0.3))) : 0;
  const mainWidth = Math.max(10, width - listWidth);
  // a refusal or a filter's error takes a second line at the bottom
  const footerLines = (draft !== null && draftError) || (inline && !confirm) ? 2 : 1;
  const bodyHeight = Math.max(1, height - 1 - footerLines);
  const pageSize = Math.max(1, bodyHeight - 2);
  const frame = stack[stack.length - 1];
  const depth = stack.length - 1;
  const frameId = (frames: Frame[], i: number) =>
    `${i}\u0000${frames
      .slice(0, i + 1)
      .map((f) => f.kind + f.table)
      .join('/')}`;

  let rowsView: ReturnType<typeof readRows> | undefined;
  let detailView: ReturnType<typeof readDetail> | undefined;
  if (frame?.kind === 'rows') rowsView = readRows(frame);
  else if (frame?.kind === 'detail') detailView = readDetail(frame);

  function readRows(f: RowsFrame) {
    const visible = bodyHeight - 1;
    const cols = source.view(f.table).columns;
    const info = source.table(f.table);
    let total = 0;
    let page: Page = { rows: [], total: 0, offset: 0 };
    let error: string | undefined;
    const id = frameId(stack, depth);
    try {
      total = source.count(f.table, f.filter, f.where);
      const top = keepVisible(tops.current.get(id) ?? 0, clamp(f.cursor, 0, total - 1), visible, total);
      tops.current.set(id, top);
      page = source.page({ table: f.table, filter: f.filter, where: f.where, sort: f.sort, offset: top, limit: visible });
      total = page.total;
    } catch (e) {
      error = (e as Error).message;
    }
    // column widths only grow while a table is shown, so columns do not jitter while scrolling
    let seen = widths.current.get(f.table);
    if (!seen) widths.current.set(f.table, (seen = new Map()));
    for (const r of page.rows)
      for (const c of cols) seen.set(c, Math.max(seen.get(c) ?? 0, formatValue(info.columnsByName.get(c), r[c] ?? null).length));
    const columns: GridColumn[] = cols.map((c) => ({
      key: c,
      title: c,
      natural: Math.max(seen!.get(c) ?? 0, 1),
      align: isNumeric(info.columnsByName.get(c)) ? 'right' : 'left',
      ...(f.sort?.column === c ? { badge: f.sort.dir === 'asc' ? '↑' : '↓' } : {}),
    }));
    return { total, page, top: tops.current.get(id) ?? 0, cursor: clamp(f.cursor, 0, total - 1), columns, error };
  }

  function readDetail(f: DetailFrame) {
    const detail = safe(() => source.detail(f.table, f.key), undefined);
    const itemCount = detail ? detailItems(detail).length : 0;
    const cursor = clamp(f.cursor, 0, itemCount - 1);
    const showTitle = detail !== undefined && detail.title !== keyLabel(source, f.table, f.key);
    const visible = bodyHeight - (showTitle ? 1 : 0);
    const id = frameId(stack, depth);
    const top = keepVisible(tops.current.get(id) ?? 0, cursor, visible, itemCount);
    tops.current.set(id, top);
    return { detail, cursor, top, itemCount, showTitle };
  }

  // ── the newest frame, read fresh (the key handler may run before the next render) ─────────
  const latest = (): Frame | undefined => stackRef.current[stackRef.current.length - 1];
  const latestTotal = (f: RowsFrame): number => safe(() => source.count(f.table, f.filter, f.where), 0);
  const latestDetail = (f: DetailFrame): RowDetail | undefined => safe(() => source.detail(f.table, f.key), undefined);
  const latestRow = (): Row | undefined => {
    const f = latest();
    if (f?.kind === 'rows') {
      const offset = clamp(f.cursor, 0, latestTotal(f) - 1);
      return safe(
        () => source.page({ table: f.table, filter: f.filter, where: f.where, sort: f.sort, offset, limit: 1 }).rows[0],
        undefined,
      );
    }
    if (f?.kind === 'detail') return latestDetail(f)?.row;
    return undefined;
  };

  const updateTop = (change: (f: Frame) => Frame) => setStack((s) => (s.length ? [...s.slice(0, -1), change(s[s.length - 1]!)] : s));
  const push = (f: Frame) => setStack((s) => [...s, f]);
  const back = () => {
    const s = stackRef.current;
    if (s.length <= 1) return setFocus('list');
    tops.current.delete(frameId(s, s.length - 1));
    setStack(s.slice(0, -1));
  };
  const selectTable = (to: (index: number) => number) => {
    const names = tables.map((t) => t.name);
    const now = Math.max(0, names.indexOf(stackRef.current[0]?.table ?? ''));
    const next = names[clamp(to(now), 0, names.length - 1)];
    if (!next || (next === names[now] && stackRef.current.length === 1)) return;
    tops.current.clear();
    setStack([tableFrame(next)]);
  };
  const moveCursor = (delta: number | 'first' | 'last', count: number) =>
    updateTop((f) => ({
      ...f,
      cursor: delta === 'first' ? 0 : delta === 'last' ? Math.max(0, count - 1) : clamp(f.cursor + delta, 0, count - 1),
    }));

  // ── writing through the API ────────────────────────────────────────────────────────────────
  const needApi = (): boolean => {
    if (api) return true;
    wb.notify('read-only: writes go through the API — start it with `alsx serve`', 'warn');
    return false;
  };

  const openForm = (mode: 'insert' | 'edit') => {
    const f = latest();
    if (!f || !needApi()) return;
    const info = source.table(f.table);
    if (info.isView || !info.primaryKey.length) return wb.notify(`${f.table} is read-only (a view, or no primary key)`, 'warn');
    if (mode === 'insert') {
      const where = f.kind === 'rows' ? f.where : undefined;
      return setForm({
        table: f.table,
        mode,
        values: where ?? {},
        title: `New ${f.table}${where && f.kind === 'rows' ? ` (${f.label})` : ''}`,
      });
    }
    const row = latestRow();
    if (row) setForm({ table: f.table, mode, values: row, title: `Edit ${source.titleOf(f.table, row)}`, id: idOf(info, row) });
  };

  const submitForm = async (values: Row): Promise<ApiFailure | null> => {
    if (!form || !api) return null;
    // the API's names for the table and its columns ("Order Details" is OrderDetails there)
    const r = source.resource(form.table);
    const attributes = Object.fromEntries(Object.entries(values).map(([c, v]) => [r.memberOf.get(c) ?? c, v]));
    const res = form.mode === 'insert' ? await api.create(r.type, attributes) : await api.update(r.type, form.id!, attributes);
    if (!res.ok)
      return { ...res.error, attribute: res.error.attribute && (r.attributesByName.get(res.error.attribute)?.name ?? res.error.attribute) };
    setForm(null);
    refresh();
    if (form.mode === 'insert') selectCreated(form.table, res.value.id);
    wb.notify(`${form.table} ${res.value.id} ${form.mode === 'insert' ? 'created' : 'saved'}`, 'ok');
    return null;
  };

  /** the cursor on the row just created: in the list it was added from, or its detail in place of the one open */
  const selectCreated = (table: string, id: string) => {
    const key = keyOf(source.table(table), id);
    const f = latest();
    if (!key || f?.table !== table) return;
    if (f.kind === 'detail') return setStack((s) => [...s.slice(0, -1), detailFrame(table, key)]);
    const at = safe(() => source.positionOf({ table, filter: f.filter, where: f.where, sort: f.sort }, key), undefined);
    // a row the list's filter leaves out stays out: the cursor stays where it was
    if (at !== undefined) updateTop((fr) => ({ ...fr, cursor: at }));
  };

  const askDelete = () => {
    const f = latest();
    if (!f || !needApi()) return;
    const row = latestRow();
    if (row) setConfirm({ table: f.table, row, title: source.titleOf(f.table, row) });
  };

  const doDelete = async (c: Confirm) => {
    if (!api) return;
    const res = await api.remove(source.resource(c.table).type, idOf(source.table(c.table), c.row));
    if (!res.ok) return setInline(refusal(res.error));
    if (latest()?.kind === 'detail') back();
    refresh();
    wb.notify(`${c.title} deleted`, 'ok');
  };

  // ── keys ───────────────────────────────────────────────────────────────────────────────────
  useKeys(
    (input, key) => {
      setInline(null);
      const pending = confirmRef.current;
      if (pending) {
        setConfirm(null);
        if (input === 'y') void doDelete(pending);
        return;
      }
      if (draftRef.current !== null) return draftKey(input, key);
      if (input === 'r') return refresh();
      if (focusRef.current === 'list') return listKey(input, key);
      const f = latest();
      if (f?.kind === 'rows') return rowsKey(f, input, key);
      if (f?.kind === 'detail') return detailKey(f, input, key);
    },
    { isActive: focused && form === null },
  );

  function listKey(input: string, key: Key) {
    if (key.upArrow || input === 'k') return selectTable((i) => i - 1);
    if (key.downArrow || input === 'j') return selectTable((i) => i + 1);
    if (key.pageUp) return selectTable((i) => i - pageSize);
    if (key.pageDown) return selectTable((i) => i + pageSize);
    if (input === 'g' || key.home) return selectTable(() => 0);
    if (input === 'G' || key.end) return selectTable(() => tables.length - 1);
    if ((key.return || key.rightArrow || input === 'l') && stackRef.current.length) setFocus('stack');
  }

  function rowsKey(f: RowsFrame, input: string, key: Key) {
    const columns = source.view(f.table).columns;
    const total = () => latestTotal(f);
    if (key.upArrow || input === 'k') return moveCursor(-1, total());
    if (key.downArrow || input === 'j') return moveCursor(1, total());
    if (key.pageUp) return moveCursor(-pageSize, total());
    if (key.pageDown) return moveCursor(pageSize, total());
    if (input === 'g' || key.home) return moveCursor('first', total());
    if (input === 'G' || key.end) return moveCursor('last', total());
    if (key.leftArrow || input === 'h') return updateTop((fr) => ({ ...fr, column: Math.max(0, (fr as RowsFrame).column - 1) }));
    if (key.rightArrow || input === 'l')
      return updateTop((fr) => ({ ...fr, column: Math.min(columns.length - 1, (fr as RowsFrame).column + 1) }));
    if (input === 's') {
      const column = columns[f.column];
      if (column) updateTop((fr) => ({ ...fr, sort: nextSort((fr as RowsFrame).sort, column), cursor: 0 }));
      return;
    }
    if (input === '/') {
      setDraft(f.filter);
      setDraftError(null);
      return;
    }
    if (key.return) {
      const row = latestRow();
      if (row) push(detailFrame(f.table, source.keyOf(f.table, row)));
      return;
    }
    if (input === 'a') return openForm('insert');
    if (input === 'e') return openForm('edit');
    if (input === 'd') return askDelete();
    if (key.escape || key.backspace || key.delete) return back();
  }

  function detailKey(f: DetailFrame, input: string, key: Key) {
    const detail = latestDetail(f);
    const count = detail ? detailItems(detail).length : 0;
    if (key.upArrow || input === 'k') return moveCursor(-1, count);
    if (key.downArrow || input === 'j') return moveCursor(1, count);
    if (key.pageUp) return moveCursor(-pageSize, count);
    if (key.pageDown) return moveCursor(pageSize, count);
    if (input === 'g' || key.home) return moveCursor('first', count);
    if (input === 'G' || key.end) return moveCursor('last', count);
    if ((key.return || key.rightArrow || input === 'l') && detail) {
      const item = detailItems(detail)[clamp(f.cursor, 0, count - 1)];
      if (item?.kind === 'child') push(childFrame(item.child.table, item.child.name, item.child.where));
      else if (item?.kind === 'field' && item.field.parent && !item.field.parent.missing)
        push(detailFrame(item.field.parent.table, item.field.parent.key));
      return;
    }
    if (input === 'a') return openForm('insert');
    if (input === 'e') return openForm('edit');
    if (input === 'd') return askDelete();
    if (key.escape || key.backspace || key.delete || key.leftArrow || input === 'h') return back();
  }

  function draftKey(input: string, key: Key) {
    if (key.escape) {
      setDraft(null);
      setDraftError(null);
      return;
    }
    if (key.return) {
      const f = latest();
      const text = (draftRef.current ?? '').trim();
      if (f?.kind !== 'rows') return setDraft(null);
      try {
        source.count(f.table, text, f.where); // checks the filter before it replaces the one in use
      } catch (e) {
        if (e instanceof FilterError) return setDraftError(e.message);
        throw e;
      }
      updateTop((fr) => ({ ...fr, filter: text, cursor: 0 }));
      setDraft(null);
      setDraftError(null);
      return;
    }
    if (key.backspace || key.delete) return setDraft((d) => [...(d ?? '')].slice(0, -1).join(''));
    if (key.ctrl && input === 'u') return setDraft('');
    if (input && !key.ctrl && !key.meta && !/[\r\n\u001b]/.test(input)) setDraft((d) => (d ?? '') + input);
  }

  // ── drawing ────────────────────────────────────────────────────────────────────────────────
  const crumb = stack.length ? fitBreadcrumb(breadcrumb(source, stack), width) : 'no tables';
  let main: ReactNode = null;
  if (form) {
    main = (
      <RowForm
        key={`${form.mode}${form.table}${form.id ?? ''}`}
        source={source}
        table={form.table}
        mode={form.mode}
        values={form.values}
        title={form.title}
        width={mainWidth}
        height={bodyHeight}
        active={focused}
        color={color}
        onSubmit={submitForm}
        onCancel={() => setForm(null)}
      />
    );
  } else if (frame?.kind === 'rows' && rowsView) {
    const view = rowsView;
    const cols = view.columns.map((c) => c.key);
    const info = source.table(frame.table);
    main = (
      <DataGrid
        columns={view.columns}
        rowCount={view.total}
        cells={(i) => {
          const r = view.page.rows[i - view.page.offset];
          return r && cols.map((c) => formatValue(info.columnsByName.get(c), r[c] ?? null));
        }}
        top={view.top}
        cursor={view.cursor}
        column={frame.column}
        width={mainWidth}
        height={bodyHeight}
        active={focus === 'stack'}
        color={color}
        frozen={Math.min(info.primaryKey.length || 1, cols.length)}
        empty={view.error ?? (frame.filter ? `no rows match ${frame.filter}` : '(no rows)')}
      />
    );
  } else if (frame?.kind === 'detail' && detailView) {
    main = detailView.detail ? (
      <DetailView
        detail={detailView.detail}
        showTitle={detailView.showTitle}
        cursor={detailView.cursor}
        top={detailView.top}
        width={mainWidth}
        height={bodyHeight}
        active={focus === 'stack'}
        color={color}
      />
    ) : (
      <Text>{fit(`  ${frame.table}: this row is gone (deleted since)`, mainWidth)}</Text>
    );
  }

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold={color} wrap="truncate">
        {crumb}
      </Text>
      <Box flexDirection="row" height={bodyHeight} overflow="hidden">
        {showList && (
          <TableList tables={tables} cursor={listCursor} width={listWidth} height={bodyHeight} active={focus === 'list'} color={color} />
        )}
        <Box width={mainWidth} height={bodyHeight} overflow="hidden">
          {main}
        </Box>
      </Box>
      {footer()}
    </Box>
  );

  function footer() {
    if (confirm)
      return (
        <Text color={color ? 'yellow' : undefined} wrap="truncate">
          {fit(`Delete ${confirm.title}? y deletes, any other key keeps it`, width)}
        </Text>
      );
    if (draft !== null) {
      const input = <Text wrap="truncate">{fit(`filter: ${draft}▏${draftError ? '' : '  enter applies · esc cancels'}`, width)}</Text>;
      if (!draftError) return input;
      return (
        <Box flexDirection="column">
          {input}
          <Text color={color ? 'red' : undefined} wrap="truncate">
            {fit(`✘ ${draftError}`, width)}
          </Text>
        </Box>
      );
    }
    if (inline) {
      return (
        <Box flexDirection="column">
          <Text color={color ? 'red' : undefined} wrap="truncate">
            {fit(`✘ ${inline.title}`, width)}
          </Text>
          <Text color={color ? 'red' : undefined} wrap="truncate">
            {fit(`  ${inline.detail}`, width)}
          </Text>
        </Box>
      );
    }
    return (
      <Text dimColor={color} wrap="truncate">
        {fit(status(), width)}
      </Text>
    );
  }

  function status(): string {
    if (focus === 'list' || !frame) return `${tables.length} tables · enter opens · r refreshes`;
    if (frame.kind === 'rows' && rowsView) {
      const parts = [`row ${rowsView.total ? rowsView.cursor + 1 : 0}/${rowsView.total}`];
      if (frame.sort) parts.push(`sort ${frame.sort.column} ${frame.sort.dir === 'asc' ? '↑' : '↓'}`);
      if (frame.filter) parts.push(`filter ${frame.filter}`);
      parts.push('enter detail · / filter · s sort · esc back');
      return parts.join(' · ');
    }
    return `enter opens · esc back${api ? ' · e edit · d delete' : ''}`;
  }
}

/** "refused by Customer: Balance <= CreditLimit" / "balance (…) exceeds credit (…)" */
export function refusal(e: ApiFailure): Inline {
  return { title: e.rule ? `refused by ${e.rule}` : e.title, detail: e.detail };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
