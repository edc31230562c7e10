-- Northwind, with API Logic Server's table and column names (so its projects and tests carry over).
-- Derived columns (Balance, AmountTotal, Amount, counts, UnitsShipped …) are maintained by the rules
-- in ../logic/rules.ts; money is DECIMAL(10,2) and computed exactly by the engine.

CREATE TABLE "Category" (
  "Id"           INTEGER PRIMARY KEY AUTOINCREMENT,
  "CategoryName" VARCHAR(8000) NOT NULL,
  "Description"  VARCHAR(8000)
);

CREATE TABLE "Supplier" (
  "Id"           INTEGER PRIMARY KEY AUTOINCREMENT,
  "CompanyName"  VARCHAR(8000) NOT NULL,
  "ContactName"  VARCHAR(8000),
  "ContactTitle" VARCHAR(8000),
  "Address"      VARCHAR(8000),
  "City"         VARCHAR(8000),
  "Region"       VARCHAR(8000),
  "PostalCode"   VARCHAR(8000),
  "Country"      VARCHAR(8000),
  "Phone"        VARCHAR(8000),
  "Fax"          VARCHAR(8000),
  "HomePage"     VARCHAR(8000)
);

CREATE TABLE "Shipper" (
  "Id"          INTEGER PRIMARY KEY AUTOINCREMENT,
  "CompanyName" VARCHAR(8000) NOT NULL,
  "Phone"       VARCHAR(8000)
);

CREATE TABLE "Customer" (
  "Id"               VARCHAR(8000) PRIMARY KEY,
  "CompanyName"      VARCHAR(8000),
  "ContactName"      VARCHAR(8000),
  "ContactTitle"     VARCHAR(8000),
  "Address"          VARCHAR(8000),
  "City"             VARCHAR(8000),
  "Region"           VARCHAR(8000),
  "PostalCode"       VARCHAR(8000),
  "Country"          VARCHAR(8000),
  "Phone"            VARCHAR(8000),
  "Fax"              VARCHAR(8000),
  "Balance"          DECIMAL(10, 2) NOT NULL DEFAULT 0,
  "CreditLimit"      DECIMAL(10, 2) NOT NULL DEFAULT 1000,
  "OrderCount"       INTEGER NOT NULL DEFAULT 0,
  "UnpaidOrderCount" INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE "Employee" (
  "Id"              INTEGER PRIMARY KEY AUTOINCREMENT,
  "LastName"        VARCHAR(8000) NOT NULL,
  "FirstName"       VARCHAR(8000),
  "Title"           VARCHAR(8000),
  "TitleOfCourtesy" VARCHAR(8000),
  "BirthDate"       DATE,
  "HireDate"        DATE,
  "Address"         VARCHAR(8000),
  "City"            VARCHAR(8000),
  "Region"          VARCHAR(8000),
  "PostalCode"      VARCHAR(8000),
  "Country"         VARCHAR(8000),
  "HomePhone"       VARCHAR(8000),
  "Extension"       VARCHAR(8000),
  "Notes"           VARCHAR(8000),
  "ReportsTo"       INTEGER REFERENCES "Employee" ("Id"),
  "Salary"          DECIMAL(10, 2)
);
CREATE INDEX "Employee_ReportsTo" ON "Employee" ("ReportsTo");

CREATE TABLE "EmployeeAudit" (
  "Id"         INTEGER PRIMARY KEY AUTOINCREMENT,
  "EmployeeId" INTEGER NOT NULL REFERENCES "Employee" ("Id") ON DELETE CASCADE,
  "Title"      VARCHAR(8000),
  "Salary"     DECIMAL(10, 2),
  "LastName"   VARCHAR(8000),
  "FirstName"  VARCHAR(8000),
  "CreatedOn"  DATETIME
);
CREATE INDEX "EmployeeAudit_EmployeeId" ON "EmployeeAudit" ("EmployeeId");

CREATE TABLE "Product" (
  "Id"              INTEGER PRIMARY KEY AUTOINCREMENT,
  "ProductName"     VARCHAR(8000) NOT NULL,
  "SupplierId"      INTEGER NOT NULL REFERENCES "Supplier" ("Id"),
  "CategoryId"      INTEGER NOT NULL REFERENCES "Category" ("Id"),
  "QuantityPerUnit" VARCHAR(8000),
  "UnitPrice"       DECIMAL(10, 2) NOT NULL,
  "UnitsInStock"    INTEGER NOT NULL,
  "UnitsOnOrder"    INTEGER NOT NULL,
  "ReorderLevel"    INTEGER NOT NULL,
  "Discontinued"    INTEGER NOT NULL,
  "UnitsShipped"    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX "Product_SupplierId" ON "Product" ("SupplierId");
CREATE INDEX "Product_CategoryId" ON "Product" ("CategoryId");

CREATE TABLE "Order" (
  "Id"               INTEGER PRIMARY KEY AUTOINCREMENT,
  "CustomerId"       VARCHAR(8000) NOT NULL REFERENCES "Customer" ("Id"),
  "EmployeeId"       INTEGER NOT NULL REFERENCES "Employee" ("Id"),
  "OrderDate"        DATE,
  "RequiredDate"     DATE,
  "ShippedDate"      DATE,
  "ShipVia"          INTEGER REFERENCES "Shipper" ("Id"),
  "Freight"          DECIMAL(10, 2) NOT NULL DEFAULT 0,
  "ShipName"         VARCHAR(8000),
  "ShipAddress"      VARCHAR(8000),
  "ShipCity"         VARCHAR(8000),
  "ShipRegion"       VARCHAR(8000),
  "ShipPostalCode"   VARCHAR(8000),
  "ShipCountry"      VARCHAR(8000),
  "AmountTotal"      DECIMAL(10, 2) NOT NULL DEFAULT 0,
  "Ready"            BOOLEAN NOT NULL DEFAULT 1,
  "OrderDetailCount" INTEGER NOT NULL DEFAULT 0,
  "CloneFromOrder"   INTEGER REFERENCES "Order" ("Id") ON DELETE SET NULL
);
CREATE INDEX "Order_CustomerId" ON "Order" ("CustomerId");
CREATE INDEX "Order_EmployeeId" ON "Order" ("EmployeeId");
CREATE INDEX "Order_ShipVia" ON "Order" ("ShipVia");
CREATE INDEX "Order_CloneFromOrder" ON "Order" ("CloneFromOrder");

CREATE TABLE "OrderDetail" (
  "Id"          INTEGER PRIMARY KEY AUTOINCREMENT,
  "OrderId"     INTEGER NOT NULL REFERENCES "Order" ("Id") ON DELETE CASCADE,
  "ProductId"   INTEGER NOT NULL REFERENCES "Product" ("Id"),
  "UnitPrice"   DECIMAL(10, 2) NOT NULL,
  "Quantity"    INTEGER NOT NULL DEFAULT 1,
  "Discount"    DOUBLE NOT NULL DEFAULT 0,
  "Amount"      DECIMAL(10, 2) NOT NULL DEFAULT 0,
  "ShippedDate" DATE
);
CREATE INDEX "OrderDetail_OrderId" ON "OrderDetail" ("OrderId");
CREATE INDEX "OrderDetail_ProductId" ON "OrderDetail" ("ProductId");
