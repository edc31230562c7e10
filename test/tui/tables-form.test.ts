/** The row form's light checks: what a field's text becomes, and what is sent. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formFields, formValues, initialTexts, parseField } from '../../src/tui/tables/form-values.js';
import { freshNorthwind } from '../helpers/northwind.js';

let nw: Awaited<ReturnType<typeof freshNorthwind>>;
beforeAll(async () => {
  nw = await freshNorthwind();
});
afterAll(() => nw?.dispose());

describe('the row form', () => {
  it('reads a field by its column kind', () => {
    const col = (table: string, name: string) => nw.store.schema.tables.get(table)!.columnsByName.get(name)!;
    expect(parseField(col('OrderDetail', 'Quantity'), '12')).toEqual({ value: 12 });
    expect(parseField(col('OrderDetail', 'Quantity'), '1.5')).toEqual({ error: 'a whole number' });
    expect(parseField(col('Customer', 'CreditLimit'), '2300.50')).toEqual({ value: 2300.5 });
    expect(parseField(col('Order', 'Ready'), 'no')).toEqual({ value: 0 });
    expect(parseField(col('Order', 'OrderDate'), '31/01/2026')).toEqual({ error: 'a date: 2026-01-31' });
    expect(parseField(col('Order', 'ShipName'), '')).toEqual({ value: null });
  });

  it('sends the changed fields when editing, the filled ones when inserting', () => {
    const customer = nw.store.schema.tables.get('Customer')!;
    const fields = formFields(customer, ['Id', 'CompanyName'], 'edit');
    expect(fields[0]).toMatchObject({ readOnly: true });
    const initial = initialTexts(fields, nw.row('Customer', 'ALFKI')!);
    expect(initial.CreditLimit).toBe('2300.00');
    expect(formValues(fields, { ...initial, City: 'Hamburg' }, initial, 'edit')).toEqual({ values: { City: 'Hamburg' }, errors: {} });
    expect(formValues(fields, { ...initial, OrderCount: 'x' }, initial, 'edit').errors).toEqual({ OrderCount: 'a whole number' });
    const order = nw.store.schema.tables.get('Order')!;
    const insert = formFields(order, ['Id'], 'insert');
    expect(insert[0]).toMatchObject({ readOnly: true }); // a generated key
    const texts = initialTexts(insert, { CustomerId: 'ALFKI' });
    expect(formValues(insert, { ...texts, EmployeeId: '5' }, texts, 'insert').values).toEqual({ CustomerId: 'ALFKI', EmployeeId: 5 });
  });
});
