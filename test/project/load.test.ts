/** Opening a project folder: its working database is built once, and a changed seed is noticed. */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureDatabase, openProject, readProject } from '../../src/project/load.js';
import { sqliteDb } from '../helpers/sqlite-db.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alsx-project-'));
  mkdirSync(join(dir, 'db'));
  writeFileSync(join(dir, 'db/schema.sql'), 'CREATE TABLE "Note" ("Id" INTEGER PRIMARY KEY, "Text" TEXT NOT NULL);');
  writeFileSync(join(dir, 'db/seed.sql'), `INSERT INTO "Note" VALUES (1, 'first');`);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a project folder', () => {
  it('builds .alsx/db.sqlite from its SQL on first use, and a project without rules still takes transactions', async () => {
    const saved = process.env.ALSX_STATE_DIR;
    delete process.env.ALSX_STATE_DIR; // the default place, in the project folder
    const p = await openProject(dir).finally(() => (process.env.ALSX_STATE_DIR = saved));
    try {
      expect(existsSync(join(dir, '.alsx/db.sqlite'))).toBe(true);
      expect(p.warnings).toEqual([]);
      const out = p.engine.run([{ insert: 'Note', values: { Text: 'second' } }], { origin: 'test' });
      expect(out.ok).toBe(true);
      expect(sqliteDb(p).prepare('SELECT count(*) n FROM Note').get()).toEqual({ n: 2 });
    } finally {
      p.close();
    }
  });

  it('keeps its runtime state under $ALSX_STATE_DIR/<folder> when that is set', async () => {
    const p = await readProject(dir);
    expect(p.stateDir).toBe(join(process.env.ALSX_STATE_DIR!, basename(dir)));
    expect(existsSync(join(dir, '.alsx'))).toBe(false);
  });

  it('warns when the seed changed since the working database was built, until it is reset', async () => {
    (await openProject(dir)).close();
    appendFileSync(join(dir, 'db/seed.sql'), `\nINSERT INTO "Note" VALUES (2, 'more');`);
    const stale = await openProject(dir);
    stale.close();
    expect(stale.warnings).toEqual([
      expect.stringMatching(/schema or seed changed since \.alsx\/db\.sqlite was built; `alsx reset .*` rebuilds it/),
    ]);
    ensureDatabase(await readProject(dir), { reset: true });
    const fresh = await openProject(dir);
    try {
      expect(fresh.warnings).toEqual([]);
      expect(sqliteDb(fresh).prepare('SELECT count(*) n FROM Note').get()).toEqual({ n: 2 });
    } finally {
      fresh.close();
    }
  });

  it('says what is wrong with a folder that is not a project, or a seed that does not load', async () => {
    await expect(openProject(join(dir, 'nope'))).rejects.toThrow(/is not a folder; give a project folder/);
    const empty = mkdtempSync(join(tmpdir(), 'alsx-empty-'));
    try {
      await expect(openProject(empty)).rejects.toThrow(/is not an alsx project \(no alsx\.config\.ts\)/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    writeFileSync(join(dir, 'db/seed.sql'), `INSERT INTO "Note" VALUES (1, NULL);`);
    await expect(openProject(dir)).rejects.toThrow(
      /building the database from schema\.sql and seed\.sql failed: NOT NULL constraint failed: Note\.Text/,
    );
    expect(existsSync(join(dir, '.alsx/db.sqlite'))).toBe(false);
  });
});
