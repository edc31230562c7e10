/**
 * `GET|POST /api/rpc/<service>/<method>`: request/reply over Kafka. Parameters come from the query
 * string (GET) or a JSON object body (POST), are checked against the method's declaration here,
 * and the answer is the reply from the service's worker — or 504 when none comes in time.
 */
import express, { type Router } from 'express';
import type { Service } from '../kafka/integration/declare.js';
import { checkParams, DEFAULT_RPC_TIMEOUT_MS, ParamError, type RpcClient } from '../kafka/integration/rpc.js';
import { ApiError } from './jsonapi/errors.js';
import { jsonParser } from './body.js';

export function rpcRouter(services: Service[], client: () => RpcClient | undefined): Router {
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
    const reply = await rpc.call(service, name, params, timeoutMs);
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
