/**
 * The list as the pane sees it: the store's kept transactions through the filter, addressed by
 * position, plus the scrolling arithmetic that keeps a selection in sight. Pure, so the pane
 * stays a thin layer of keys and boxes.
 */
import type { TxRecord } from '../../runtime/protocol.js';
import { isEmptyFilter, matches, type TraceFilter } from './model.js';
import type { TraceStore } from './store.js';

export interface TxView {
  length: number;
  /** the store number of the transaction at list position i */
  numberAt(i: number): number;
  /** the position of store number n, or of the first one after it (length when none) */
  positionOf(n: number): number;
  record(i: number): TxRecord | undefined;
}

export function viewOf(store: TraceStore, filter: TraceFilter): TxView {
  if (isEmptyFilter(filter)) {
    // unfiltered: positions are store numbers shifted, no array to build ten times a second
    const start = store.start;
    const length = store.end - start;
    return {
      length,
      numberAt: (i) => start + i,
      positionOf: (n) => Math.max(0, Math.min(length, n - start)),
      record: (i) => store.get(start + i),
    };
  }
  const numbers: number[] = [];
  for (let n = store.start; n < store.end; n++) if (matches(store.get(n)!, filter)) numbers.push(n);
  return {
    length: numbers.length,
    numberAt: (i) => numbers[i]!,
    positionOf: (n) => {
      let lo = 0;
      let hi = numbers.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (numbers[mid]! < n) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    },
    record: (i) => (i >= 0 && i < numbers.length ? store.get(numbers[i]!) : undefined),
  };
}

/** the first visible row, moved as little as possible so that `selected` stays on screen */
export function scrollTop(previousTop: number, selected: number, rows: number, length: number): number {
  let top = previousTop;
  if (selected < top) top = selected;
  if (selected >= top + rows) top = selected - rows + 1;
  return Math.max(0, Math.min(top, length - rows));
}
