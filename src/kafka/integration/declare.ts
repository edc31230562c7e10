/**
 * How a project declares its Kafka integration (`integration/index.ts`):
 *
 *   export default integration({
 *     consumers: [consume({ topic: 'order_b2b', group: 'northwind-order-b2b', mapping: OrderB2B })],
 *     services: [service({ name: 'northwind', methods: { find_customer: method({ id: 'string' }, (p, db) => …) } })],
 *     samples: { order_b2b: orderB2BExample },
 *   });
 *
 * A consumer runs each message through a mapping (a partner's dict → rows) or a function, inside one
 * transaction of the rules. A service answers request/reply calls (`/api/rpc/<service>/<method>`).
 */
import type { Table } from 'drizzle-orm';
import type { Mapping } from '../../mapping/mapping.js';
import type { RowOf, TxApi } from '../../rules/dsl.js';

/** one message as a consumer function receives it */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  /** the value, parsed as JSON */
  value: any;
}

/** what a consumer function may do: the rules' writes, plus inserting a mapped dict */
export interface ConsumerTx extends TxApi {
  /** inserts the rows a mapping makes of `dict` (lookups resolved); returns the root row */
  insertMapped(mapping: Mapping, dict: unknown): Record<string, unknown>;
}

export interface Consumer {
  topic: string;
  /** the consumer group (default `<project>.<topic>`) */
  group?: string;
  /** a message is a partner's dict for this mapping … */
  mapping?: Mapping;
  /** … or is handled by this function (throw MappingError or HandlerRefusal to dead-letter it) */
  handle?: (message: ConsumedMessage, tx: ConsumerTx) => void;
  /**
   * Apply each message as this user of the project (or the user a function reads from the message):
   * lookups and writes go through that user's grants, as their API requests do; a message the user
   * may not apply goes to the dead-letter topic. Without it, a consumer is the system and may write anything.
   */
  user?: string | ((message: ConsumedMessage) => string | null | undefined);
}

/** reads a request/reply method may make (no writes: a request can be delivered twice) */
export interface ReadApi {
  get<T extends Table>(table: T, key: unknown): RowOf<T> | undefined;
  find<T extends Table>(table: T, where: Partial<RowOf<T>>, limit?: number): RowOf<T>[];
  /** a read-only SQL query with ? parameters */
  sql(query: string, ...params: unknown[]): Record<string, unknown>[];
}

export type ParamType = 'string' | 'number' | 'integer' | 'boolean';

export interface Method {
  /** parameter name → type; a name ending in "?" is optional */
  params: Record<string, ParamType>;
  /** reads go through the caller's grants (`db.sql` only for a caller who may read everything) */
  handle(params: Record<string, any>, db: ReadApi): unknown;
  description?: string;
  /** only callers with one of these roles (others: 403); absent: any logged-in caller */
  roles?: string[];
  /** callable without logging in: it runs as the anonymous user (role `anonymous`) and reads what grants give that role */
  public?: boolean;
}

export interface MethodOptions {
  description?: string;
  roles?: string[];
  public?: boolean;
}

export interface Service {
  name: string;
  /** where requests go (default `<name>.requests`) */
  requestTopic?: string;
  /** the serving workers' consumer group (default `<name>.rpc`) */
  group?: string;
  /** how long the HTTP route waits for a reply before answering 504 (default 5000 ms; ALSX_RPC_TIMEOUT_MS overrides) */
  timeoutMs?: number;
  /**
   * The project user that requests produced straight to Kafka (with no caller signed by the API) run
   * as, when security is on. Absent: such requests may call only public methods.
   */
  kafkaUser?: string;
  methods: Record<string, Method>;
}

export interface Integration {
  consumers?: Consumer[];
  services?: Service[];
  /** example messages per topic: `alsx produce --sample` and the workbench's produce templates */
  samples?: Record<string, unknown>;
}

/** a consumer function's way to refuse a message with a reason (it goes to the dead-letter topic) */
export class HandlerRefusal extends Error {
  override name = 'HandlerRefusal';
}

/** a request/reply method's way to answer with an HTTP status (404 for "no such customer") */
export class RpcError extends Error {
  override name = 'RpcError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function integration(spec: Integration): Integration {
  for (const c of spec.consumers ?? []) {
    if (!c.mapping === !c.handle) throw new Error(`consumer of ${c.topic}: give either a mapping or a handle function`);
  }
  return spec;
}

export const consume = (consumer: Consumer): Consumer => consumer;
export const service = (s: Service): Service => s;
/** `method(params, handle, 'what it does')`, or with options: `method(params, handle, { description, roles: ['sales'] })` */
export function method(params: Record<string, ParamType>, handle: Method['handle'], options?: string | MethodOptions): Method {
  const o: MethodOptions = typeof options === 'string' ? { description: options } : (options ?? {});
  if (o.public && o.roles) throw new Error('a method is public (anyone) or limited to roles, not both');
  if (o.roles && (!Array.isArray(o.roles) || o.roles.length === 0 || !o.roles.every((r) => typeof r === 'string' && r)))
    throw new Error('roles is a non-empty list of role names');
  return {
    params,
    handle,
    description: o.description,
    ...(o.roles ? { roles: [...o.roles] } : {}),
    ...(o.public ? { public: true } : {}),
  };
}

export function isIntegration(v: unknown): v is Integration {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
