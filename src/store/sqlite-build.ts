/** A SQLite database file built from a project's SQL (the working database, a scenario's seed). */
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import Database from 'better-sqlite3';
import { PRIVATE_FILE } from '../private-files.js';
import { sqliteDialect } from './dialect.js';
import type { ProjectStore, Row, Value } from './types.js';

/** what building needs of a store, on a bare connection (the file is not a project's database yet) */
function script(conn: Database.Database): Pick<ProjectStore, 'dialect' | 'all' | 'exec'> {
  return {
    dialect: sqliteDialect,
    all: (sql: string, params: readonly Value[] = []) => conn.prepare(sql).all(...params) as Row[],
    exec: (sql: string) => {
      conn.exec(sql);
    },
  };
}

/** Builds a SQLite file from a schema script and an optional seed script; a failure removes the file and names the script. */
export function buildFromSql(
  file: string,
  schema: string,
  seed: string | undefined,
  prepare: (store: Pick<ProjectStore, 'dialect' | 'all' | 'exec'>) => void,
  fail: (message: string) => Error,
): void {
  // made empty and private first: SQLite keeps the mode, and gives its -wal and -shm the same
  writeFileSync(file, '', { mode: PRIVATE_FILE });
  const conn = new Database(file);
  try {
    conn.pragma('foreign_keys = OFF'); // seeds insert in any order (an employee before its manager)
    conn.exec(readFileSync(schema, 'utf8'));
    prepare(script(conn)); // alsx's own tables, before the seed, which may give users their passwords
    if (seed && existsSync(seed)) conn.exec(readFileSync(seed, 'utf8'));
    const broken = conn.prepare('SELECT * FROM pragma_foreign_key_check').all() as { table: string; rowid: number; parent: string }[];
    if (broken.length)
      throw new Error(
        `${broken.length} rows reference missing parents, e.g. ${broken[0]!.table} rowid ${broken[0]!.rowid} → ${broken[0]!.parent}`,
      );
  } catch (e) {
    conn.close();
    rmQuiet(file);
    throw fail(
      `building the database from ${basename(schema)}${seed && existsSync(seed) ? ` and ${basename(seed)}` : ''} failed: ${(e as Error).message}`,
    );
  }
  conn.close();
}

function rmQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* not there */
  }
}
