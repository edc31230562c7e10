/**
 * `alsx open projects/northwind` on PostgreSQL, in a real pseudo-terminal: ALSX_DATABASE_URL names an
 * empty database, which alsx builds before the first frame; then a person browses Customer, filters
 * it (ignoring case), sees a write another application makes show up by itself, asks `:sql`, quits.
 */
import { afterAll, expect, it } from 'vitest';
import { pgTestDatabase } from '../helpers/postgres.js';
import { KEY, runInPty, type Screen } from '../helpers/pty.js';

const pg = pgTestDatabase(); // empty: alsx builds Northwind from db/postgres/*.sql
let running: Screen | undefined;
afterAll(() => running?.kill());

it('browses, filters and follows another application’s write on PostgreSQL', async () => {
  const screen = runInPty(['open', 'projects/northwind', '--port', '0', '--no-kafka'], {
    columns: 120,
    rows: 36,
    env: { ALSX_DATABASE_URL: pg.url },
  });
  running = screen;
  await screen.waitFor(/Customer\s+47/, 60_000);
  await screen.waitFor(/Order\s+830/);

  await screen.typeApart(['j', KEY.enter]);
  await screen.waitFor(/│› ALFKI Alfreds Futterkiste/);
  await screen.typeApart(['/', ...'country=germany', KEY.enter]);
  await screen.waitFor(/row 1\/6/);

  // psql, another service …: not alsx, and shown without a key pressed
  await pg.exec(`UPDATE "Customer" SET "CompanyName" = 'Alfreds Futterkiste GmbH' WHERE "Id" = 'ALFKI'`);
  await screen.waitFor(/│› ALFKI Alfreds Futterkiste GmbH/, 10_000);

  await screen.typeApart([':', ...'sql select count(*) as n from "OrderDetail"', KEY.enter]);
  await screen.waitFor(/^2480\s*$/m);

  await screen.typeApart([KEY.esc, 'q']);
  const { exitCode } = await screen.exit;
  expect(exitCode).toBe(0);
});
