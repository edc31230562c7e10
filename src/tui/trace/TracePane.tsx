/**
 * The Trace pane: the live list of transactions on top (left when wide), the selected one's rule
 * chain below (right), and stepping through its firings with the affected row's values.
 * It draws when the store notifies (≤ 10 times a second), never once per transaction.
 */
import { Box, Text } from 'ink';
import { useKeys } from '../use-keys.js';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { KeyHint, PaneProps } from '../pane.js';
import { useModeHints, useWorkbench } from '../pane.js';
import { count, fit } from './format.js';
import { parseFilter } from './model.js';
import { initialState, reduce, selectedPosition, type Action } from './state.js';
import type { TraceStore } from './store.js';
import { TxDetail } from './TxDetail.js';
import { TxList } from './TxList.js';
import { scrollTop, viewOf, type TxView } from './view.js';

export const traceHints: KeyHint[] = [
  { keys: '↑↓ jk', does: 'select a transaction' },
  { keys: 'g G', does: 'first / newest (G follows)' },
  { keys: 'f', does: 'follow the newest on/off' },
  { keys: 'enter', does: 'open its rule chain' },
  { keys: '←→ np', does: 'step through the firings' },
  { keys: 'esc', does: 'back to the list' },
  { keys: '/', does: 'filter: table:T origin:O user:U rule:R failed ok dry, or text' },
  { keys: 'c', does: 'clear the filter' },
];

const STEP_HINTS: KeyHint[] = [
  { keys: '←→ np jk', does: 'step through the firings' },
  { keys: 'PgUp PgDn', does: '10 steps' },
  { keys: 'g G', does: 'first / last' },
  { keys: 'esc', does: 'back to the list' },
];
const FILTER_HINTS: KeyHint[] = [
  { keys: 'enter', does: 'apply the filter' },
  { keys: 'esc', does: 'cancel' },
];

/** side by side from this width; stacked below it */
const WIDE = 140;

export interface TracePaneProps extends PaneProps {
  store: TraceStore;
}

export function TracePane({ width, height, focused, store }: TracePaneProps) {
  const wb = useWorkbench();
  const version = useSyncExternalStore(store.subscribe, () => store.version);
  // the state lives in a ref too: keys typed faster than React draws each see the last one's effect
  const [state, setState] = useState(initialState);
  const latest = useRef(state);
  const dispatch = (a: Action): void => {
    latest.current = reduce(latest.current, a);
    setState(latest.current);
  };
  const filter = useMemo(() => parseFilter(state.filter), [state.filter]);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- version is how the store says it changed
  const view = useMemo(() => viewOf(store, filter), [store, filter, version]);
  const drawn = useRef({ view, filter: state.filter, version });
  drawn.current = { view, filter: state.filter, version };
  /** the list as the keys see it: the drawn one, unless a key since (a filter) or the store changed it */
  const currentView = (): TxView => {
    const d = drawn.current;
    if (d.filter === latest.current.filter && d.version === store.version) return d.view;
    drawn.current = { view: viewOf(store, parseFilter(latest.current.filter)), filter: latest.current.filter, version: store.version };
    return drawn.current.view;
  };

  const wide = width >= WIDE;
  const stepping = state.mode === 'steps' && state.opened !== undefined;
  const bodyHeight = Math.max(4, height - 1);
  // wide, the list keeps 80 columns (room for the refusing rule's name) and the chain takes the rest
  const listWidth = wide ? Math.max(Math.floor(width * 0.45), Math.min(80, width - 60)) : width;
  const detailWidth = wide ? width - listWidth - 1 : width;
  // stacked, the chain takes most of the room while stepping; the list keeps a few rows for context
  // (a short list gives its unused rows to the chain)
  const listRows = wide
    ? bodyHeight - 1
    : stepping
      ? Math.min(3, Math.max(1, bodyHeight - 12))
      : Math.min(Math.max(3, view.length), Math.max(3, Math.floor(bodyHeight * 0.4) - 1));
  const detailHeight = wide ? bodyHeight : bodyHeight - (listRows + 1) - 1;

  const selected = selectedPosition(state, view);
  const top = useRef(0);
  top.current = scrollTop(top.current, Math.max(0, selected), listRows, view.length);
  const record = state.opened?.record ?? (selected >= 0 ? view.record(selected) : undefined);

  useModeHints(stepping ? STEP_HINTS : state.mode === 'filter' ? FILTER_HINTS : undefined);
  const capture = (on: boolean): void => wb.setCapturing(on);
  // a filter being typed when the pane loses focus or goes away must not leave the app's keys paused
  useEffect(() => {
    if (!focused && latest.current.mode === 'filter') {
      dispatch({ type: 'filter-cancel' });
      capture(false);
    }
  }, [focused]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => () => void (latest.current.mode === 'filter' && wb.setCapturing(false)), []); // eslint-disable-line react-hooks/exhaustive-deps

  useKeys(
    (input, key) => {
      const act = dispatch;
      const v = currentView();
      const { mode, filter: applied } = latest.current;
      if (mode === 'filter') {
        if (key.return) {
          act({ type: 'filter-apply' });
          capture(false);
        } else if (key.escape) {
          act({ type: 'filter-cancel' });
          capture(false);
        } else if (key.backspace || key.delete) act({ type: 'filter-erase' });
        else if (input && !key.ctrl && !key.meta && !key.tab && !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow)
          act({ type: 'filter-type', text: input });
        return;
      }
      if (mode === 'steps') {
        if (key.escape) act({ type: 'back' });
        else if (key.rightArrow || key.downArrow || input === 'n' || input === 'l' || input === 'j') act({ type: 'step', by: 1 });
        else if (key.leftArrow || key.upArrow || input === 'p' || input === 'h' || input === 'k') act({ type: 'step', by: -1 });
        else if (key.pageDown) act({ type: 'step', by: 10 });
        else if (key.pageUp) act({ type: 'step', by: -10 });
        else if (input === 'g' || key.home) act({ type: 'step', by: 'first' });
        else if (input === 'G' || key.end) act({ type: 'step', by: 'last' });
        return;
      }
      if (key.upArrow || input === 'k') act({ type: 'move', by: -1, view: v });
      else if (key.downArrow || input === 'j') act({ type: 'move', by: 1, view: v });
      else if (key.pageUp) act({ type: 'move', by: -listRows, view: v });
      else if (key.pageDown) act({ type: 'move', by: listRows, view: v });
      else if (input === 'g' || key.home) act({ type: 'move', by: 'first', view: v });
      else if (input === 'G' || key.end) act({ type: 'move', by: 'last', view: v });
      else if (input === 'f') act({ type: 'follow', view: v });
      else if (key.return || key.rightArrow) act({ type: 'open', view: v });
      else if (input.startsWith('/')) {
        capture(true);
        act({ type: 'filter-start' });
        // typed fast or pasted, "/failed" arrives as one input
        if (input.length > 1) act({ type: 'filter-type', text: input.slice(1) });
      } else if (input === 'c' && applied) {
        act({ type: 'filter-clear' });
        wb.notify('trace filter cleared');
      }
    },
    { isActive: focused },
  );

  const counts = store.counts;
  const status =
    state.mode === 'filter' ? (
      <Text wrap="truncate">
        <Text bold>/</Text>
        {state.draft}
        <Text inverse> </Text>
        <Text dimColor> enter applies · esc cancels · table:T origin:O user:U rule:R failed ok dry</Text>
      </Text>
    ) : (
      <Text wrap="truncate">
        <Text bold>Trace </Text>
        <Text color={wb.color ? 'green' : undefined}>✔ {count(counts.committed)}</Text>{' '}
        <Text color={wb.color ? 'red' : undefined}>✘ {count(counts.rejected)}</Text>{' '}
        <Text color={wb.color ? 'yellow' : undefined}>◌ {count(counts.dryRun)}</Text>
        <Text dimColor> · {count(store.size)} kept</Text>
        {state.filter ? (
          <Text>
            {' '}
            · filter {state.filter} → {count(view.length)}
          </Text>
        ) : null}
        <Text dimColor>{stepping ? ' · ←→ step · esc back' : state.follow ? ' · following' : ' · paused (f follows)'}</Text>
      </Text>
    );

  const list = (
    <TxList
      view={view}
      top={top.current}
      rows={listRows}
      selected={selected}
      width={listWidth}
      active={focused && !stepping}
      color={wb.color}
      empty={
        state.filter
          ? 'no transaction matches the filter (c clears it)'
          : 'no transactions yet: they appear as the API, workers, scenarios and the workbench run them'
      }
    />
  );
  const detail = record ? (
    <TxDetail
      key={record.tx + record.at}
      record={record}
      width={detailWidth}
      height={detailHeight}
      step={stepping ? state.opened!.step : undefined}
      color={wb.color}
    />
  ) : (
    <Box width={detailWidth} height={detailHeight}>
      <Text dimColor>select a transaction to see its rule chain</Text>
    </Box>
  );

  return (
    <Box flexDirection="column" width={width} height={height}>
      {status}
      {wide ? (
        <Box flexDirection="row" height={bodyHeight}>
          {list}
          <Box width={1} />
          {detail}
        </Box>
      ) : (
        <Box flexDirection="column" height={bodyHeight}>
          {list}
          <Text dimColor>{fit('─'.repeat(width), width)}</Text>
          {detail}
        </Box>
      )}
    </Box>
  );
}
