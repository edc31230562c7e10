/**
 * `:sql` off the workbench's thread: the query runs in a worker thread on its own read-only
 * connection, stops reading at the row cap (a query that never ends — a recursive CTE without a
 * bound — still answers its first rows), and is cancelled by terminating the worker, so no query
 * can freeze the screen or the keys.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface QueryResult {
  rows: Record<string, unknown>[];
  /** each result column and the declared type of the table column it comes from (null for an expression) */
  columns: { name: string; type: string | null }[];
  /** the query had more rows than the cap */
  more: boolean;
}

export class QueryCancelled extends Error {
  override name = 'QueryCancelled';
}

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

// plain CommonJS, evaluated in the worker: no build step, no TypeScript loader
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  const statement = db.prepare(workerData.query);
  if (!statement.readonly) throw new Error(':sql only reads; change data with :tx or the API');
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
} catch (e) {
  parentPort.postMessage({ error: String(e && e.message || e) });
} finally {
  try { db && db.close(); } catch {}
}
`;

/** `query` on the database `file`, at most `max` rows; rejects with QueryCancelled when `signal` aborts */
export function readQuery(file: string, query: string, options: { max?: number; signal?: AbortSignal } = {}): Promise<QueryResult> {
  const { max = 500, signal } = options;
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
    worker.once('message', (m: { rows?: Record<string, unknown>[]; more?: boolean; columns?: QueryResult['columns']; error?: string }) =>
      settle(() => (m.error !== undefined ? reject(new Error(m.error)) : resolve({ rows: m.rows!, more: m.more!, columns: m.columns! }))),
    );
    worker.once('error', (e) => settle(() => reject(e)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the query's worker stopped (exit ${code})`))));
  });
}
