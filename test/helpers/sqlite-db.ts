/** The better-sqlite3 handle of a project opened on SQLite: tests that inspect or prepare the file directly. */
import type Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { ProjectStore } from '../../src/store/types.js';

export function sqliteDb(of: { store: ProjectStore }): Database.Database {
  if (!(of.store instanceof SqliteStore)) throw new Error(`this test needs a project on SQLite, not ${of.store.dialect.name}`);
  return of.store.db;
}
