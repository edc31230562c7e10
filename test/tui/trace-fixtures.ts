/** Real transactions for the Trace pane's tests: Northwind's engine runs them, then they travel as the runtime sends them. */
import { txRecord, type ChildName, type TxRecord } from '../../src/runtime/protocol.js';
import type { TxOp, TxOutcome } from '../../src/rules/engine.js';
import { alfkiOrder, freshNorthwind } from '../helpers/northwind.js';

/** what the runtime sends of an outcome (txRecord), through JSON as over the IPC channel */
export function toRecord(o: TxOutcome, child: ChildName = 'api', at = new Date().toISOString()): TxRecord {
  return JSON.parse(JSON.stringify(txRecord(o, child, o.origin, at))) as TxRecord;
}

export interface RealRecords {
  /** ALFKI orders 1 Chai and 2000 Chang: refused by the credit rule */
  refused: TxRecord;
  /** ALFKI orders 1 Chai and 2 Chang: committed */
  committed: TxRecord;
  /** the 2-Chang order again, as a dry run */
  dryRun: TxRecord;
  /** ALFKI orders 1 Chai and 1 Chang, logged in through the API: the record names the user */
  byAlfki: TxRecord;
}

export async function realRecords(): Promise<RealRecords> {
  const nw = await freshNorthwind();
  try {
    const run = (chang: number, origin: string, dryRun = false, user?: { name: string; roles: string[] }): TxOutcome =>
      nw.engine.run(alfkiOrder(chang) as TxOp[], { origin, dryRun, user });
    const refused = toRecord(run(2000, 'api'), 'api', '2026-01-15T10:00:00.125Z');
    const committed = toRecord(run(2, 'kafka'), 'workers', '2026-01-15T10:00:01.250Z');
    const dryRun = toRecord(run(2, 'tui', true), 'api', '2026-01-15T10:00:02.500Z');
    const byAlfki = toRecord(run(1, 'api', false, { name: 'ALFKI', roles: ['customer'] }), 'api', '2026-01-15T10:00:03.750Z');
    return { refused, committed, dryRun, byAlfki };
  } finally {
    nw.dispose();
  }
}
