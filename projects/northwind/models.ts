/**
 * Northwind's tables as drizzle-orm definitions, matching db/schema.sql (API Logic Server's names).
 * The rules in logic/rules.ts are typed against these. Money is DECIMAL(10,2): a number in rules,
 * computed exactly by the engine.
 */
import { integer, numeric, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

const money = (name: string) => numeric(name, { mode: 'number' });

export const Category = sqliteTable('Category', {
  Id: integer('Id').primaryKey({ autoIncrement: true }),
  CategoryName: text('CategoryName').notNull(),
  Description: text('Description'),
});

export const Supplier = sqliteTable('Supplier', {
  Id: integer('Id').primaryKey({ autoIncrement: true }),
  CompanyName: text('CompanyName').notNull(),
  ContactName: text('ContactName'),
  ContactTitle: text('ContactTitle'),
  Address: text('Address'),
  City: text('City'),
  Region: text('Region'),
  PostalCode: text('PostalCode'),
  Country: text('Country'),
  Phone: text('Phone'),
  Fax: text('Fax'),
  HomePage: text('HomePage'),
});

export const Shipper = sqliteTable('Shipper', {
  Id: integer('Id').primaryKey({ autoIncrement: true }),
  CompanyName: text('CompanyName').notNull(),
  Phone: text('Phone'),
});

export const Customer = sqliteTable('Customer', {
  Id: text('Id').primaryKey(),
  CompanyName: text('CompanyName'),
  ContactName: text('ContactName'),
  ContactTitle: text('ContactTitle'),
  Address: text('Address'),
  City: text('City'),
  Region: text('Region'),
  PostalCode: text('PostalCode'),
  Country: text('Country'),
  Phone: text('Phone'),
  Fax: text('Fax'),
  Balance: money('Balance').notNull(),
  CreditLimit: money('CreditLimit').notNull(),
  OrderCount: integer('OrderCount').notNull(),
  UnpaidOrderCount: integer('UnpaidOrderCount').notNull(),
});

export const Employee = sqliteTable('Employee', {
  Id: integer('Id').primaryKey({ autoIncrement: true }),
  LastName: text('LastName').notNull(),
  FirstName: text('FirstName'),
  Title: text('Title'),
  TitleOfCourtesy: text('TitleOfCourtesy'),
  BirthDate: text('BirthDate'),
  HireDate: text('HireDate'),
  Address: text('Address'),
  City: text('City'),
  Region: text('Region'),
  PostalCode: text('PostalCode'),
  Country: text('Country'),
  HomePhone: text('HomePhone'),
  Extension: text('Extension'),
  Notes: text('Notes'),
  ReportsTo: integer('ReportsTo'),
  Salary: money('Salary'),
});

export const EmployeeAudit = sqliteTable('EmployeeAudit', {
  Id: integer('Id').primaryKey({ autoIncrement: true }),
  EmployeeId: integer('EmployeeId').notNull(),
  Title: text('Title'),
  Salary: money('Salary'),
  LastName: text('LastName'),
  FirstName: text('FirstName'),
  CreatedOn: text('CreatedOn'),
});

export const Product = sqliteTable('Product', {
  Id: integer('Id').primaryKey({ autoIncrement: true }),
  ProductName: text('ProductName').notNull(),
  SupplierId: integer('SupplierId').notNull(),
  CategoryId: integer('CategoryId').notNull(),
  QuantityPerUnit: text('QuantityPerUnit'),
  UnitPrice: money('UnitPrice').notNull(),
  UnitsInStock: integer('UnitsInStock').notNull(),
  UnitsOnOrder: integer('UnitsOnOrder').notNull(),
  ReorderLevel: integer('ReorderLevel').notNull(),
  Discontinued: integer('Discontinued').notNull(),
  UnitsShipped: integer('UnitsShipped').notNull(),
});

export const Order = sqliteTable('Order', {
  Id: integer('Id').primaryKey({ autoIncrement: true }),
  CustomerId: text('CustomerId').notNull(),
  EmployeeId: integer('EmployeeId').notNull(),
  OrderDate: text('OrderDate'),
  RequiredDate: text('RequiredDate'),
  ShippedDate: text('ShippedDate'),
  ShipVia: integer('ShipVia'),
  Freight: money('Freight').notNull(),
  ShipName: text('ShipName'),
  ShipAddress: text('ShipAddress'),
  ShipCity: text('ShipCity'),
  ShipRegion: text('ShipRegion'),
  ShipPostalCode: text('ShipPostalCode'),
  ShipCountry: text('ShipCountry'),
  AmountTotal: money('AmountTotal').notNull(),
  Ready: integer('Ready', { mode: 'number' }).notNull(),
  OrderDetailCount: integer('OrderDetailCount').notNull(),
  CloneFromOrder: integer('CloneFromOrder'),
});

export const OrderDetail = sqliteTable('OrderDetail', {
  Id: integer('Id').primaryKey({ autoIncrement: true }),
  OrderId: integer('OrderId').notNull(),
  ProductId: integer('ProductId').notNull(),
  UnitPrice: money('UnitPrice').notNull(),
  Quantity: integer('Quantity').notNull(),
  Discount: real('Discount').notNull(),
  Amount: money('Amount').notNull(),
  ShippedDate: text('ShippedDate'),
});
