/** What a project's files import from alsx: the rule declaration API and its helpers. */
export { rules, money, dec } from './rules/dsl.js';
export type { Dsl, RuleSet, RowOf, RuleContext, FormulaContext, EventContext, RowEventContext, LateEventContext, TxApi } from './rules/dsl.js';
