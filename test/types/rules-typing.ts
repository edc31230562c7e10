/**
 * Type-level tests, checked by `tsc --noEmit` (part of `npm test`): rule functions are typed
 * against the project's models, so a misspelt column or a wrong result type fails to compile.
 * Each @ts-expect-error must stay an error, or tsc reports it unused.
 */
import { rules } from '../../src/index.js';
import * as models from '../../projects/northwind/models.js';
import { Customer, Order, OrderDetail, Product } from '../../projects/northwind/models.js';

export const typed = rules(models, ({ formula, sum, count, constraint, copy, defaults }) => [
  formula(OrderDetail.Amount, (d) => d.Quantity * d.UnitPrice),
  // @ts-expect-error a misspelt column
  formula(OrderDetail.Amount, (d) => d.Quantiy * d.UnitPrice),
  // @ts-expect-error text for a money column
  formula(OrderDetail.Amount, () => 'lots'),
  formula(OrderDetail.ShippedDate, (d, { parent }) => parent(Order).ShippedDate),
  // @ts-expect-error the parent's row is typed too
  formula(OrderDetail.ShippedDate, (d, { parent }) => parent(Order).ShipedDate),
  sum(Customer.Balance, Order.AmountTotal, { where: (o) => o.ShippedDate == null }),
  // @ts-expect-error where reads the child's (Order's) columns
  sum(Customer.Balance, Order.AmountTotal, { where: (o) => o.CreditLimit > 0 }),
  count(Customer.OrderCount, Order, { where: (o) => o.Ready === 1 }),
  constraint(Customer, (c, { old }) => c.Balance <= c.CreditLimit && (old?.Balance ?? 0) >= 0, 'ok'),
  // @ts-expect-error a misspelt column in a constraint
  constraint(Customer, (c) => c.Balanc <= c.CreditLimit, 'x'),
  copy(OrderDetail.UnitPrice, Product.UnitPrice),
  defaults(Order, { Freight: 10, OrderDate: (now) => now.slice(0, 10) }),
  // @ts-expect-error a default of the wrong type
  defaults(Order, { Freight: 'ten' }),
]);
