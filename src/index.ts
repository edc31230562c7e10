/** What a project's files import from alsx: rules, security, custom endpoints and mappings. */
export { rules, money, dec } from './rules/dsl.js';
export type {
  Dsl,
  RuleSet,
  RowOf,
  RuleContext,
  FormulaContext,
  EventContext,
  RowEventContext,
  LateEventContext,
  TxApi,
  TxUser,
  DefaultContext,
} from './rules/dsl.js';
export { security } from './api/security/access.js';
export type { SecurityConfig, Grant, User } from './api/security/access.js';
export { endpoints } from './api/endpoint-types.js';
export type { Endpoint, EndpointCall, EndpointResult, Endpoints } from './api/endpoint-types.js';
export { mapping, lookup, child, MappingError } from './mapping/mapping.js';
export type { Mapping } from './mapping/mapping.js';
export { integration, consume, service, method, HandlerRefusal, RpcError } from './kafka/integration/declare.js';
export type { Integration, Consumer, ConsumedMessage, ConsumerTx, Service, Method, ReadApi } from './kafka/integration/declare.js';
export type { AdminConfig, TableAdmin } from './tui/tables/admin-config.js';
