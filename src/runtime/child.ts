/**
 * What every runtime child does alike: read its arguments, talk to its parent over IPC (or print,
 * when run by hand), report transactions, and stop cleanly when asked or when the parent goes.
 */
import { txRecord, type ChildArgs, type ChildMessage, type ChildName, type ParentMessage } from './protocol.js';
import type { TxOutcome } from '../rules/engine.js';

export function childArgs(): ChildArgs {
  return JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
}

export function report(message: ChildMessage): void {
  if (process.send) process.send(message);
  else if (message.type === 'log') process.stderr.write(`${message.line}\n`);
  else if (message.type !== 'tx') process.stdout.write(`${JSON.stringify(message)}\n`);
}

export const log = (line: string, level: 'info' | 'warn' | 'error' = 'info'): void => report({ type: 'log', level, line });

export function reportTx(child: ChildName): (o: TxOutcome) => void {
  return (o) => report({ type: 'tx', outcome: txRecord(o, child) });
}

/** runs `stop` once on SIGTERM/SIGINT, a stop message, or the parent going away; then exits */
export function onStop(stop: () => Promise<void>): void {
  let stopping = false;
  const go = (): void => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), 3000).unref();
    void stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', go);
  process.on('SIGINT', go);
  process.on('message', (m: ParentMessage) => m?.type === 'stop' && go());
  process.on('disconnect', go); // the parent died: no orphans
}

/** a start-up failure the user can act on: reported, then exit 2 */
export function failed(message: string): void {
  if (process.send) process.send({ type: 'failed', message } satisfies ChildMessage, () => process.exit(2));
  else {
    process.stderr.write(`alsx: ${message}\n`);
    process.exit(2);
  }
}
