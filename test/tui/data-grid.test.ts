/** The DataGrid's arithmetic: which rows and columns are on screen. */
import { describe, expect, it } from 'vitest';
import { cell, fitColumns, keepVisible, type GridColumn } from '../../src/tui/components/DataGrid.js';
import { fitBreadcrumb, nextSort } from '../../src/tui/tables/navigation.js';

const col = (key: string, natural: number): GridColumn => ({ key, title: key, natural });

describe('the grid', () => {
  it('scrolls only when the cursor leaves the window', () => {
    expect(keepVisible(0, 5, 10, 100)).toBe(0);
    expect(keepVisible(0, 10, 10, 100)).toBe(1);
    expect(keepVisible(20, 15, 10, 100)).toBe(15);
    expect(keepVisible(0, 99_999, 20, 100_000)).toBe(99_980);
    expect(keepVisible(95, 99, 10, 100)).toBe(90); // never past the last page
    expect(keepVisible(5, 0, 10, 0)).toBe(0);
  });

  it('fits columns to the width, cutting the last one that half fits', () => {
    const cols = [col('Id', 5), col('Name', 30), col('City', 12), col('Notes', 60)];
    const layout = fitColumns(cols, 60, 1, 0, 1);
    expect(layout.shown).toEqual([
      { index: 0, width: 5 },
      { index: 1, width: 30 },
      { index: 2, width: 12 },
      { index: 3, width: 10 },
    ]);
  });

  it('scrolls sideways to the current column, keeping the frozen key', () => {
    const cols = Array.from({ length: 12 }, (_, i) => col(`Column${i}`, 10));
    const layout = fitColumns(cols, 40, 1, 9, 1);
    expect(layout.shown[0]!.index).toBe(0);
    expect(layout.shown.map((s) => s.index)).toContain(9);
    expect(layout.left).toBeGreaterThan(1);
    const back = fitColumns(cols, 40, 1, 2, layout.left);
    expect(back.left).toBe(2);
  });

  it('cuts text with …, numbers to the right', () => {
    expect(cell('Alfreds Futterkiste', 8, 'left')).toBe('Alfreds…');
    expect(cell('42', 5, 'right')).toBe('   42');
    expect(cell('Côte', 6, 'left')).toBe('Côte  ');
  });
});

describe('navigation', () => {
  it('cycles a sort: ascending, descending, off', () => {
    expect(nextSort(undefined, 'Name')).toEqual({ column: 'Name', dir: 'asc' });
    expect(nextSort({ column: 'Name', dir: 'asc' }, 'Name')).toEqual({ column: 'Name', dir: 'desc' });
    expect(nextSort({ column: 'Name', dir: 'desc' }, 'Name')).toBeUndefined();
    expect(nextSort({ column: 'Name', dir: 'desc' }, 'City')).toEqual({ column: 'City', dir: 'asc' });
  });

  it('gives up the start of a long breadcrumb first', () => {
    const parts = ['Customer ALFKI', 'OrderList', 'Order 10643', 'OrderDetailList'];
    expect(fitBreadcrumb(parts, 80)).toBe('Customer ALFKI › OrderList › Order 10643 › OrderDetailList');
    expect(fitBreadcrumb(parts, 40)).toBe('… › Order 10643 › OrderDetailList');
  });
});
