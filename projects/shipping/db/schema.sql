-- The shipping system: one Shipment per Northwind order it was told about (topic order_shipping),
-- with the order's items. Derived columns (Total, ItemCount, Units, Amount) are maintained by the
-- rules in ../logic/rules.ts; OrderTotal is what Northwind said the order came to, and the rules
-- refuse a shipment whose items do not add up to it.

CREATE TABLE "Shipment" (
  "Id"           INTEGER PRIMARY KEY AUTOINCREMENT,
  "OrderId"      INTEGER NOT NULL UNIQUE,
  "OrderDate"    DATE,
  "CustomerName" TEXT NOT NULL,
  "OrderTotal"   DECIMAL(10, 2),
  "Total"        DECIMAL(10, 2) NOT NULL DEFAULT 0,
  "ItemCount"    INTEGER NOT NULL DEFAULT 0,
  "Units"        INTEGER NOT NULL DEFAULT 0,
  "Status"       TEXT NOT NULL DEFAULT 'received',
  "ReceivedAt"   TEXT
);

CREATE TABLE "ShipmentItem" (
  "Id"          INTEGER PRIMARY KEY AUTOINCREMENT,
  "ShipmentId"  INTEGER NOT NULL REFERENCES "Shipment" ("Id") ON DELETE CASCADE,
  "ProductName" TEXT NOT NULL,
  "Quantity"    INTEGER NOT NULL,
  "UnitPrice"   DECIMAL(10, 2) NOT NULL,
  "Amount"      DECIMAL(10, 2) NOT NULL DEFAULT 0
);

CREATE INDEX "ShipmentItem_ShipmentId" ON "ShipmentItem" ("ShipmentId");
