/**
 * A person's read-only query on SQLite (read-query.ts), off the caller's thread: a worker thread
 * runs it on its own read-only connection and stops reading at the row cap; cancelling terminates
 * the worker, which stops the query wherever it is, so no query can freeze the screen or the keys.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { NotReadOnly, QueryCancelled } from './types.js';

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

// plain CommonJS, evaluated in the worker: no build step, no TypeScript loader
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  const statement = db.prepare(workerData.query);
  if (!statement.readonly) {
    parentPort.postMessage({ notReadOnly: true });
  } else {
    const rows = [];
    let more = false;
    let columns = [];
    if (statement.reader) {
      columns = statement.columns().map((c) => ({ name: c.name, type: c.type }));
      for (const row of statement.iterate()) {
        if (rows.length === workerData.max) { more = true; break; }
        rows.push(row);
      }
    } else statement.run();
    parentPort.postMessage({ rows, more, columns });
  }
} catch (e) {
  parentPort.postMessage({ error: String(e && e.message || e) });
} finally {
  try { db && db.close(); } catch {}
}
`;

interface Answer {
  rows?: Record<string, unknown>[];
  more?: boolean;
  columns?: { name: string; type: string | null }[];
  error?: string;
  notReadOnly?: boolean;
}

/** `query` on the database `file`, at most `max` rows */
export function readSqliteQuery(
  file: string,
  query: string,
  max: number,
  signal?: AbortSignal,
): Promise<{ rows: Record<string, unknown>[]; more: boolean; columns: { name: string; type: string | null }[] }> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new QueryCancelled('cancelled'));
    const worker = new Worker(WORKER, { eval: true, workerData: { driver, file, query, max } });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', cancel);
      fn();
    };
    const cancel = () => {
      settle(() => reject(new QueryCancelled('cancelled: the query was stopped')));
      void worker.terminate();
    };
    signal?.addEventListener('abort', cancel);
    worker.once('message', (m: Answer) =>
      settle(() => {
        if (m.notReadOnly) reject(new NotReadOnly(query));
        else if (m.error !== undefined) reject(new Error(m.error));
        else resolve({ rows: m.rows!, more: m.more!, columns: m.columns! });
      }),
    );
    worker.once('error', (e) => settle(() => reject(e)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the query's worker stopped (exit ${code})`))));
  });
}
