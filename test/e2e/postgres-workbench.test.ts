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

  // each key waits for the screen to show what it did: keys typed faster reach the program in one
  // read, taken as one paste — and keys typed before a mode opens would be the pane's (q quits)
  await screen.press('j', /^› Customer\s+47│/m);
  await screen.press(KEY.enter, /│› ALFKI Alfreds Futterkiste/);
  await screen.press('/', 'filter: ▏');
  await screen.press('country=germany', 'filter: country=germany▏');
  await screen.press(KEY.enter, /row 1\/6/);

  // psql, another service …: not alsx, and shown without a key pressed
  await pg.exec(`UPDATE "Customer" SET "CompanyName" = 'Alfreds Futterkiste GmbH' WHERE "Id" = 'ALFKI'`);
  await screen.waitFor(/│› ALFKI Alfreds Futterkiste GmbH/, 10_000);

  await screen.press(':', /^: ?$/m);
  await screen.press('sql select count(*) as n from "OrderDetail"', /^: ?sql select/m);
  await screen.press(KEY.enter, /^2480\s*$/m);

  await screen.press(KEY.esc, (text) => !/^2480\s*$/m.test(text));
  screen.type('q');
  const { exitCode } = await screen.exit;
  expect(exitCode).toBe(0);
});
