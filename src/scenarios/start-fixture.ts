/**
 * Where a recording starts. A scenario replays from the project's seed, but a recording may begin
 * mid-session, on rows made before `R` (an order it then adds an item to). So `R` keeps the
 * database as it is at that moment (a snapshot), and saving turns the difference between the seed
 * and that snapshot into the scenario's `start:` fixture — SQL that brings a fresh seed to where
 * the recording began: rows added, changed and deleted, and the AUTOINCREMENT counters, so the
 * replay's new rows get the keys the recording saw.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ensureDatabase, type Project } from '../project/load.js';
import { introspect } from '../store/introspect.js';
import { q } from '../store/sqlite.js';

/** the database when a recording began, kept until the recording is saved or dropped */
export class RecordingStart {
  private constructor(
    private readonly dir: string,
    readonly file: string,
  ) {}

  /** copies the SQLite database `file` as it is now (on a read-only connection of its own) */
  static take(file: string): RecordingStart {
    const dir = mkdtempSync(join(tmpdir(), 'alsx-recording-'));
    const start = new RecordingStart(dir, join(dir, 'start.sqlite'));
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      snapshotDatabase(db, start.file);
    } catch (e) {
      start.drop();
      throw e;
    } finally {
      db.close();
    }
    return start;
  }

  /** the SQL that brings the project's seed to this start; undefined when the start is the seed */
  fixture(project: Project): string | undefined {
    const seed = join(this.dir, 'seed.sqlite');
    ensureDatabase({ ...project, stateDir: this.dir, dbFile: seed }); // as a replay builds it
    return startFixture(seed, this.file);
  }

  drop(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** the database as it is now, copied to `file` in one consistent read */
export function snapshotDatabase(db: Database.Database, file: string): void {
  db.prepare('VACUUM INTO ?').run(file);
}

/**
 * SQL turning the seed into the snapshot, for the application's tables (not alsx's own: a replay
 * must not relay the session's outbox again); undefined when they hold the same rows.
 */
export function startFixture(seedFile: string, snapshotFile: string): string | undefined {
  const db = new Database(snapshotFile, { readonly: true, fileMustExist: true });
  try {
    db.prepare('ATTACH DATABASE ? AS seed').run(seedFile);
    const schema = introspect(db); // the snapshot's application tables (alsx's own are left out)
    const statements: string[] = [];
    for (const t of schema.tables.values()) {
      if (t.isView || !exists(db, 'seed', t.name)) continue;
      const inSeed = new Set(db.prepare('SELECT name FROM seed.pragma_table_info(?)').pluck().all(t.name) as string[]);
      // a table without a declared key is addressed by its rowid
      const key = t.primaryKey.length ? t.primaryKey : ['rowid'];
      const values = t.columns.map((c) => c.name).filter((c) => inSeed.has(c) && !key.includes(c));
      statements.push(...tableDifference(db, q(t.name), key, values));
    }
    statements.push(...counterDifference(db, schema.tables));
    if (statements.length === 0) return undefined;
    // rows go in table order, not in their foreign keys' order: the keys are checked once all are in
    return ['PRAGMA foreign_keys = OFF;', 'BEGIN;', ...statements, 'COMMIT;', 'PRAGMA foreign_keys = ON;', ''].join('\n');
  } finally {
    db.close();
  }
}

const ref = (c: string): string => (c === 'rowid' ? c : q(c));

/** DELETE, UPDATE and INSERT statements that make seed's rows of `table` main's */
function tableDifference(db: Database.Database, table: string, key: string[], values: string[]): string[] {
  const out: string[] = [];
  const keyList = key.map(ref).join(', ');
  const where = (literals: string[]) => key.map((c, i) => `${ref(c)} = ${literals[i]}`).join(' AND ');
  const deleted = db
    .prepare(
      `SELECT ${key.map((c) => `quote(${ref(c)})`).join(', ')} FROM (SELECT ${keyList} FROM seed.${table} EXCEPT SELECT ${keyList} FROM main.${table})`,
    )
    .raw()
    .all() as string[][];
  for (const k of deleted) out.push(`DELETE FROM ${table} WHERE ${where(k)};`);
  const all = [...key, ...values];
  const allList = all.map(ref).join(', ');
  const rows = db
    .prepare(
      `SELECT ${all.map((c) => `quote(c.${ref(c)})`).join(', ')},
              EXISTS (SELECT 1 FROM seed.${table} s WHERE ${key.map((c) => `s.${ref(c)} IS c.${ref(c)}`).join(' AND ')})
         FROM (SELECT ${allList} FROM main.${table} EXCEPT SELECT ${allList} FROM seed.${table}) c`,
    )
    .raw()
    .all() as (string | number)[][];
  for (const row of rows) {
    const literals = row.slice(0, all.length) as string[];
    const updating = row[all.length] === 1;
    if (!updating) out.push(`INSERT INTO ${table} (${allList}) VALUES (${literals.join(', ')});`);
    else if (values.length)
      out.push(`UPDATE ${table} SET ${values.map((c, i) => `${q(c)} = ${literals[key.length + i]}`).join(', ')} WHERE ${where(literals)};`);
  }
  return out;
}

/** the AUTOINCREMENT counters of the application's tables, as main has them */
function counterDifference(db: Database.Database, tables: Map<string, unknown>): string[] {
  if (!exists(db, 'main', 'sqlite_sequence') || !exists(db, 'seed', 'sqlite_sequence')) return [];
  const counters = db.prepare('SELECT name, seq FROM main.sqlite_sequence EXCEPT SELECT name, seq FROM seed.sqlite_sequence').all() as {
    name: string;
    seq: number;
  }[];
  return counters
    .filter(({ name }) => tables.has(name))
    .flatMap(({ name, seq }) => {
      const n = `'${name.replaceAll("'", "''")}'`;
      return [
        `UPDATE sqlite_sequence SET seq = ${seq} WHERE name = ${n};`,
        `INSERT INTO sqlite_sequence (name, seq) SELECT ${n}, ${seq} WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ${n});`,
      ];
    });
}

function exists(db: Database.Database, schema: 'main' | 'seed', table: string): boolean {
  return db.prepare(`SELECT 1 FROM ${schema}.sqlite_schema WHERE type = 'table' AND name = ?`).get(table) !== undefined;
}
