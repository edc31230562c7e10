/** A throwaway SQLite database from DDL, with an engine over rules declared in the test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite.js';
import { compile } from '../../src/rules/compile.js';
import { Engine, type EngineOptions, type TxOp } from '../../src/rules/engine.js';
import type { RuleSet } from '../../src/rules/dsl.js';

export function scratchDb(ddl: string): { file: string; store: SqliteStore; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'alsx-scratch-'));
  const file = join(dir, 'db.sqlite');
  const db = new Database(file);
  db.exec(ddl);
  db.close();
  const store = new SqliteStore(file);
  return {
    file,
    store,
    dispose: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function engineFor(store: SqliteStore, ruleSet: RuleSet, options: EngineOptions = {}) {
  const engine = new Engine(store, compile(ruleSet, store.schema), options);
  const run = (ops: unknown[], dryRun = false) => engine.run(ops as TxOp[], { origin: 'test', dryRun });
  const all = (sql: string, ...p: unknown[]) => store.db.prepare(sql).all(...p) as Record<string, any>[];
  const one = (sql: string, ...p: unknown[]) => store.db.prepare(sql).get(...p) as Record<string, any>;
  return { engine, run, all, one };
}
