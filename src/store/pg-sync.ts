/**
 * A synchronous PostgreSQL connection: the engine's Store is synchronous (rules, events and handlers
 * call `tx.get`, `parent()` … and get rows back at once), and SQLite answers that way. Here a worker
 * thread owns one `pg` client; a query is posted to it and this thread waits on a shared flag
 * (Atomics.wait) until the answer is there — node-postgres, no native addon, ≈0.2 ms a query on
 * loopback. The worker hands back the server's text and the type OIDs; values are parsed here with
 * the same parsers as every alsx pool (pg-values.ts), so a row is the same whichever way it was read.
 *
 * The wait blocks this thread as a better-sqlite3 call does; it is bounded (statement_timeout,
 * lock_timeout and a deadline here), so a server that stops answering is an error, not a hang.
 */
import { createRequire } from 'node:module';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { pgTypes } from './pg-values.js';
import type { Row, Value } from './types.js';

const driver = createRequire(import.meta.url).resolve('pg');
/** statements named per connection, at most */
const MAX_NAMED = 1000;

// plain CommonJS, evaluated in the worker: no build step, no TypeScript loader
const WORKER = `
const { workerData } = require('node:worker_threads');
const pg = require(workerData.driver);
const { port, flag: shared, url, settings } = workerData;
const flag = new Int32Array(shared);
const raw = { getTypeParser: () => (text) => text };
let client;
const answer = (message) => {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
};
const failure = (e) => ({ error: { message: String((e && e.message) || e), code: e && e.code, detail: e && e.detail, column: e && e.column, constraint: e && e.constraint, table: e && e.table } });
async function connect() {
  client = new pg.Client({ connectionString: url, types: raw, application_name: 'alsx', connectionTimeoutMillis: workerData.connectTimeoutMs });
  client.on('error', () => { client = undefined; }); // the server went away: connect again on the next query
  await client.connect();
  // one write per query, not one per protocol message (see pg-reads.ts corkWrites)
  const stream = client.connection && client.connection.stream;
  if (stream && stream.cork) {
    const query = client.query.bind(client);
    client.query = (...args) => {
      if (!stream.writableCorked) { stream.cork(); process.nextTick(() => stream.uncork()); }
      return query(...args);
    };
  }
  if (settings) await client.query(settings);
}
port.on('message', async (req) => {
  try {
    if (req.connect) { await connect(); return answer({ rows: [], fields: [], rowCount: 0 }); }
    if (!client) await connect();
    const r = req.params
      ? await client.query({ text: req.sql, values: req.params, name: req.name, rowMode: 'array' })
      : await client.query({ text: req.sql, rowMode: 'array' });
    const last = Array.isArray(r) ? r[r.length - 1] : r; // a script of several statements: the last one's rows
    answer({ rows: last.rows || [], fields: (last.fields || []).map((f) => [f.name, f.dataTypeID]), rowCount: last.rowCount || 0 });
  } catch (e) {
    answer(failure(e));
  }
});
`;

/** an error the server (or the connection) gave, with PostgreSQL's fields as `pg` names them */
export class PgError extends Error {
  override name = 'PgError';
  code?: string;
  detail?: string;
  column?: string;
  constraint?: string;
  table?: string;
  constructor(e: { message: string; code?: string; detail?: string; column?: string; constraint?: string; table?: string }) {
    super(e.message);
    for (const k of ['code', 'detail', 'column', 'constraint', 'table'] as const) if (e[k] != null) this[k] = e[k];
  }
}

interface Answer {
  rows?: (string | null)[][];
  fields?: [string, number][];
  rowCount?: number;
  error?: ConstructorParameters<typeof PgError>[0];
}

export interface PgSyncOptions {
  /** SQL run once on connecting (SET … for the session) */
  settings?: string;
  /** how long one query may take before this side gives up (the server's statement_timeout should be shorter) */
  deadlineMs?: number;
  /** how long connecting may take */
  connectTimeoutMs?: number;
}

export class PgSyncConnection {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly names = new Map<string, string>();
  private readonly deadlineMs: number;
  private closed = false;

  constructor(url: string, options: PgSyncOptions = {}) {
    this.deadlineMs = options.deadlineMs ?? 120_000;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        driver,
        port: port2,
        flag: this.flag.buffer,
        url,
        settings: options.settings,
        connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
    this.call({ connect: true });
  }

  /** rows of a statement with parameters ($1 …); its plan is kept on the connection */
  query(sql: string, params: readonly Value[] = []): { rows: Row[]; rowCount: number } {
    // named (prepared once on the connection) up to a bound: each name holds server memory for the connection's life
    let name = this.names.get(sql);
    if (!name && this.names.size < MAX_NAMED) this.names.set(sql, (name = `alsx_${this.names.size}`));
    return this.parse(this.call({ sql, params: params.map(toParam), name }));
  }

  /** a statement without parameters, or a script of several (the last one's rows) */
  script(sql: string): { rows: Row[]; rowCount: number } {
    return this.parse(this.call({ sql }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }

  private call(request: object): Answer {
    if (this.closed) throw new Error('the PostgreSQL connection is closed');
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(request);
    const deadline = Date.now() + this.deadlineMs;
    while (Atomics.load(this.flag, 0) === 0) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.flag, 0, 0, Math.min(left, 1000)) === 'timed-out') {
        if (Date.now() >= deadline) {
          this.close();
          throw new PgError({ message: `PostgreSQL did not answer within ${this.deadlineMs / 1000} s`, code: '08006' });
        }
      }
    }
    const answer = receiveMessageOnPort(this.port)?.message as Answer | undefined;
    if (!answer) throw new PgError({ message: 'the PostgreSQL connection lost its answer', code: '08006' });
    if (answer.error) throw new PgError(answer.error);
    return answer;
  }

  private parse(answer: Answer): { rows: Row[]; rowCount: number } {
    const fields = answer.fields ?? [];
    const parsers = fields.map(([, oid]) => pgTypes.getTypeParser(oid, 'text') as (text: string) => Value);
    const rows = (answer.rows ?? []).map((values) => {
      const row: Row = {};
      for (let i = 0; i < fields.length; i++) {
        const text = values[i];
        row[fields[i]![0]] = text === null || text === undefined ? null : parsers[i]!(text);
      }
      return row;
    });
    return { rows, rowCount: answer.rowCount ?? 0 };
  }
}

/** a big integer as text (exact; a bigint does not cross to the worker as pg would want it) — bytes go as they are */
function toParam(v: Value): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}
