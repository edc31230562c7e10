/**
 * The typed messages between a runtime child (broker, api, workers) and the process that started it
 * (`alsx serve`, the workbench), over Node's IPC channel.
 */
import type { TxOutcome } from '../rules/engine.js';

export type ChildName = 'broker' | 'api' | 'workers';

/** child → parent */
export type ChildMessage =
  | { type: 'ready'; port?: number; address?: string; detail?: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; line: string }
  /** a finished transaction, as the Trace pane and traces.jsonl keep it */
  | { type: 'tx'; outcome: TxRecord }
  /** could not start: the message is for the user (a taken port, a broken project) */
  | { type: 'failed'; message: string };

/** parent → child */
export type ParentMessage = { type: 'stop' };

export type TxRecord = Pick<TxOutcome, 'tx' | 'origin' | 'user' | 'ok' | 'dryRun' | 'durationMs' | 'changes' | 'trace' | 'error'> & {
  at: string;
  child: ChildName;
};

/** what a child is started with (argv[2] as JSON) */
export interface ChildArgs {
  project: string;
  /** serve this SQLite file instead of the project's working database */
  db?: string;
  /** the Kafka brokers to use (api, workers) */
  brokers?: string[];
  port?: number;
  host?: string;
  verbose?: boolean;
}

/** an outcome as the workbench and traces.jsonl keep it: what the runtime sends over IPC */
export function txRecord(o: TxOutcome, child: ChildName, origin = o.origin, at = new Date().toISOString()): TxRecord {
  return {
    at,
    child,
    tx: o.tx,
    origin,
    ...(o.user !== undefined ? { user: o.user } : {}),
    ok: o.ok,
    dryRun: o.dryRun,
    durationMs: o.durationMs,
    changes: o.changes,
    trace: o.trace,
    error: o.error,
  };
}
