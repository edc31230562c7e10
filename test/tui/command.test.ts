/** The `:` command line: parsing what a person types, completing it, editing the line. */
import { describe, expect, it } from 'vitest';
import { complete, parseCommand, CommandError } from '../../src/tui/command/parse.js';
import { edit, viewport } from '../../src/tui/command/line-editor.js';

describe('parseCommand', () => {
  it('reads each headless command', () => {
    expect(parseCommand(':tx [{"delete":"Order","key":10248}]')).toEqual({ kind: 'tx', ops: [{ delete: 'Order', key: 10248 }] });
    expect(parseCommand(':get /api/Customer/ALFKI')).toEqual({ kind: 'http', method: 'GET', path: '/api/Customer/ALFKI' });
    expect(parseCommand(':get /Customer/ALFKI')).toMatchObject({ path: '/api/Customer/ALFKI' });
    expect(parseCommand(':post /api/Order {"data":{"type":"Order"}}')).toEqual({
      kind: 'http',
      method: 'POST',
      path: '/api/Order',
      body: { data: { type: 'Order' } },
    });
    expect(parseCommand(':produce order_b2b {"AccountId":"ALFKI"}')).toEqual({
      kind: 'produce',
      topic: 'order_b2b',
      value: { AccountId: 'ALFKI' },
    });
    expect(parseCommand(':produce order_b2b')).toEqual({ kind: 'produce', topic: 'order_b2b' });
    expect(parseCommand(':produce order_b2b not json')).toEqual({ kind: 'produce', topic: 'order_b2b', text: 'not json' });
    expect(parseCommand(':sql select 1 as one')).toEqual({ kind: 'sql', query: 'select 1 as one' });
    expect(parseCommand(':login ALFKI')).toEqual({ kind: 'login', user: 'ALFKI', password: 'p' });
    expect(parseCommand(':help')).toEqual({ kind: 'help' });
  });

  it('says what is wrong, in the terms of the command', () => {
    expect(() => parseCommand(':tx [oops')).toThrow(/the transaction is not valid JSON/);
    expect(() => parseCommand(':post /api/Order')).toThrow(/needs a JSON body/);
    expect(() => parseCommand(':get Customer')).toThrow(/takes a path such as \/api\/Customer\/ALFKI/);
    expect(() => parseCommand(':frobnicate')).toThrow(CommandError);
    expect(() => parseCommand(':frobnicate')).toThrow(/no command :frobnicate; try :tx :get/);
  });
});

describe('complete', () => {
  const names = { tables: ['Customer', 'CustomerDemographic', 'Order', 'OrderDetail'], topics: ['order_b2b', 'order_shipping'] };
  it('completes commands, tables after /api/, topics after :produce and tables after from', () => {
    expect(complete(':pro', names)).toEqual({ line: ':produce ', candidates: [] });
    expect(complete(':get /api/Ord', names)).toEqual({ line: ':get /api/Order', candidates: ['Order', 'OrderDetail'] });
    expect(complete(':get /api/OrderD', names).line).toBe(':get /api/OrderDetail');
    expect(complete(':produce order_s', names).line).toBe(':produce order_shipping ');
    expect(complete(':sql select * from Cust', names)).toEqual({
      line: ':sql select * from Customer',
      candidates: ['Customer', 'CustomerDemographic'],
    });
    expect(complete(':l', names)).toEqual({ line: ':log', candidates: ['login', 'logout'] }); // as far as they agree, and the choices
  });
});

describe('the line editor', () => {
  const at = (text: string, cursor = text.length) => ({ text, cursor });
  it('types, moves, deletes like a shell line', () => {
    expect(edit(at(':ge'), { input: 't' })).toEqual(at(':get'));
    expect(edit(at(':get', 1), { input: 'x' })).toEqual(at(':xget', 2));
    expect(edit(at(':get'), { input: '', backspace: true })).toEqual(at(':ge'));
    expect(edit(at(':get', 0), { input: '', delete: true })).toEqual(at(':get', 0));
    expect(edit(at(':get /api/Order'), { input: 'w', ctrl: true })).toEqual(at(':get '));
    expect(edit(at(':get', 2), { input: 'a', ctrl: true })).toEqual(at(':get', 0));
    expect(edit(at(':get', 2), { input: 'u', ctrl: true })).toEqual(at('et', 0));
    expect(edit(at(':get'), { input: 'x', ctrl: true })).toBeUndefined();
  });
  it('shows the part of a long line around the cursor', () => {
    const v = viewport(at(`${'x'.repeat(100)}END`), 20);
    expect(v.before.endsWith('END')).toBe(true);
    expect(v.before.length + 1 + v.after.length).toBeLessThanOrEqual(20);
  });
});
