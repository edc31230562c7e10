/**
 * `alsx test`: the Northwind suite passes headlessly with a JUnit report, and a scenario whose
 * expectation is wrong fails the run with a readable diff.
 */
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { alsx, ROOT } from '../helpers/cli.js';

// a copy inside the repository, so the project's `import … from 'alsx'` still resolves
const copy = join(ROOT, 'scratch', `test-command-${process.pid}`);
afterAll(() => rmSync(copy, { recursive: true, force: true }));

it('runs the Northwind suite: every scenario passes, with progress, a summary and JUnit XML', () => {
  const junit = join(process.env.ALSX_STATE_DIR!, 'junit.xml');
  const r = alsx(['test', 'projects/northwind', '--junit', junit], { env: { NO_COLOR: '1' } });
  expect(r.stderr).toBe('');
  expect(r.code, r.stdout).toBe(0);
  const files = readdirSync(join(ROOT, 'projects/northwind/scenarios')).filter((f) => f.endsWith('.yaml'));
  expect(files.length).toBeGreaterThanOrEqual(15);
  expect(r.stdout).toContain(`${files.length} passed, 0 failed`);
  const xml = readFileSync(junit, 'utf8');
  expect(xml.match(/<testcase /g)).toHaveLength(files.length);
  expect(xml).not.toContain('<failure');
}, 300_000);

it('fails a scenario whose expectation is wrong, showing expected and actual, with exit 1', () => {
  mkdirSync(join(ROOT, 'scratch'), { recursive: true });
  cpSync(join(ROOT, 'projects/northwind'), copy, { recursive: true, filter: (src) => !src.includes('.alsx') });
  rmSync(join(copy, 'scenarios'), { recursive: true, force: true });
  mkdirSync(join(copy, 'scenarios'));
  writeFileSync(
    join(copy, 'scenarios', 'good-order.yaml'),
    [
      'name: Good order, with a wrong balance',
      'steps:',
      '  - tx:',
      '      - { insert: Order, values: { CustomerId: ALFKI, EmployeeId: 5 }, as: o }',
      '      - { insert: OrderDetail, values: { OrderId: $o.Id, ProductId: 2, Quantity: 2 } }',
      '    expect:',
      '      rows: [{ table: Customer, key: ALFKI, values: { Balance: 2141 } }]',
      '',
    ].join('\n'),
  );
  const r = alsx(['test', copy], { env: { NO_COLOR: '1' } });
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('✘ Good order, with a wrong balance');
  expect(r.stdout).toContain('Customer ALFKI Balance: expected 2141, got 2140');
  expect(r.stdout).toContain('0 passed, 1 failed');
}, 300_000);
