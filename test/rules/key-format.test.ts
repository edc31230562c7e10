/** A composite key reads the same everywhere: 10110,S18_1589 — as the API's ids and the Tables pane write it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rules } from '../../src/rules/dsl.js';
import { formatKey } from '../../src/rules/keys.js';
import { renderLogicLog } from '../../src/rules/trace.js';
import { showKey } from '../../src/tui/trace/format.js';
import { engineFor, scratchDb } from '../helpers/scratch-db.js';

const DDL = `
  CREATE TABLE orders (orderNumber INTEGER PRIMARY KEY);
  CREATE TABLE orderdetails (orderNumber INTEGER NOT NULL REFERENCES orders(orderNumber), productCode TEXT NOT NULL,
    quantityOrdered INTEGER, PRIMARY KEY (orderNumber, productCode));
  CREATE TABLE calendar (y INTEGER, m INTEGER, d INTEGER, PRIMARY KEY (y, m, d));
  CREATE TABLE booking (id INTEGER PRIMARY KEY, y INTEGER, m INTEGER, d INTEGER, FOREIGN KEY (y, m, d) REFERENCES calendar (y, m, d));
  INSERT INTO orders VALUES (10110);
  INSERT INTO orderdetails VALUES (10110, 'S18_1589', 37);
`;

let db: ReturnType<typeof scratchDb>;
let t: ReturnType<typeof engineFor>;
beforeAll(() => {
  db = scratchDb(DDL);
  t = engineFor(
    db.store,
    rules({}, () => []),
  );
});
afterAll(() => db?.dispose());

describe('a composite key', () => {
  it('is written with commas by the logic log, the Trace pane and every message', () => {
    const o = t.run([{ update: 'orderdetails', key: { orderNumber: 10110, productCode: 'S18_1589' }, set: { quantityOrdered: 38 } }]);
    expect(o.ok).toBe(true);
    const step = o.trace.find((s) => s.kind === 'update')!;
    expect(renderLogicLog(o.trace)).toContain('update orderdetails 10110,S18_1589');
    expect(showKey(step.key)).toBe('10110,S18_1589');
    expect(formatKey(step.key)).toBe('10110,S18_1589');
  });

  it('is written with commas in a foreign-key error', () => {
    const o = t.run([{ insert: 'booking', values: { id: 1, y: 2023, m: 1, d: 1 } }]);
    expect(o.ok).toBe(false);
    expect(o.error!.message).toContain('= 2023,1,1: there is no calendar');
    expect(o.error!.message).not.toContain('2023/1/1');
  });
});
