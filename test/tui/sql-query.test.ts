/** `:sql` runs off the workbench's thread: endless queries answer their first rows, and esc stops any query. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCancelled, readQuery } from '../../src/tui/sql-query.js';
import { runCommand, type CommandEnv } from '../../src/tui/command/run.js';
import { freshNorthwind } from '../helpers/northwind.js';

let nw: Awaited<ReturnType<typeof freshNorthwind>>;
beforeAll(async () => {
  nw = await freshNorthwind();
});
afterAll(() => nw.dispose());

const ENDLESS = 'with recursive c(x) as (select 1 union all select x + 1 from c)';

describe(':sql', () => {
  it('answers rows, and says when there were more than the cap', async () => {
    expect(await readQuery(nw.file, "select Id, Balance from Customer where Id in ('ALFKI', 'ANATR') order by Id")).toEqual({
      rows: [
        { Id: 'ALFKI', Balance: 2102 },
        { Id: 'ANATR', Balance: 1630.2 },
      ],
      more: false,
      columns: [
        { name: 'Id', type: 'VARCHAR(8000)', kind: 'text', scale: null },
        { name: 'Balance', type: 'DECIMAL(10, 2)', kind: 'decimal', scale: 2 },
      ],
    });
    const big = await readQuery(nw.file, 'select Id from OrderDetail', { max: 500 });
    expect(big.rows).toHaveLength(500);
    expect(big.more).toBe(true);
  });

  it('stops an endless query at the row cap instead of running it to the end', async () => {
    const r = await readQuery(nw.file, `${ENDLESS} select x from c`, { max: 500 });
    expect(r.rows.at(-1)).toEqual({ x: 500 });
    expect(r.more).toBe(true);
  });

  it('cancels a query that never yields a row, and the next query runs', async () => {
    const controller = new AbortController();
    const pending = readQuery(nw.file, `${ENDLESS} select count(*) from c`, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(QueryCancelled);
    expect((await readQuery(nw.file, 'select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('refuses writes, naming what to use instead', async () => {
    await expect(readQuery(nw.file, "update Customer set Balance = 0 where Id = 'ALFKI'")).rejects.toThrow(
      /only reads; change data with :tx or the API/,
    );
    expect(nw.row('Customer', 'ALFKI')!.Balance).toBe(2102);
  });

  it('shows a DECIMAL column with its scale, as the Tables pane does (2102.00, not 2102)', async () => {
    const env = { sql: (query: string, signal?: AbortSignal) => readQuery(nw.file, query, { signal }) } as unknown as CommandEnv;
    const { lines } = await runCommand(
      { kind: 'sql', query: "select Id, Balance, Balance * 2 as twice from Customer where Id in ('ALFKI', 'ANATR') order by Id" },
      env,
    );
    expect(lines[2]!.trimEnd()).toMatch(/^ALFKI\s+2102\.00\s+4204$/);
    expect(lines[3]!.trimEnd()).toMatch(/^ANATR\s+1630\.20\s+3260\.4$/); // an expression has no declared type: as computed
  });
});
