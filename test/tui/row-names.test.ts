/** How a row is named (its display columns) in databases not written the Northwind way. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDisplay, rowNouns } from '../../src/tui/tables/admin-config.js';
import { scratchDb } from '../helpers/scratch-db.js';

// the shapes of classicmodels (camelCase, plural tables), BudgetApp (snake_case) and airport
const DDL = `
  CREATE TABLE customers (customerNumber INTEGER PRIMARY KEY, customerName VARCHAR(50) NOT NULL,
    contactLastName VARCHAR(50), contactFirstName VARCHAR(50), salesRepEmployeeNumber INTEGER, creditLimit DECIMAL(10,2));
  CREATE TABLE products (productCode VARCHAR(15) PRIMARY KEY, productName VARCHAR(70) NOT NULL, productLine VARCHAR(50));
  CREATE TABLE employees (employeeNumber INTEGER PRIMARY KEY, lastName VARCHAR(50), firstName VARCHAR(50), jobTitle VARCHAR(50));
  CREATE TABLE orderdetails (orderNumber INTEGER, productCode VARCHAR(15), quantityOrdered INTEGER, PRIMARY KEY (orderNumber, productCode));
  CREATE TABLE categories (category_id INTEGER PRIMARY KEY, category_name VARCHAR(50), parent_id INTEGER);
  CREATE TABLE account (account_id INTEGER PRIMARY KEY, account_name VARCHAR(50), balance DECIMAL(10,2));
  CREATE TABLE users (user_id INTEGER PRIMARY KEY, username VARCHAR(50), email VARCHAR(80));
  CREATE TABLE budget_categories (id INTEGER PRIMARY KEY, amount DECIMAL(10,2), category_name TEXT);
  CREATE TABLE passenger (passenger_id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, passport_no TEXT);
  CREATE TABLE addresses (address_id INTEGER PRIMARY KEY, address_name TEXT);
  CREATE TABLE flights (flight_id INTEGER PRIMARY KEY, flight_no TEXT, name_count INTEGER);
`;

let db: ReturnType<typeof scratchDb>;
beforeAll(() => void (db = scratchDb(DDL)));
afterAll(() => db?.dispose());
const display = (table: string) => defaultDisplay(db.store.schema.tables.get(table)!);

describe('row names', () => {
  it('understand camelCase columns and plural table names (classicmodels)', () => {
    expect(display('customers')).toEqual(['customerName']);
    expect(display('products')).toEqual(['productName']);
    expect(display('employees')).toEqual(['firstName', 'lastName']);
    expect(display('orderdetails')).toEqual(['orderNumber', 'productCode']); // nothing name-like: the key
  });

  it('understand snake_case columns (BudgetApp, airport)', () => {
    expect(display('categories')).toEqual(['category_name']);
    expect(display('account')).toEqual(['account_name']);
    expect(display('users')).toEqual(['username']);
    expect(display('budget_categories')).toEqual(['category_name']);
    expect(display('passenger')).toEqual(['first_name', 'last_name']);
    expect(display('addresses')).toEqual(['address_name']);
  });

  it('take only text columns that exist', () => {
    expect(display('flights')).toEqual(['flight_id']);
  });

  it('guess the singulars a table name may be the plural of', () => {
    expect(rowNouns('customers')).toContain('customer');
    expect(rowNouns('categories')).toContain('category');
    expect(rowNouns('addresses')).toContain('address');
    expect(rowNouns('Address')).toEqual(['address']);
    expect(rowNouns('budget_categories')).toContain('category');
  });
});
