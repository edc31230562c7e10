/**
 * Custom endpoints: a project's own routes (api/custom.ts) for what the generated API does not
 * cover — a partner's order format, say. They run with the caller's identity, so grants and row
 * filters apply to what they write, and every write goes through the rules in one transaction.
 *
 *   export default endpoints({
 *     'ServicesEndPoint/OrderB2B': {
 *       method: 'POST',
 *       summary: 'Place an order in a partner's format',
 *       handle: (call) => call.create(OrderB2B, call.body?.meta?.args?.order ?? call.body, { include: ['OrderDetailList'] }),
 *     },
 *   });
 */
import type { Row } from '../store/types.js';
import type { Mapping } from '../mapping/mapping.js';
import type { User } from './security/access.js';
import type { Document } from './jsonapi/read.js';
import type { Writer } from './jsonapi/write.js';

export interface EndpointCall {
  body: any;
  query: URLSearchParams;
  user: User | null;
  /** turns `dict` into rows with `mapping` and inserts them as one transaction; answers 201 with the created resource */
  create(mapping: Mapping, dict: unknown, options?: { include?: string[] }): EndpointResult;
  /** runs writes as one transaction, as the caller */
  transaction<T>(fn: (w: Writer) => T): T;
  /** the JSON:API document of one row (with includes) */
  document(type: string, row: Row, include?: string[]): Document;
}

export interface EndpointResult {
  status?: number;
  body: unknown;
  /** Content-Type (default application/vnd.api+json for documents) */
  type?: string;
  headers?: Record<string, string>;
}

export interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  summary?: string;
  /** an example request body, shown in the OpenAPI document */
  example?: unknown;
  handle(call: EndpointCall): EndpointResult | Promise<EndpointResult>;
}

export type Endpoints = Record<string, Endpoint>;

export function endpoints(list: Endpoints): Endpoints {
  return list;
}
