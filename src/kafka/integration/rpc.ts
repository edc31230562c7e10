/**
 * Request/reply over Kafka (the KaflinkShop pattern). A caller publishes
 * `{request_id, sink, method, params, deadline, caller?, caller_sig?}` to the service's request
 * topic; a worker of the service runs the method as the caller (reads only, through the caller's
 * grants: a request may be delivered twice) and publishes `{request_id, ok, result | error}` to the
 * caller's own sink topic, which only that caller reads. Who a caller is, and why a worker believes
 * it: rpc-caller.ts.
 */
import { describe, parseBounded } from '../../bounded-json.js';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ProjectStore } from '../../store/types.js';
import { NotReadOnly, type Row, type Value } from '../../store/types.js';
import type { Turns } from '../../rules/turns.js';
import { ApiError } from '../../api/jsonapi/errors.js';
import type { Scope } from '../../api/jsonapi/scope.js';
import { ANONYMOUS, type User } from '../../api/security/access.js';
import { connectProducer, kafkaClient, runConsumer, type IncomingMessage, type MessageConsumer, type MessageProducer } from '../client.js';
import { messageValue } from './outbox.js';
import { RpcError, type Method, type ReadApi, type Service } from './declare.js';
import { readAsCaller } from './read-as-caller.js';
import { callerData, callerOf, roleRefusal, signCall, verifyCall } from './rpc-caller.js';
import { getTableName, is, Table } from 'drizzle-orm';

export interface RpcRequest {
  request_id: string;
  sink: string;
  method: string;
  params: Record<string, unknown>;
  /** epoch ms after which the caller no longer waits (a worker skips it) */
  deadline?: number;
  /** who is asking, as the API decided (absent when security is off, and for requests from Kafka itself) */
  caller?: User;
  /** the API's signature over the caller and the rest of the request (rpc-caller.ts) */
  caller_sig?: string;
}

/** what a worker needs to run methods as their callers: the project's grants, its users and the key callers are signed with */
export interface RpcSecurity {
  /** the project's security is on: without it, every method reads everything */
  enabled: boolean;
  /** what `user` may see: their grants, row filters and column lists */
  scope(user: User): Scope;
  /** the project user of that name (for the service's kafkaUser), or null */
  user(name: string): User | null;
  /** what callers are signed with (callerKey of the project's secret) */
  key: Buffer;
}

export interface RpcReply {
  request_id: string;
  ok: boolean;
  result?: unknown;
  error?: { status: number; message: string };
}

export const requestTopic = (s: Service): string => s.requestTopic ?? `${s.name}.requests`;
export const serviceGroup = (s: Service): string => s.group ?? `${s.name}.rpc`;
export const DEFAULT_RPC_TIMEOUT_MS = 5000;

export class ParamError extends Error {
  override name = 'ParamError';
  constructor(
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

/**
 * Checks `input` against the method's declared parameters. Query strings (`fromText`) are
 * converted; JSON must already have the right types. Unknown and missing parameters are named.
 */
export function checkParams(method: Method, input: Record<string, unknown>, fromText: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const declared = new Map(
    Object.entries(method.params).map(([name, type]) => [name.replace(/\?$/, ''), { type, optional: name.endsWith('?') }]),
  );
  for (const name of Object.keys(input)) {
    if (!declared.has(name))
      throw new ParamError(`unknown parameter "${name}"; the method takes ${[...declared.keys()].join(', ') || 'none'}`, name);
  }
  for (const [name, { type, optional }] of declared) {
    let v = input[name];
    if (v === undefined || v === '') {
      if (optional) continue;
      throw new ParamError(`parameter "${name}" (${type}) is missing`, name);
    }
    if (fromText && typeof v === 'string') {
      if (type === 'integer' || type === 'number') v = /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;
      else if (type === 'boolean') v = v === 'true' ? true : v === 'false' ? false : v;
    }
    const ok =
      type === 'string'
        ? typeof v === 'string'
        : type === 'integer'
          ? Number.isSafeInteger(v)
          : type === 'number'
            ? typeof v === 'number' && Number.isFinite(v)
            : typeof v === 'boolean';
    if (!ok)
      throw new ParamError(`parameter "${name}" must be ${type === 'integer' ? 'an integer' : `a ${type}`} (got ${describe(v)})`, name);
    out[name] = v;
  }
  return out;
}

/** what a method may read: rows by key or columns, and read-only SQL */
export function readApi(store: ProjectStore): ReadApi {
  const nameOf = (t: unknown): string => (is(t, Table) ? getTableName(t) : String(t));
  const tableOf = (t: unknown) => {
    const info = store.schema.tables.get(nameOf(t));
    if (!info) throw new Error(`no table ${nameOf(t)}`);
    return info;
  };
  return {
    get: (t, key) => {
      const info = tableOf(t);
      const where: Row =
        info.primaryKey.length === 1 && (typeof key !== 'object' || key === null) ? { [info.primaryKey[0]!]: key as never } : (key as Row);
      return store.get(info, where) as never;
    },
    find: (t, where, limit = 1000) => store.rowsWhere(tableOf(t).name, where as Row, limit) as never,
    sql: (query, ...params) => {
      try {
        return store.readOnly(query, params as Value[]);
      } catch (e) {
        if (e instanceof NotReadOnly) throw new ParamError('sql: only reads (SELECT) are allowed here');
        throw e;
      }
    },
  };
}

/**
 * The serving side: a consumer of the service's request topic that replies to each sink. With
 * `security` (the project's, when it is on), each method runs as its caller; without, every method
 * reads everything.
 */
export async function serveRequests(
  service: Service,
  store: ProjectStore,
  brokers: string[],
  log: (line: string) => void,
  security?: RpcSecurity,
  /** the write turns of the process (Engine.turns): a method's reads wait while a sliced transaction is paused, which they would see half-done */
  turns?: Turns,
): Promise<MessageConsumer> {
  const db = readApi(store);
  const guarded = security?.enabled ? security : undefined;
  let producer: MessageProducer | undefined;
  const reply = async (sink: string, r: RpcReply): Promise<void> => {
    producer ??= await connectProducer(brokers, `alsx-${service.name}-rpc`);
    await producer.send([{ topic: sink, key: r.request_id, value: messageValue(r), headers: {} }]);
  };
  const consumer = await runConsumer(brokers, serviceGroup(service), requestTopic(service), async (m: IncomingMessage) => {
    let req: RpcRequest;
    try {
      req = parseBounded(m.value?.toString('utf8') ?? '') as RpcRequest;
      if (typeof req?.request_id !== 'string' || typeof req.sink !== 'string' || !/^[a-zA-Z0-9._-]{1,249}$/.test(req.sink))
        throw new Error('needs request_id and sink');
    } catch (e) {
      log(`${m.topic}/${m.partition}/${m.offset}: not a request (${(e as Error).message}); skipped`);
      return;
    }
    if (req.deadline && Date.now() > req.deadline) {
      log(`${service.name}.${req.method} ${req.request_id}: the caller stopped waiting; skipped`);
      return;
    }
    const respond = () => answer(service, req, guarded ? (method) => asCaller(service, req, method, guarded, db) : () => db);
    await reply(req.sink, turns ? await turns.run(respond) : respond());
  });
  return {
    async close() {
      await consumer.close();
      await producer?.close();
    },
  };
}

function answer(service: Service, req: RpcRequest, reader: (method: Method) => ReadApi): RpcReply {
  const method = Object.hasOwn(service.methods, req.method) ? service.methods[req.method] : undefined;
  if (!method)
    return { request_id: req.request_id, ok: false, error: { status: 404, message: `${service.name} has no method ${req.method}` } };
  try {
    const db = reader(method);
    const params = checkParams(method, (req.params ?? {}) as Record<string, unknown>, false);
    const result = method.handle(params, db);
    return { request_id: req.request_id, ok: true, result: result === undefined ? null : result };
  } catch (e) {
    const status = e instanceof ParamError ? 400 : e instanceof RpcError || e instanceof ApiError ? e.status : 500;
    return { request_id: req.request_id, ok: false, error: { status, message: (e as Error).message } };
  }
}

/**
 * The reads of one request, as its caller: a caller the API signed; for a request from Kafka itself
 * (no caller), the anonymous user on a public method or the service's kafkaUser. Anything else is
 * refused (401), as is a caller whose roles the method does not take (403).
 */
function asCaller(service: Service, req: RpcRequest, method: Method, security: RpcSecurity, db: ReadApi): ReadApi {
  const what = `${service.name}.${req.method}`;
  let user: User | null;
  if (req.caller !== undefined) {
    const caller = callerOf(req.caller);
    const signed =
      caller &&
      verifyCall(
        {
          service: service.name,
          request_id: req.request_id,
          sink: req.sink,
          method: req.method,
          params: req.params,
          deadline: req.deadline,
          caller,
        },
        req.caller_sig,
        security.key,
      );
    if (!signed)
      throw new RpcError(401, `${what}: the request's caller is not signed by this project's API; call the method through /api/rpc`);
    user = caller;
  } else if (method.public) user = ANONYMOUS;
  else {
    user = service.kafkaUser ? security.user(service.kafkaUser) : null;
    if (!user)
      throw new RpcError(
        401,
        service.kafkaUser
          ? `${what}: the service's kafkaUser ${service.kafkaUser} is not a user of this project`
          : `${what} needs a caller: call it through /api/rpc/${service.name}/${req.method} with a token (requests produced straight to Kafka run as the service's kafkaUser, and it names none)`,
      );
  }
  const refused = roleRefusal(service.name, req.method, method, user);
  if (refused) throw new RpcError(403, refused);
  return readAsCaller(security.scope(user), what, db.sql);
}

/** The calling side: one sink topic per process, replies matched to waiting calls by request_id. */
export class RpcClient {
  readonly sink = `alsx.replies.${hostname().replace(/[^a-zA-Z0-9-]/g, '-')}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private producer: MessageProducer | undefined;
  private consumer: MessageConsumer | undefined;
  private readonly waiting = new Map<string, (r: RpcReply) => void>();

  constructor(private readonly brokers: string[]) {}

  async start(): Promise<void> {
    this.producer = await connectProducer(this.brokers, 'alsx-rpc-client');
    this.consumer = await runConsumer(this.brokers, this.sink, this.sink, async (m) => {
      try {
        const r = JSON.parse(m.value?.toString('utf8') ?? '') as RpcReply;
        this.waiting.get(r.request_id)?.(r);
      } catch {
        /* not a reply: nobody waits for it */
      }
    });
  }

  /** the reply, or undefined when none came within `timeoutMs`; `caller`: who is asking, signed with `key` */
  async call(
    service: Service,
    method: string,
    params: Record<string, unknown>,
    timeoutMs: number,
    caller?: { user: User; key: Buffer },
  ): Promise<RpcReply | undefined> {
    if (!this.producer) throw new Error('the request/reply client is not started');
    const request: RpcRequest = { request_id: randomUUID(), sink: this.sink, method, params, deadline: Date.now() + timeoutMs };
    if (caller) {
      request.caller = callerData(caller.user);
      request.caller_sig = signCall({ service: service.name, ...request, caller: request.caller }, caller.key);
    }
    const reply = new Promise<RpcReply | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(request.request_id);
        resolve(undefined);
      }, timeoutMs);
      this.waiting.set(request.request_id, (r) => {
        clearTimeout(timer);
        this.waiting.delete(request.request_id);
        resolve(r);
      });
    });
    await this.producer.send([{ topic: requestTopic(service), key: request.request_id, value: messageValue(request), headers: {} }]);
    return reply;
  }

  /** stops listening and deletes the sink: nobody will read it again */
  async stop(): Promise<void> {
    await this.consumer?.close();
    await this.producer?.close();
    const admin = kafkaClient(this.brokers, 'alsx-rpc-client').admin();
    await admin
      .connect()
      .then(() => admin.deleteTopics({ topics: [this.sink], timeout: 2000 }))
      .catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}
