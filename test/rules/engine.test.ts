/** The engine's semantics on a small schema built for them: every rule type, pruning, cascades, keys, exact money. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { integer, numeric, sqliteTable, text, primaryKey } from 'drizzle-orm/sqlite-core';
import { rules } from '../../src/rules/dsl.js';
import { compile } from '../../src/rules/compile.js';
import { engineFor, scratchDb } from '../helpers/scratch-db.js';

const DDL = `
CREATE TABLE Dept (Id INTEGER PRIMARY KEY, Name TEXT, Rate DECIMAL(6,2) NOT NULL DEFAULT 1,
  Spent DECIMAL(12,2) NOT NULL DEFAULT 0, Loaned DECIMAL(12,2) NOT NULL DEFAULT 0, Headcount INTEGER NOT NULL DEFAULT 0,
  LineTotal DECIMAL(12,2) NOT NULL DEFAULT 0, LineCount INTEGER NOT NULL DEFAULT 0);
CREATE TABLE Emp (Id INTEGER PRIMARY KEY, Name TEXT,
  WorksFor INTEGER REFERENCES Dept(Id) ON DELETE SET NULL, OnLoan INTEGER REFERENCES Dept(Id) ON DELETE SET NULL,
  Pay DECIMAL(12,2) NOT NULL DEFAULT 0, DeptRate DECIMAL(6,2), Cost DECIMAL(12,2) NOT NULL DEFAULT 0);
CREATE TABLE Line (A TEXT NOT NULL, B INTEGER NOT NULL, DeptId INTEGER NOT NULL REFERENCES Dept(Id) ON DELETE CASCADE,
  Amount DECIMAL(12,2) NOT NULL, PRIMARY KEY (A, B));
`;
const money = (n: string) => numeric(n, { mode: 'number' });
const Dept = sqliteTable('Dept', {
  Id: integer('Id').primaryKey(),
  Name: text('Name'),
  Rate: money('Rate').notNull(),
  Spent: money('Spent').notNull(),
  Loaned: money('Loaned').notNull(),
  Headcount: integer('Headcount').notNull(),
  LineTotal: money('LineTotal').notNull(),
  LineCount: integer('LineCount').notNull(),
});
const Emp = sqliteTable('Emp', {
  Id: integer('Id').primaryKey(),
  Name: text('Name'),
  WorksFor: integer('WorksFor'),
  OnLoan: integer('OnLoan'),
  Pay: money('Pay').notNull(),
  DeptRate: money('DeptRate'),
  Cost: money('Cost').notNull(),
});
const Line = sqliteTable(
  'Line',
  { A: text('A').notNull(), B: integer('B').notNull(), DeptId: integer('DeptId').notNull(), Amount: money('Amount').notNull() },
  (t) => [primaryKey({ columns: [t.A, t.B] })],
);
const models = { Dept, Emp, Line };

let calls: { cost: number; rate: number };
const ruleSet = () =>
  rules(models, ({ sum, count, formula }) => [
    sum(Dept.Spent, Emp.Cost, { via: Emp.WorksFor }),
    sum(Dept.Loaned, Emp.Cost, { via: Emp.OnLoan }),
    count(Dept.Headcount, Emp, { via: Emp.WorksFor }),
    sum(Dept.LineTotal, Line.Amount),
    count(Dept.LineCount, Line, { where: (l) => l.Amount > 0 }),
    // declared before what it reads: order comes from dependencies
    // biome-ignore lint/complexity/noCommaOperator: counts the calls inside the expression the engine reads
    formula(Emp.Cost, (e) => (calls.cost++, e.Pay * (e.DeptRate ?? 1))),
    // biome-ignore lint/complexity/noCommaOperator: as above
    formula(Emp.DeptRate, (e, { parent }) => (calls.rate++, parent(Dept, 'WorksFor').Rate ?? null)),
  ]);

let db: ReturnType<typeof scratchDb>;
let t: ReturnType<typeof engineFor>;
beforeEach(() => {
  calls = { cost: 0, rate: 0 };
  db = scratchDb(DDL);
  t = engineFor(db.store, ruleSet());
  expect(
    t.run([
      { insert: 'Dept', values: { Id: 1, Name: 'Sales', Rate: 1.5 } },
      { insert: 'Dept', values: { Id: 2, Name: 'Ops' } },
      { insert: 'Emp', values: { Id: 1, Name: 'ann', WorksFor: 1, Pay: 100 } },
      { insert: 'Emp', values: { Id: 2, Name: 'bob', WorksFor: 1, OnLoan: 2, Pay: 10.1 } },
    ]).ok,
  ).toBe(true);
  calls = { cost: 0, rate: 0 };
});
afterEach(() => db.dispose());

describe('formulas', () => {
  it('are ordered by what they read, and read parents through the named foreign key', () => {
    expect(t.all('SELECT Id, DeptRate, Cost FROM Emp ORDER BY Id')).toEqual([
      { Id: 1, DeptRate: 1.5, Cost: 150 },
      { Id: 2, DeptRate: 1.5, Cost: 15.15 },
    ]);
    expect(t.one('SELECT Spent, Loaned, Headcount FROM Dept WHERE Id = 1')).toEqual({ Spent: 165.15, Loaned: 0, Headcount: 2 });
    expect(t.one('SELECT Spent, Loaned, Headcount FROM Dept WHERE Id = 2')).toEqual({ Spent: 0, Loaned: 15.15, Headcount: 0 });
  });

  it('are pruned: only formulas whose inputs changed run, and an unrelated change runs none', () => {
    t.run([{ update: 'Emp', key: 1, set: { Pay: 200 } }]);
    expect(calls).toEqual({ cost: 1, rate: 0 });
    const out = t.run([{ update: 'Emp', key: 1, set: { Name: 'ann b' } }]);
    expect(calls).toEqual({ cost: 1, rate: 0 });
    // and no parent was read or written for it
    expect(out.trace.map((s) => s.kind)).toEqual(['update']);
    expect(out.changes).toEqual([{ table: 'Emp', key: 1, op: 'update', values: { Name: ['ann', 'ann b'] } }]);
  });

  it('cascade from a parent column to every child, and the children adjust the parent back', () => {
    const out = t.run([{ update: 'Dept', key: 1, set: { Rate: 2 } }]);
    expect(out.ok).toBe(true);
    expect(calls).toEqual({ cost: 2, rate: 2 });
    expect(t.all('SELECT DeptRate, Cost FROM Emp ORDER BY Id')).toEqual([
      { DeptRate: 2, Cost: 200 },
      { DeptRate: 2, Cost: 20.2 },
    ]);
    expect(t.one('SELECT Spent FROM Dept WHERE Id = 1').Spent).toBe(220.2);
    expect(t.one('SELECT Loaned FROM Dept WHERE Id = 2').Loaned).toBe(20.2);
    const cascades = out.trace.filter((s) => s.note?.startsWith('cascade from Dept 1'));
    expect(cascades.map((s) => s.key)).toEqual([1, 2]);
  });

  it('re-evaluate on a re-parent, which adjusts old and new parent through each foreign key', () => {
    t.run([{ update: 'Emp', key: 2, set: { WorksFor: 2, OnLoan: 1 } }]);
    expect(t.one('SELECT DeptRate, Cost FROM Emp WHERE Id = 2')).toEqual({ DeptRate: 1, Cost: 10.1 });
    expect(t.all('SELECT Id, Spent, Loaned, Headcount FROM Dept ORDER BY Id')).toEqual([
      { Id: 1, Spent: 150, Loaned: 10.1, Headcount: 1 },
      { Id: 2, Spent: 10.1, Loaned: 0, Headcount: 1 },
    ]);
  });

  it('that throw roll the transaction back, naming the rule', () => {
    const bad = rules(models, ({ formula }) => [
      formula(Emp.Cost, (e) => {
        if (e.Pay > 1000) throw new Error('too rich');
        return e.Pay;
      }),
    ]);
    const t2 = engineFor(db.store, bad);
    const out = t2.run([{ update: 'Emp', key: 1, set: { Pay: 5000 } }]);
    expect(out.error).toMatchObject({ kind: 'error', table: 'Emp', key: 1 });
    expect(out.error!.rule).toMatch(/^Emp\.Cost = if \(Pay > (1000|1e3)\) throw/);
    expect(out.error!.message).toMatch(/too rich/);
    expect(t.one('SELECT Pay FROM Emp WHERE Id = 1').Pay).toBe(100);
  });
});

describe('sums and counts', () => {
  it('keep money exact over thousands of adjustments (no binary drift)', () => {
    const ops = Array.from({ length: 3000 }, (_, i) => ({ insert: 'Line', values: { A: 'x', B: i, DeptId: 1, Amount: 0.1 } }));
    expect(t.run(ops).ok).toBe(true);
    expect(t.one('SELECT LineTotal, LineCount FROM Dept WHERE Id = 1')).toEqual({ LineTotal: 300, LineCount: 3000 });
    let float = 0;
    for (let i = 0; i < 3000; i++) float += 0.1;
    expect(float).not.toBe(300); // what a naive sum would have stored
    const more = Array.from({ length: 1000 }, (_, i) => ({ update: 'Line', key: { A: 'x', B: i }, set: { Amount: 0.2 } }));
    expect(t.run(more).ok).toBe(true);
    expect(t.one('SELECT LineTotal FROM Dept WHERE Id = 1').LineTotal).toBe(400);
  });

  it('rounds money to the column scale as a person would (half away from zero)', () => {
    t.run([
      { insert: 'Line', values: { A: 'r', B: 1, DeptId: 2, Amount: 1.005 } },
      { insert: 'Line', values: { A: 'r', B: 2, DeptId: 2, Amount: '2.675' } },
    ]);
    expect(t.all('SELECT Amount FROM Line ORDER BY B')).toEqual([{ Amount: 1.01 }, { Amount: 2.68 }]);
    expect(t.one('SELECT LineTotal FROM Dept WHERE Id = 2').LineTotal).toBe(3.69);
  });

  it('react to the where condition: a row leaving the condition is subtracted', () => {
    t.run([{ insert: 'Line', values: { A: 'w', B: 1, DeptId: 1, Amount: 5 } }]);
    expect(t.one('SELECT LineCount FROM Dept WHERE Id = 1').LineCount).toBe(1);
    t.run([{ update: 'Line', key: { A: 'w', B: 1 }, set: { Amount: -5 } }]);
    expect(t.one('SELECT LineTotal, LineCount FROM Dept WHERE Id = 1')).toEqual({ LineTotal: -5, LineCount: 0 });
  });

  it('address composite keys as objects, and say which key parts are missing', () => {
    t.run([{ insert: 'Line', values: { A: 'k', B: 7, DeptId: 2, Amount: 3 } }]);
    expect(t.run([{ update: 'Line', key: { A: 'k', B: 7 }, set: { DeptId: 1 } }]).ok).toBe(true);
    expect(t.all('SELECT Id, LineTotal FROM Dept ORDER BY Id')).toEqual([
      { Id: 1, LineTotal: 3 },
      { Id: 2, LineTotal: 0 },
    ]);
    const out = t.run([{ update: 'Line', key: 'k', set: { Amount: 1 } }]);
    expect(out.error).toMatchObject({ kind: 'bad-input', code: 'bad-key' });
    expect(out.error!.message).toMatch(/composite key; give \{"A": …, "B": …\}/);
  });
});

describe('deletes', () => {
  it('ON DELETE SET NULL runs through the engine; CASCADE deletes children without adjusting the dying parent', () => {
    t.run([{ insert: 'Line', values: { A: 'd', B: 1, DeptId: 1, Amount: 9 } }]);
    const out = t.run([{ delete: 'Dept', key: 1 }]);
    expect(out.ok, JSON.stringify(out.error)).toBe(true);
    expect(t.all('SELECT Id, WorksFor, DeptRate, Cost FROM Emp ORDER BY Id')).toEqual([
      { Id: 1, WorksFor: null, DeptRate: null, Cost: 100 },
      { Id: 2, WorksFor: null, DeptRate: null, Cost: 10.1 },
    ]);
    expect(t.one('SELECT Loaned FROM Dept WHERE Id = 2').Loaned).toBe(10.1); // bob is still on loan to Ops, at his new cost
    expect(t.one('SELECT count(*) n FROM Line').n).toBe(0);
    expect(out.trace.filter((s) => s.table === 'Dept' && s.key === 1 && (s.kind === 'sum' || s.kind === 'count'))).toEqual([]);
  });
});

describe('loading rules', () => {
  const load = (build: Parameters<typeof rules<typeof models>>[1]) => () => compile(rules(models, build), db.store.schema);

  it('names an unknown column read by a formula, with a suggestion and the declaring line', () => {
    expect(load(({ formula }) => [formula(Emp.Cost, (e) => (e as any).Pai * 2)])).toThrow(
      /engine\.test\.ts:\d+ formula Emp\.Cost: reads Emp\.Pai, which is not a column \(did you mean Pay\?\)/,
    );
  });
  it('finds a cycle between formulas', () => {
    expect(load(({ formula }) => [formula(Emp.Cost, (e) => e.Pay), formula(Emp.Pay, (e) => e.Cost)])).toThrow(
      /formulas form a cycle: (Cost → Pay → Cost|Pay → Cost → Pay)/,
    );
  });
  it('finds a cycle across tables', () => {
    expect(
      load(({ formula, sum }) => [
        sum(Dept.Spent, Emp.Cost, { via: Emp.WorksFor }),
        formula(Emp.Cost, (e, { parent }) => parent(Dept, 'WorksFor').Spent),
      ]),
    ).toThrow(/rules form a cycle/);
  });
  it('asks which foreign key when there are several to the parent', () => {
    expect(load(({ sum }) => [sum(Dept.Spent, Emp.Cost)])).toThrow(
      /Emp has 2 foreign keys to Dept \((WorksFor, OnLoan|OnLoan, WorksFor)\); say which with \{ via: Emp\.<column> \}/,
    );
  });
  it('refuses a function whose row escapes analysis, asking for deps', () => {
    const helper = (row: unknown) => row;
    expect(load(({ formula }) => [formula(Emp.Cost, (e) => Number(helper(e)))])).toThrow(/the row is used as a whole .* declare deps/);
  });
  it('refuses a sum into a text column, and a copy between text and numbers', () => {
    expect(load(({ sum }) => [sum(Dept.Name as any, Emp.Cost, { via: Emp.WorksFor })])).toThrow(
      /a sum or count needs a numeric column, and Name is TEXT/,
    );
    expect(load(({ copy }) => [copy(Emp.Pay, Dept.Name, { via: Emp.WorksFor })])).toThrow(
      /copies Dept\.Name \(TEXT\) into a DECIMAL\(12,2\) column/,
    );
  });
  it('takes declared deps for a function it cannot follow, and prunes by them', () => {
    const costOf = (e: { Pay: number }) => e.Pay * 3;
    const withDeps = rules(models, ({ formula }) => [formula(Emp.Cost, (e) => costOf(e), { deps: [Emp.Pay] })]);
    const t2 = engineFor(db.store, withDeps);
    expect(t2.run([{ update: 'Emp', key: 1, set: { Pay: 7 } }]).ok).toBe(true);
    expect(t2.one('SELECT Cost FROM Emp WHERE Id = 1').Cost).toBe(21);
    const renamed = t2.run([{ update: 'Emp', key: 1, set: { Name: 'x' } }]);
    expect(renamed.trace.filter((s) => s.kind === 'formula')).toEqual([]);
  });
  it('refuses deriving one column twice', () => {
    expect(load(({ formula }) => [formula(Emp.Cost, (e) => e.Pay), formula(Emp.Cost, (e) => e.Pay * 2)])).toThrow(
      /Emp\.Cost is already derived by "Emp\.Cost = Pay"/,
    );
  });
  it('warns about a models table that is not in the database, and refuses a rule that uses it', () => {
    const Ghost = sqliteTable('Ghost', { Id: integer('Id').primaryKey(), N: integer('N') });
    expect(
      compile(
        rules({ ...models, Ghost }, () => []),
        db.store.schema,
      ).warnings,
    ).toEqual(['models: table Ghost (export Ghost) is not in the database']);
    expect(() =>
      compile(
        rules({ ...models, Ghost }, ({ formula }) => [formula(Ghost.N, () => 1)]),
        db.store.schema,
      ),
    ).toThrow(/formula: table Ghost is not in the database/);
  });
});
