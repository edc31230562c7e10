/** Scenarios run for real: fresh world per scenario, expectations checked, failures as readable diffs. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/scenarios/format.js';
import { Templates } from '../../src/scenarios/environment.js';
import { runScenario } from '../../src/scenarios/runner.js';
import { readScenario } from '../../src/scenarios/load.js';

const NORTHWIND = resolve(import.meta.dirname, '../../projects/northwind');
const templates = new Templates();
const tmp = mkdtempSync(join(tmpdir(), 'alsx-scn-test-'));
afterAll(() => {
  templates.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const order = (chang: number) => [
  { insert: 'Order', values: { CustomerId: 'ALFKI', EmployeeId: 5, Freight: 10 }, as: 'o' },
  { insert: 'OrderDetail', values: { OrderId: '$o.Id', ProductId: 1, Quantity: 1 } },
  { insert: 'OrderDetail', values: { OrderId: '$o.Id', ProductId: 2, Quantity: chang } },
];
const run = (s: Scenario) => runScenario(NORTHWIND, join(tmp, 'x.yaml'), 'x', s, templates);

describe('a scenario', () => {
  it('passes when what happened is what it expects: rows, the rule chain, the API, request/reply', async () => {
    const r = await run({
      name: 'good order',
      steps: [
        {
          tx: order(2),
          expect: {
            ok: true,
            rows: [{ table: 'Customer', key: 'ALFKI', values: { Balance: 2158 } }],
            trace: ['OrderDetail.UnitPrice = copy', 'OrderDetail.Amount', 'Order.AmountTotal', 'Customer.Balance'],
          },
        },
        {
          request: { path: '/api/Customer/ALFKI' },
          expect: { status: 200, body: { data: { attributes: { Balance: 2158, OrderCount: 7 } } } },
        },
        {
          request: { path: '/api/rpc/northwind/customer_balance?id=ALFKI' },
          expect: { status: 200, body: { data: { balance: 2158, available: 142 } } },
        },
      ],
    });
    expect(r.error).toBeUndefined();
    expect(r.steps.map((s) => [s.ok, s.failures])).toEqual([
      [true, []],
      [true, []],
      [true, []],
    ]);
    expect(r.ok).toBe(true);
    expect(r.steps[0]!.outcomes).toHaveLength(1); // the step's transaction, with its trace, for the report
  });

  it('runs an sql step that reads, and refuses one that would write', async () => {
    const r = await run({
      name: 'sql',
      steps: [
        { sql: "SELECT Balance FROM Customer WHERE Id = 'ALFKI'", expect: { result: [{ Balance: 2102 }] } },
        { sql: "UPDATE Customer SET Balance = 0 WHERE Id = 'ALFKI'" },
      ],
    });
    expect(r.steps[0]!.ok).toBe(true);
    expect(JSON.stringify(r.steps[1])).toMatch(/sql steps only read; change data with a tx or request step/);
    expect(r.ok).toBe(false);
  });

  it('compares a boolean column as the API shows it (true, as a recording writes it) or as stored (1)', async () => {
    const r = await run({
      name: 'booleans',
      steps: [
        {
          tx: [{ insert: 'Order', values: { CustomerId: 'ALFKI', EmployeeId: 5 }, as: 'o' }],
          expect: { rows: [{ table: 'Order', where: { CustomerId: 'ALFKI', EmployeeId: 5, AmountTotal: 0 }, values: { Ready: true } }] },
        },
        { tx: [], expect: { rows: [{ table: 'Order', where: { CustomerId: 'ALFKI', AmountTotal: 0 }, values: { Ready: 1 } }] } },
        { tx: [], expect: { rows: [{ table: 'Order', where: { CustomerId: 'ALFKI', AmountTotal: 0 }, values: { Ready: false } }] } },
      ],
    });
    expect(r.steps.map((s) => s.failures)).toEqual([[], [], [expect.stringMatching(/Ready: expected false, got 1/)]]);
  });

  it('fails with a readable diff of expected and actual, and stops at the failing step', async () => {
    const r = await run({
      name: 'wrong',
      steps: [
        {
          tx: order(2),
          expect: {
            rows: [
              { table: 'Customer', key: 'ALFKI', values: { Balance: 2159 } },
              { table: 'Order', where: { CustomerId: 'ALFKI' }, count: 6 },
            ],
          },
        },
        { request: { path: '/api/Customer/ALFKI' }, expect: { status: 200 } },
      ],
    });
    expect(r.ok).toBe(false);
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0]!.failures).toEqual([
      'Customer ALFKI Balance: expected 2159, got 2158',
      'Order where CustomerId="ALFKI": expected 6 rows, found 7',
    ]);
  });

  it('names the rule and message of a refusal, and says when a refusal was expected but it succeeded', async () => {
    const r = await run({
      name: 'refusals',
      steps: [
        {
          tx: order(2000),
          expect: {
            ok: false,
            error: { rule: 'Customer: Balance <= CreditLimit', message: 'exceeds credit' },
            rows: [{ table: 'Customer', key: 'ALFKI', values: { Balance: 2102 } }],
          },
        },
        { tx: order(1), expect: { error: { rule: 'Customer: Balance <= CreditLimit' } } },
      ],
    });
    expect(r.steps[0]!.ok).toBe(true);
    expect(r.steps[1]!.failures).toEqual(['error: expected {"rule":"Customer: Balance <= CreditLimit"}, but it succeeded']);
  });

  it('starts every scenario from the seed: what one scenario wrote, the next does not see', async () => {
    await run({ name: 'writes', steps: [{ tx: [{ update: 'Customer', key: 'ALFKI', set: { CreditLimit: 9999 } }] }] });
    const r = await run({
      name: 'reads',
      steps: [{ sql: "select CreditLimit from Customer where Id = 'ALFKI'", expect: { result: [{ CreditLimit: 2300 }] } }],
    });
    expect(r.ok).toBe(true);
  });

  it('waits for messages: an order_b2b with an unknown product lands in the dead-letter topic', async () => {
    const r = await run({
      name: 'dlq',
      steps: [
        {
          produce: {
            topic: 'order_b2b',
            key: 'k1',
            value: { AccountId: 'ALFKI', Given: 'Steven', Surname: 'Buchanan', Items: [{ ProductName: 'Chaang', QuantityOrdered: 1 }] },
          },
        },
        {
          wait: { topic: 'order_b2b.dlq', match: { key: 'k1' } },
          expect: {
            message: { headers: { 'alsx-error-kind': 'mapping', 'alsx-error': 'Items[0].ProductName: no Product named "Chaang"' } },
          },
        },
        { wait: { topic: 'order_b2b', timeout: 300, match: { key: 'nobody' } } },
      ],
    });
    expect(r.steps.map((s) => s.ok)).toEqual([true, true, false]);
    expect(r.steps[2]!.failures[0]).toMatch(/no message on order_b2b matching \{"key":"nobody"\} within 300 ms/);
  });
});

describe('a scenario file', () => {
  const file = (name: string, text: string) => {
    const f = join(tmp, name);
    writeFileSync(f, text);
    return f;
  };
  it('says where YAML is broken, and which key is not part of the format', () => {
    expect(readScenario(file('bad.yaml', 'name: x\nsteps:\n  - tx: [\n')).error).toMatch(/bad\.yaml:\d+:\d+: /);
    expect(readScenario(file('typo.yaml', 'name: x\nsteps:\n  - tx: []\n    expct: { ok: true }\n')).error).toMatch(
      /typo\.yaml:3: \/steps\/0 unknown key "expct"/,
    );
    expect(readScenario(file('two.yaml', 'name: x\nsteps:\n  - tx: []\n    sql: select 1\n')).error).toMatch(
      /a step is one of request, tx, produce, wait or sql/,
    );
    expect(readScenario(file('ok.yaml', 'name: x\nsteps:\n  - sql: select 1\n')).scenario).toEqual({
      name: 'x',
      steps: [{ sql: 'select 1' }],
    });
  });
});
