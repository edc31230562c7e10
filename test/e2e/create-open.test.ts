/**
 * A newcomer with a database of their own, in a real terminal: `alsx create` with nothing given
 * asks what it needs (which kind of source, which file, which folder), then `alsx open` of the new
 * project shows every table in the table browser and replays its smoke scenario — from a folder
 * outside alsx.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { KEY, runInPty, type Screen } from '../helpers/pty.js';

const work = mkdtempSync(join(tmpdir(), 'alsx-create-e2e-'));
let screen: Screen | undefined;
afterAll(() => {
  screen?.kill();
  rmSync(work, { recursive: true, force: true });
});

it('asks for the database and the folder, creates the project, and opens it with every table listed', async () => {
  const db = new Database(join(work, 'Library.sqlite'));
  db.exec(`
    CREATE TABLE Author (Id INTEGER PRIMARY KEY, FullName TEXT);
    CREATE TABLE "Book Copy" (Isbn TEXT, Copy INTEGER, AuthorId INTEGER REFERENCES Author(Id), PRIMARY KEY (Isbn, Copy));
    CREATE TABLE Loan (BookIsbn TEXT, Borrower TEXT);
    INSERT INTO Author VALUES (1, 'Ursula K. Le Guin');
    INSERT INTO "Book Copy" VALUES ('978-0441478125', 1, 1), ('978-0441478125', 2, 1);
  `);
  db.close();

  // each key waits for the screen to show what it did (keys typed faster arrive as one paste)
  screen = runInPty(['create'], { cwd: work, columns: 100, rows: 30 });
  await screen.waitFor('Create the project from');
  await screen.press(KEY.enter, 'SQLite file:'); // an SQLite database file
  await screen.press('Library.sqlite', 'SQLite file: Library.sqlite');
  await screen.press(KEY.enter, 'Project folder:');
  await screen.waitFor('projects/library'); // the suggested folder
  await screen.press(KEY.enter, /Created projects\/library from Library\.sqlite: 3 tables/);
  expect((await screen.exit).exitCode).toBe(0);
  expect(screen.text()).toMatch(/Book Copy\s+2 rows\s+key Isbn \+ Copy\s+at \/api\/BookCopy/);
  expect(existsSync(join(work, 'projects/library/models.ts'))).toBe(true);

  // again into the same folder: it asks before replacing anything, and no leaves it as it was
  screen = runInPty(['create', '--db', 'Library.sqlite', 'projects/library'], { cwd: work, columns: 100, rows: 30 });
  await screen.waitFor('projects/library already holds files. Replace the ones alsx create writes');
  await screen.press('n', /\(y\/N\) n$/m);
  await screen.press(KEY.enter, 'left projects/library as it was');
  expect((await screen.exit).exitCode).toBe(2);

  screen = runInPty(['open', 'projects/library', '--port', '0', '--no-kafka'], { cwd: work, columns: 100, rows: 30 });
  await screen.waitFor(/Author\s+1/);
  await screen.waitFor(/Book Copy\s+2/);
  await screen.waitFor(/Loan\s+0/);
  await screen.press(KEY.down, /^› Book Copy/m);
  await screen.press(KEY.enter, 'row 1/2 · enter detail'); // the rows of Book Copy, the author named by FullName
  expect(screen.text()).toMatch(/978-0441478125\s+2\s+1/);
  // the generated smoke scenario replays with one key in the Scenarios pane
  await screen.press('5', /^› +Every table answers/m);
  await screen.press(KEY.enter, /passed in [\d.]+ s/);
  expect(screen.text()).toMatch(/✔ Every table answers/);
  screen.type('q');
  expect((await screen.exit).exitCode).toBe(0);
}, 180_000);

it('Ctrl-C at a question ends quietly with 130, as an interrupted command does (no ExitPromptError, no stack)', async () => {
  for (const [args, question] of [
    [['create'], 'Create the project from'],
    [['open'], 'Open which project?'],
  ] as const) {
    // `open` with no project asks which of ./projects: run it where there are some
    screen = runInPty([...args], { cwd: args[0] === 'open' ? process.cwd() : work, columns: 100, rows: 30 });
    await screen.waitFor(question);
    screen.type(KEY.ctrlC);
    expect((await screen.exit).exitCode).toBe(130);
    expect(screen.text()).not.toMatch(/ExitPromptError|at .*\.js:\d+/);
  }
});
