/** `alsx tx` and friends, through the real command: exit codes, JSON shapes, messages, colour. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { alfkiOrder, freshNorthwind } from '../helpers/northwind.js';
import { spawnSync } from 'node:child_process';
import { alsx, ROOT } from '../helpers/cli.js';

let db: Awaited<ReturnType<typeof freshNorthwind>>;
beforeAll(async () => {
  db = await freshNorthwind();
  db.close(); // the CLI opens the file itself
});
afterAll(() => db.dispose());

const P = 'projects/northwind';
const order = (chang: number) => JSON.stringify(alfkiOrder(chang));
const query = (sql: string) => {
  const conn = new Database(db.file, { readonly: true });
  try {
    return conn.prepare(sql).get() as Record<string, unknown>;
  } finally {
    conn.close();
  }
};

describe('alsx tx', () => {
  it('refuses the 2000-Chang order: exit 1, the rule, table, key and message in JSON, nothing written', () => {
    const r = alsx(['tx', P, '-', '--db', db.file, '--json'], { input: order(2000) });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      ok: false,
      error: {
        rule: 'Customer: Balance <= CreditLimit',
        table: 'Customer',
        key: 'ALFKI',
        message: 'balance (40120.00) exceeds credit (2300.00)',
      },
    });
    expect(out.trace.length).toBeGreaterThan(8);
    expect(query(`SELECT Balance FROM Customer WHERE Id = 'ALFKI'`)).toEqual({ Balance: 2102 });
  });

  it('commits the Chang-2 order: exit 0, Balance [2102, 2158] in the changes, and the file holds it', () => {
    const r = alsx(['tx', P, '--db', db.file, '--json'], { input: order(2) });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.changes.find((c: any) => c.table === 'Customer' && c.key === 'ALFKI').values.Balance).toEqual([2102, 2158]);
    expect(out.trace[0]).toMatchObject({ tx: out.tx, origin: 'cli', seq: 1, depth: 0, kind: 'insert', table: 'Order' });
    expect(query(`SELECT Balance FROM Customer WHERE Id = 'ALFKI'`)).toEqual({ Balance: 2158 });
  });

  it('prints a readable outcome, changes and logic log without --json', () => {
    const r = alsx(['tx', P, '-', '--db', db.file, '--dry-run'], {
      input: JSON.stringify([{ update: 'OrderDetail', key: 1, set: { Quantity: 3 } }]),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✔ would commit \(dry run, rolled back\)/);
    expect(r.stdout).toMatch(/update OrderDetail 1 +Quantity \d+ → 3, Amount/);
    expect(r.stdout).toMatch(/logic log\n {2}update OrderDetail 1\n {4}formula +OrderDetail\.Amount = Quantity \* UnitPrice/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('reads operations from a file argument', () => {
    const r = alsx(['tx', P, 'fixtures/tx/alfki-2000-chang.json', '--db', db.file, '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✘ rejected by Customer: Balance <= CreditLimit: balance \(\d+\.\d\d\) exceeds credit \(2300\.00\)/);
  });

  it.each([
    ['malformed JSON', '[{"update":', /the input is not valid JSON/],
    ['an unknown table', '[{"update":"NoSuchTable","key":1,"set":{"X":1}}]', /there is no table NoSuchTable/],
    [
      'an unknown column',
      '[{"update":"Customer","key":"ALFKI","set":{"Ballance":1}}]',
      /Customer has no column Ballance \(did you mean Balance\?\)/,
    ],
    ['not a list', '{"update":"Customer"}', /a transaction is a JSON list of operations/],
  ])('exits 2 on %s, with a clear message', (_what, input, message) => {
    const r = alsx(['tx', P, '-', '--db', db.file, '--dry-run'], { input });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('exits 2 naming the problem when the project or the file is missing', () => {
    expect(alsx(['tx', 'projects/nope', '-'], { input: '[]' })).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/projects\/nope is not a folder/),
    });
    expect(alsx(['tx', P, 'missing.json', '--db', db.file])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/cannot read missing\.json: no such file/),
    });
  });

  it('colours only when asked, and NO_COLOR wins', () => {
    const input = JSON.stringify([{ update: 'OrderDetail', key: 1, set: { Quantity: 4 } }]);
    expect(alsx(['tx', P, '-', '--db', db.file, '--dry-run'], { input, env: { FORCE_COLOR: '1' } }).stdout).toMatch(/\x1b\[/);
    expect(alsx(['tx', P, '-', '--db', db.file, '--dry-run'], { input, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).not.toMatch(
      /\x1b\[/,
    );
  });
});

describe('help, rules and check', () => {
  it.each([[[]], [['tx']], [['serve']], [['broker']], [['hash-password']], [['rules']], [['check']], [['reset']], [['create']]])(
    'alsx %j --help explains usage and exits 0',
    (cmd) => {
      const r = alsx([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: alsx${cmd.length ? ` ${cmd[0]}` : ''} `));
    },
  );

  it('output piped into a reader that has gone (alsx --help | head) ends quietly, exit 0', () => {
    // `true` exits without reading, long before alsx writes: its first write meets a closed pipe
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" bin/alsx.js --help | true`], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
    expect(r.status).toBe(0);
  });

  it('an unknown command or flag is a usage error (exit 2)', () => {
    expect(alsx(['frobnicate']).code).toBe(2);
    expect(alsx(['tx', P, '--frobnicate']).code).toBe(2);
  });

  it('alsx rules lists each table’s rules in execution order with what they read', () => {
    const r = alsx(['rules', P, '--db', db.file, '--json']);
    expect(r.code).toBe(0);
    const detail = JSON.parse(r.stdout)
      .find((t: any) => t.table === 'OrderDetail')
      .rules.map((x: any) => x.name);
    expect(detail.indexOf('OrderDetail.UnitPrice = copy(Product.UnitPrice)')).toBeLessThan(
      detail.indexOf('OrderDetail.Amount = Quantity * UnitPrice'),
    );
  });

  it('alsx check finds no drift in the seed, and names a tampered value', () => {
    expect(alsx(['check', P, '--db', db.file])).toMatchObject({ code: 0, stdout: expect.stringMatching(/all consistent/) });
    const conn = new Database(db.file);
    conn.prepare(`UPDATE Customer SET Balance = 1 WHERE Id = 'ANATR'`).run();
    conn.close();
    const r = alsx(['check', P, '--db', db.file, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).drift).toEqual([
      expect.objectContaining({ table: 'Customer', key: ['ANATR'], column: 'Balance', stored: 1 }),
    ]);
  });

  it('alsx check reports every drift, however many, and --fix counts each value it changed once', () => {
    const conn = new Database(db.file);
    const items = Number(conn.prepare('SELECT count(*) FROM OrderDetail').pluck().get());
    conn.prepare('UPDATE OrderDetail SET Amount = Amount + 1').run(); // every item's amount, and so every order's total, wrong
    const orders = Number(conn.prepare('SELECT count(DISTINCT OrderId) FROM OrderDetail').pluck().get());
    conn.close();
    expect(items).toBeGreaterThan(1000);
    const r = alsx(['check', P, '--db', db.file]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('drift OrderDetail'))).toHaveLength(items);
    expect(lines.filter((l) => l.startsWith('drift Order '))).toHaveLength(orders); // and their orders' totals
    const drifts = lines.filter((l) => l.startsWith('drift')).length;
    expect(lines.at(-1)).toMatch(new RegExp(`^${drifts} derived values differ \\(of \\d+ checked\\)$`));
    const json = JSON.parse(alsx(['check', P, '--db', db.file, '--json']).stdout);
    expect(json.drift).toHaveLength(drifts);
    const fixed = alsx(['check', P, '--db', db.file, '--fix']);
    // the values that end up changed, each once: the items' amounts (and any other drift) — not the orders' totals,
    // which the first round rewrote from the wrong amounts and a later one put back as they were
    expect(Number(/wrote (\d+) derived values?/.exec(fixed.stdout)?.[1])).toBe(drifts - orders);
    expect(fixed.stdout).toMatch(/all consistent/);
  });
});
