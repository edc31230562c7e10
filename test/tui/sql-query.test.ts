/** `:sql` runs off the workbench's thread, read-only: endless queries answer their first rows, and esc stops any query — on SQLite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCancelled, readQuery } from '../../src/tui/sql-query.js';
import { runCommand, type CommandEnv } from '../../src/tui/command/run.js';
import { join } from 'node:path';
import { freshNorthwind, NORTHWIND } from '../helpers/northwind.js';
import { pgTestDatabase } from '../helpers/postgres.js';
import { eventually } from '../helpers/wait.js';

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

describe(':sql on PostgreSQL', () => {
  const pg = pgTestDatabase({ files: [join(NORTHWIND, 'db/postgres/schema.sql'), join(NORTHWIND, 'db/postgres/seed.sql')] });
  const on = () => ({ url: pg.url });
  /** the queries of :sql still running on the server */
  const running = async () =>
    (
      await pg.pool.query(
        `SELECT query FROM pg_stat_activity WHERE application_name = 'alsx-sql' AND state = 'active' AND datname = current_database()`,
      )
    ).rows;

  it("answers rows with their tables' column types, and says when there were more than the cap", async () => {
    expect(
      await readQuery(
        on(),
        `select "Id", "Balance", "Balance" * 2 as twice from "Customer" where "Id" in ('ALFKI', 'ANATR') order by "Id"`,
      ),
    ).toEqual({
      rows: [
        { Id: 'ALFKI', Balance: 2102, twice: 4204 },
        { Id: 'ANATR', Balance: 1630.2, twice: 3260.4 },
      ],
      more: false,
      columns: [
        { name: 'Id', type: 'character varying(8000)', kind: 'text', scale: null },
        { name: 'Balance', type: 'numeric(10,2)', kind: 'decimal', scale: 2 },
        { name: 'twice', type: null, kind: null, scale: null },
      ],
    });
    const big = await readQuery(on(), 'select "Id" from "OrderDetail"', { max: 500 });
    expect(big.rows).toHaveLength(500);
    expect(big.more).toBe(true);
    const all = await readQuery(on(), 'select "Id" from "Category";', { max: 8 });
    expect([all.rows.length, all.more]).toEqual([8, false]);
  });

  it('stops an endless query at the row cap instead of running it to the end', async () => {
    const r = await readQuery(on(), `${ENDLESS} select x from c`, { max: 500 });
    expect(r.rows.at(-1)).toEqual({ x: 500 });
    expect(r.more).toBe(true);
    await eventually(async () => expect(await running()).toEqual([]), { what: 'the capped query to end on the server' });
  });

  it('runs what a cursor cannot hold (SHOW, EXPLAIN) as it is', async () => {
    expect((await readQuery(on(), 'show transaction_read_only')).rows).toEqual([{ transaction_read_only: 'on' }]);
    expect((await readQuery(on(), 'explain select * from "Customer"')).rows.length).toBeGreaterThan(0);
    await expect(readQuery(on(), 'selec 1')).rejects.toThrow(/syntax error at or near "selec"/);
  });

  it('cancels a query that never yields a row on the server, and the next query runs', async () => {
    const controller = new AbortController();
    const pending = readQuery(on(), `${ENDLESS} select count(*) from c`, { signal: controller.signal });
    await eventually(async () => expect(await running()).toHaveLength(1), { what: 'the query to run on the server' });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(QueryCancelled);
    // stopped there, not only here
    await eventually(async () => expect(await running()).toEqual([]), { what: 'the cancelled query to end on the server' });
    expect((await readQuery(on(), 'select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('refuses writes in any form, naming what to use instead', async () => {
    const refused = /only reads; change data with :tx or the API/;
    await expect(readQuery(on(), `update "Customer" set "Balance" = 0 where "Id" = 'ALFKI'`)).rejects.toThrow(refused);
    await expect(readQuery(on(), `select nextval(pg_get_serial_sequence('"Order"', 'Id'))`)).rejects.toThrow(refused);
    await expect(readQuery(on(), 'create table "Nope" (x int)')).rejects.toThrow(refused);
    // a second statement cannot end the read-only transaction and write outside it
    await expect(readQuery(on(), `select 1; commit; update "Customer" set "Balance" = 0`)).rejects.toThrow(/multiple commands/);
    await expect(readQuery(on(), `with d as (delete from "OrderDetail" returning 1) select count(*) from d`)).rejects.toThrow();
    const { rows } = await pg.pool.query(`SELECT "Balance" FROM "Customer" WHERE "Id" = 'ALFKI'`);
    expect(rows).toEqual([{ Balance: 2102 }]);
    expect((await pg.pool.query('SELECT count(*) AS n FROM "OrderDetail"')).rows[0].n).toBe(2480);
  });

  it('shows a numeric column with its scale, as the Tables pane does (2102.00, not 2102)', async () => {
    const env = { sql: (query: string, signal?: AbortSignal) => readQuery(on(), query, { signal }) } as unknown as CommandEnv;
    const { lines } = await runCommand(
      {
        kind: 'sql',
        query: `select "Id", "Balance", "Balance" * 2 as twice from "Customer" where "Id" in ('ALFKI', 'ANATR') order by "Id"`,
      },
      env,
    );
    expect(lines[2]!.trimEnd()).toMatch(/^ALFKI\s+2102\.00\s+4204$/);
    expect(lines[3]!.trimEnd()).toMatch(/^ANATR\s+1630\.20\s+3260\.4$/);
  });
});
