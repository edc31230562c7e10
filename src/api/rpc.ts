/**
 * `GET|POST /api/rpc/<service>/<method>`: request/reply over Kafka. Parameters come from the query
 * string (GET) or a JSON object body (POST), are checked against the method's declaration here,
 * and the answer is the reply from the service's worker — or 504 when none comes in time. The
 * caller (the token's user, or the anonymous user on a public method) travels with the request,
 * signed, and the worker runs the method as them; a method limited to roles refuses others here
 * already (403).
 */
import express, { type Request, type Router } from 'express';
import type { Service } from '../kafka/integration/declare.js';
import { checkParams, DEFAULT_RPC_TIMEOUT_MS, ParamError, type RpcClient } from '../kafka/integration/rpc.js';
import { jsonParser } from './body.js';
import { roleRefusal } from '../kafka/integration/rpc-caller.js';
import { ANONYMOUS, type User } from './security/access.js';
import { ApiError, forbidden } from './jsonapi/errors.js';

export interface RpcCallers {
  /** who is asking (null: security is off) */
  userOf(req: Request): User | null;
  /** what the caller is signed with (callerKey of the project's secret) */
  key: Buffer;
}

export function rpcRouter(services: Service[], client: () => RpcClient | undefined, callers: RpcCallers): Router {
  const r = express.Router();
  const byName = new Map(services.map((s) => [s.name, s]));
  const json = jsonParser('256kb');
  r.all('/rpc/:service/:method', json, async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'POST')
      throw new ApiError(405, 'method', 'Method not allowed', 'call a method with GET (parameters in the query) or POST (a JSON object)');
    const service = byName.get(String(req.params.service));
    if (!service)
      throw new ApiError(
        404,
        'no-service',
        'Not found',
        `no service ${req.params.service}; the project declares ${[...byName.keys()].join(', ') || 'none'} (integration/index.ts)`,
      );
    const name = String(req.params.method);
    const method = Object.hasOwn(service.methods, name) ? service.methods[name] : undefined;
    if (!method)
      throw new ApiError(
        404,
        'no-method',
        'Not found',
        `${service.name} has no method ${name}; it has ${Object.keys(service.methods).join(', ')}`,
      );
    const user = callers.userOf(req);
    if (user === ANONYMOUS && !method.public)
      throw new ApiError(401, 'unauthorized', 'Unauthorized', 'log in at POST /api/auth/login and send Authorization: Bearer <token>');
    const refused = user && roleRefusal(service.name, name, method, user);
    if (refused) throw forbidden(refused);
    const body = req.method === 'POST' ? (req.body ?? {}) : { ...(req.query as Record<string, unknown>) };
    if (typeof body !== 'object' || Array.isArray(body) || body === null)
      throw new ApiError(400, 'bad-params', 'Bad parameters', 'POST a JSON object of parameters', { pointer: '' });
    let params: Record<string, unknown>;
    try {
      params = checkParams(method, body as Record<string, unknown>, req.method === 'GET');
    } catch (e) {
      if (e instanceof ParamError)
        throw new ApiError(
          400,
          'bad-params',
          'Bad parameters',
          e.message,
          req.method === 'GET' ? { parameter: e.param ?? '' } : { pointer: e.param ? `/${e.param}` : '' },
        );
      throw e;
    }
    const rpc = client();
    if (!rpc)
      throw new ApiError(
        503,
        'no-kafka',
        'Service unavailable',
        "request/reply needs Kafka and the project's workers: start them with alsx serve",
      );
    const timeoutMs = Number(process.env.ALSX_RPC_TIMEOUT_MS) || service.timeoutMs || DEFAULT_RPC_TIMEOUT_MS;
    const started = performance.now();
    const reply = await rpc.call(service, name, params, timeoutMs, user ? { user, key: callers.key } : undefined);
    if (!reply)
      throw new ApiError(
        504,
        'timeout',
        'Gateway timeout',
        `no reply from ${service.name}.${name} within ${timeoutMs} ms; are the project's workers running?`,
      );
    const meta = { request_id: reply.request_id, service: service.name, method: name, ms: Math.round(performance.now() - started) };
    if (!reply.ok)
      throw new ApiError(reply.error?.status ?? 500, 'rpc-error', 'Request failed', reply.error?.message ?? 'the service failed');
    res.json({ data: reply.result, meta });
  });
  return r;
}
