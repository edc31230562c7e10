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
 *     'Status': { method: 'GET', public: true, handle: () => ({ body: { up: true }, type: 'application/json' }) },
 *   });
 *
 * `roles` limits an endpoint to users with one of them (others: 403); `public: true` lets it be
 * called without logging in, as the anonymous user (role `anonymous`: grants decide what it may read
 * and write). A logged-in caller of a public endpoint is still themselves.
 */
import type { Row } from '../store/types.js';
import type { Mapping } from '../mapping/mapping.js';
import type { User } from './security/access.js';
import type { Document } from './jsonapi/read.js';
import type { Writer } from './jsonapi/write.js';

export interface EndpointCall {
  body: any;
  query: URLSearchParams;
  /** the caller (the anonymous user on a public endpoint without a token); null when security is off */
  user: User | null;
  /** turns `dict` into rows with `mapping` and inserts them as one transaction; answers 201 with the created resource */
  create(mapping: Mapping, dict: unknown, options?: { include?: string[] }): Promise<EndpointResult>;
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
  /** only users with one of these roles may call it (others: 403); absent: any logged-in user */
  roles?: string[];
  /** callable without logging in (as the anonymous user) */
  public?: boolean;
  handle(call: EndpointCall): EndpointResult | Promise<EndpointResult>;
}

export type Endpoints = Record<string, Endpoint>;

export function endpoints(list: Endpoints): Endpoints {
  for (const [path, ep] of Object.entries(list)) {
    if (ep.public && ep.roles) throw new Error(`endpoint ${path}: it is public (anyone) or limited to roles, not both`);
    if (ep.roles && (!Array.isArray(ep.roles) || ep.roles.length === 0))
      throw new Error(`endpoint ${path}: roles is a non-empty list of role names`);
  }
  return list;
}
