/**
 * Northwind's business logic: the "napkin design", declared. The engine derives the order of
 * execution from what each rule reads, keeps sums and counts by adjustment, and checks the
 * constraints at the end of every transaction — whatever the source of the write (API, Kafka,
 * the workbench, a scenario).
 */
import { dec, money, rules } from 'alsx';
import * as models from '../models.js';
import { Customer, Employee, EmployeeAudit, Order, OrderDetail, Product } from '../models.js';
import { OrderShipping } from '../integration/OrderShipping.js';

export default rules(models, ({ constraint, sum, count, formula, copy, defaults, event, afterFlush, commit }) => [
  // Check Credit: a customer's unpaid orders may not exceed the credit limit.
  constraint(
    Customer,
    (c) => c.Balance <= c.CreditLimit,
    (c) => `balance (${money(c.Balance)}) exceeds credit (${money(c.CreditLimit)})`,
  ),
  sum(Customer.Balance, Order.AmountTotal, { where: (o) => o.ShippedDate == null }),
  sum(Order.AmountTotal, OrderDetail.Amount),
  formula(OrderDetail.Amount, (d) => d.Quantity * d.UnitPrice),
  copy(OrderDetail.UnitPrice, Product.UnitPrice),

  count(Customer.OrderCount, Order),
  count(Customer.UnpaidOrderCount, Order, { where: (o) => o.ShippedDate == null }),
  count(Order.OrderDetailCount, OrderDetail),

  // Shipping moves stock: units shipped are summed, and stock drops by what was newly shipped.
  sum(Product.UnitsShipped, OrderDetail.Quantity, { where: (d) => d.ShippedDate != null }),
  formula(Product.UnitsInStock, (p, { old }) => p.UnitsInStock - (p.UnitsShipped - (old?.UnitsShipped ?? 0))),
  // Unlike a copy, a formula from a parent cascades: shipping an order ships its items.
  formula(OrderDetail.ShippedDate, (d, { parent }) => parent(Order).ShippedDate),

  constraint(Customer, (c) => c.CompanyName !== 'x', "CustomerName cannot be 'x'"),
  constraint(Employee, (e) => e.LastName !== 'x', "LastName cannot be 'x'"),
  constraint(
    Employee,
    (e, { old }) =>
      old == null || e.Salary == null || old.Salary == null || e.Salary <= old.Salary || dec(e.Salary).gte(dec(old.Salary).times(1.2)),
    (e, { old }) => `${e.LastName} needs a more meaningful raise: 20% or more (${money(old?.Salary)} → ${money(e.Salary)})`,
    { name: 'Employee: raise >= 20%' },
  ),

  defaults(Customer, { Balance: 0, CreditLimit: 1000 }),
  defaults(Order, { Freight: 10, AmountTotal: 0, OrderDate: (now) => now.slice(0, 10) }),
  defaults(OrderDetail, { Quantity: 1, Discount: 0 }),

  // Clone an order: copy the items of the order named in CloneFromOrder.
  event(Order, function cloneItems(o, { op, tx }) {
    if (op !== 'insert' || o.CloneFromOrder == null) return;
    for (const item of tx.find(OrderDetail, { OrderId: o.CloneFromOrder })) {
      tx.insert(OrderDetail, { OrderId: o.Id, ProductId: item.ProductId, Quantity: item.Quantity, Discount: item.Discount });
    }
  }),
  // Audit salary and title changes.
  event(Employee, function auditChanges(e, { old, op, tx, now }) {
    if (op !== 'update' || !old || (e.Salary === old.Salary && e.Title === old.Title)) return;
    tx.insert(EmployeeAudit, {
      EmployeeId: e.Id,
      Title: e.Title,
      Salary: e.Salary,
      LastName: e.LastName,
      FirstName: e.FirstName,
      CreatedOn: now,
    });
  }),
  commit(Order, function congratulateSalesRep(o, { op, log }) {
    if (op === 'insert') log(`congratulate sales rep ${o.EmployeeId} on order ${o.Id} (${money(o.AmountTotal)})`);
  }),
  // When an order ships, tell the shipping system: order_shipping, in the OrderShipping format,
  // through the outbox (written in this transaction; sent to Kafka after commit).
  afterFlush(Order, function orderShipped(o, { old, log, publish, toDict }) {
    if (o.ShippedDate == null || old?.ShippedDate != null) return;
    log(`order ${o.Id} shipped on ${o.ShippedDate}`);
    publish('order_shipping', o.Id, toDict(OrderShipping, o));
  }),
]);
