/**
 * The shipping system's tables as drizzle-orm definitions, matching db/schema.sql. The rules in
 * logic/rules.ts are typed against these. Money is DECIMAL(10,2): a number in rules, computed
 * exactly by the engine.
 */
import { integer, numeric, sqliteTable, text } from 'drizzle-orm/sqlite-core';

const money = (name: string) => numeric(name, { mode: 'number' });

export const Shipment = sqliteTable('Shipment', {
  Id: integer('Id').primaryKey({ autoIncrement: true }),
  OrderId: integer('OrderId').notNull().unique(),
  OrderDate: text('OrderDate'),
  CustomerName: text('CustomerName').notNull(),
  /** what Northwind said the order came to */
  OrderTotal: money('OrderTotal'),
  /** the sum of the items' amounts */
  Total: money('Total').notNull(),
  ItemCount: integer('ItemCount').notNull(),
  Units: integer('Units').notNull(),
  Status: text('Status').notNull(),
  ReceivedAt: text('ReceivedAt'),
});

export const ShipmentItem = sqliteTable('ShipmentItem', {
  Id: integer('Id').primaryKey({ autoIncrement: true }),
  ShipmentId: integer('ShipmentId')
    .notNull()
    .references(() => Shipment.Id, { onDelete: 'cascade' }),
  ProductName: text('ProductName').notNull(),
  Quantity: integer('Quantity').notNull(),
  UnitPrice: money('UnitPrice').notNull(),
  Amount: money('Amount').notNull(),
});
