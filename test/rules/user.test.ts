/** Rules see the user behind the transaction (`user`: name, roles, attributes; frozen; undefined without one). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { rules } from '../../src/rules/dsl.js';
import type { TxOp } from '../../src/rules/engine.js';
import { txRecord } from '../../src/runtime/protocol.js';
import { engineFor, scratchDb } from '../helpers/scratch-db.js';

const DDL = `CREATE TABLE Note (Id INTEGER PRIMARY KEY, Body TEXT, Label TEXT, Region TEXT, CreatedBy TEXT, UpdatedBy TEXT);`;
const Note = sqliteTable('Note', {
  Id: integer('Id').primaryKey(),
  Body: text('Body'),
  Label: text('Label'),
  Region: text('Region'),
  CreatedBy: text('CreatedBy'),
  UpdatedBy: text('UpdatedBy'),
});
const models = { Note };
let seenInEvent: unknown[] = [];

const ruleSet = () =>
  rules(models, ({ defaults, formula, constraint, event }) => [
    // CreatedBy stamping: one line
    defaults(Note, {
      CreatedBy: (_now, { user }) => user?.name ?? null,
      Region: (_now, { user }) => (user?.attributes.region as string) ?? null,
    }),
    // UpdatedBy: a formula reading the user runs whenever the row's rules run, whatever changed
    formula(Note.UpdatedBy, (_n, { old, user }) => user?.name ?? old?.UpdatedBy ?? null),
    formula(Note.Label, (n, { user }) => `${n.Body} (${user ? user.roles.join('+') : 'no user'})`),
    constraint(
      Note,
      (n, { user }) => n.Body !== 'secret' || (user?.roles.includes('admin') ?? false),
      (_n, { user }) => `${user?.name ?? 'nobody'} may not write secrets`,
    ),
    event(Note, (n, { user }) => {
      seenInEvent.push(user);
      if (n.Body === 'tamper') (user as { name: string }).name = 'admin';
    }),
  ]);

let db: ReturnType<typeof scratchDb>;
let t: ReturnType<typeof engineFor>;
beforeEach(() => {
  seenInEvent = [];
  db = scratchDb(DDL);
  t = engineFor(db.store, ruleSet());
});
afterEach(() => db.dispose());

type Who = { name: string; roles: string[]; attributes: Record<string, string> };
const ann: Who = { name: 'ann', roles: ['clerk'], attributes: { region: 'WA' } };
const run = (ops: TxOp[], user?: Who) => t.engine.run(ops, { origin: 'test', user });

describe('ctx.user', () => {
  it('defaults, formulas, constraints and events see the user of the transaction', () => {
    const out = run([{ insert: 'Note', values: { Id: 1, Body: 'hello' } }], ann);
    expect(out.ok, JSON.stringify(out.error)).toBe(true);
    expect(t.one('SELECT * FROM Note')).toEqual({
      Id: 1,
      Body: 'hello',
      Label: 'hello (clerk)',
      Region: 'WA',
      CreatedBy: 'ann',
      UpdatedBy: 'ann',
    });
    expect(seenInEvent).toEqual([{ name: 'ann', roles: ['clerk'], attributes: { region: 'WA' } }]);
    const bob = { name: 'bob', roles: ['clerk'], attributes: {} };
    expect(run([{ update: 'Note', key: 1, set: { Body: 'changed' } }], bob).ok).toBe(true);
    // created by ann, updated by bob
    expect(t.one('SELECT Label, CreatedBy, UpdatedBy FROM Note')).toEqual({ Label: 'changed (clerk)', CreatedBy: 'ann', UpdatedBy: 'bob' });
    // a change no formula reads still stamps the user; a transaction without one leaves the stamp
    expect(run([{ update: 'Note', key: 1, set: { Region: 'OR' } }], { name: 'carl', roles: [], attributes: {} }).ok).toBe(true);
    expect(t.one('SELECT UpdatedBy FROM Note').UpdatedBy).toBe('carl');
    const quiet = run([{ update: 'Note', key: 1, set: { Region: 'CA' } }]);
    expect(t.one('SELECT UpdatedBy FROM Note').UpdatedBy).toBe('carl');
    expect(quiet.trace.filter((s) => s.column === 'UpdatedBy')).toEqual([]); // and no step for a value that stayed
    const refused = run([{ update: 'Note', key: 1, set: { Body: 'secret' } }], bob);
    expect(refused.ok).toBe(false);
    expect(refused.error?.message).toBe('bob may not write secrets');
    expect(run([{ update: 'Note', key: 1, set: { Body: 'secret' } }], { name: 'root', roles: ['admin'], attributes: {} }).ok).toBe(true);
  });

  it('is undefined for a transaction without a user (alsx tx, scenarios)', () => {
    const out = run([{ insert: 'Note', values: { Id: 2, Body: 'hi' } }]);
    expect(out.ok).toBe(true);
    expect(out.user).toBeUndefined();
    expect(t.one('SELECT Label, Region, CreatedBy, UpdatedBy FROM Note')).toEqual({
      Label: 'hi (no user)',
      Region: null,
      CreatedBy: null,
      UpdatedBy: null,
    });
    expect(seenInEvent).toEqual([undefined]);
  });

  it('is frozen: a rule cannot change who the transaction runs for', () => {
    const roles = ['clerk'];
    const out = run([{ insert: 'Note', values: { Id: 3, Body: 'tamper' } }], { ...ann, roles });
    expect(out.ok).toBe(false);
    expect(out.error?.message).toMatch(/^event .* failed: Cannot assign to read only property 'name'/);
    const seen = seenInEvent[0] as { roles: string[]; attributes: object };
    expect(Object.isFrozen(seen.roles) && Object.isFrozen(seen.attributes)).toBe(true);
    expect(seen.roles).not.toBe(roles); // a copy: the caller's list stays the caller's
  });

  it('the outcome and the trace record name the user', () => {
    const out = run([{ insert: 'Note', values: { Id: 4, Body: 'x' } }], ann);
    expect(out.user).toBe('ann');
    expect(txRecord(out, 'api').user).toBe('ann');
    expect(JSON.parse(JSON.stringify(out)).user).toBe('ann');
    expect('user' in txRecord(run([{ insert: 'Note', values: { Id: 5, Body: 'y' } }]), 'api')).toBe(false);
  });
});
