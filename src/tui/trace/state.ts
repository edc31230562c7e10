/**
 * What the user has done in the Trace pane, as a reducer: keys become actions, so two keys typed
 * between renders both count (no stale closures), and the rules are testable without a terminal.
 */
import type { TxRecord } from '../../runtime/protocol.js';
import { clampStep } from './model.js';
import type { TxView } from './view.js';

export interface PaneState {
  /** the newest transaction stays selected as new ones arrive */
  follow: boolean;
  /** the store number of the selected transaction, when not following */
  selected?: number;
  mode: 'list' | 'steps' | 'filter';
  /** the transaction whose chain is open, held here so it stays while the store moves on */
  opened?: { record: TxRecord; step: number };
  /** the filter in force */
  filter: string;
  /** the filter being typed */
  draft: string;
}

export const initialState: PaneState = { follow: true, mode: 'list', filter: '', draft: '' };

export type Move = number | 'first' | 'last';

export type Action =
  | { type: 'move'; by: Move; view: TxView }
  | { type: 'follow'; view: TxView }
  | { type: 'open'; view: TxView }
  | { type: 'step'; by: Move }
  | { type: 'back' }
  | { type: 'filter-start' }
  | { type: 'filter-type'; text: string }
  | { type: 'filter-erase' }
  | { type: 'filter-apply' }
  | { type: 'filter-cancel' }
  | { type: 'filter-clear' };

/** the list position of the selection: the last when following, else the selected one or the next kept */
export function selectedPosition(s: PaneState, view: TxView): number {
  if (view.length === 0) return -1;
  if (s.follow) return view.length - 1;
  if (s.selected === undefined) return 0;
  return Math.min(view.positionOf(s.selected), view.length - 1);
}

const to = (by: Move, from: number, last: number): number =>
  Math.max(0, Math.min(last, by === 'first' ? 0 : by === 'last' ? last : from + by));

export function reduce(s: PaneState, a: Action): PaneState {
  switch (a.type) {
    case 'move': {
      if (a.view.length === 0) return s;
      // G goes to the newest and keeps it there: at 1,000 transactions a second "last" is stale at once
      if (a.by === 'last') return { ...s, follow: true, selected: undefined };
      const at = to(a.by, selectedPosition(s, a.view), a.view.length - 1);
      return { ...s, follow: false, selected: a.view.numberAt(at) };
    }
    case 'follow':
      return s.follow
        ? { ...s, follow: false, selected: a.view.length ? a.view.numberAt(a.view.length - 1) : undefined }
        : { ...s, follow: true, selected: undefined };
    case 'open': {
      const at = selectedPosition(s, a.view);
      const record = a.view.record(at);
      if (!record?.trace.length) return s;
      return { ...s, mode: 'steps', follow: false, selected: a.view.numberAt(at), opened: { record, step: 0 } };
    }
    case 'step':
      if (!s.opened) return s;
      return { ...s, opened: { ...s.opened, step: clampStep(to(a.by, s.opened.step, s.opened.record.trace.length - 1), s.opened.record) } };
    case 'back':
      return { ...s, mode: 'list', opened: undefined };
    case 'filter-start':
      return { ...s, mode: 'filter', opened: undefined, draft: s.filter };
    case 'filter-type':
      return { ...s, draft: s.draft + a.text };
    case 'filter-erase':
      return { ...s, draft: [...s.draft].slice(0, -1).join('') };
    case 'filter-apply':
      return { ...s, mode: 'list', filter: s.draft.trim() };
    case 'filter-cancel':
      return { ...s, mode: 'list', draft: '' };
    case 'filter-clear':
      return { ...s, filter: '', draft: '' };
  }
}
