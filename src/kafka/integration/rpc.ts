/**
 * Request/reply over Kafka (the KaflinkShop pattern). A caller publishes
 * `{request_id, sink, method, params, deadline}` to the service's request topic; a worker of the
 * service runs the method (reads only: a request may be delivered twice) and publishes
 * `{request_id, ok, result | error}` to the caller's own sink topic, which only that caller reads.
 */
import { describe, parseBounded } from '../../bounded-json.js';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SqliteStore } from '../../store/sqlite.js';
import type { Row } from '../../store/types.js';
import { connectProducer, kafkaClient, runConsumer, type IncomingMessage, type MessageConsumer, type MessageProducer } from '../client.js';
import { messageValue } from './outbox.js';
import { RpcError, type Method, type ReadApi, type Service } from './declare.js';
import { getTableName, is, Table } from 'drizzle-orm';

export interface RpcRequest {
  request_id: string;
  sink: string;
  method: string;
  params: Record<string, unknown>;
  /** epoch ms after which the caller no longer waits (a worker skips it) */
  deadline?: number;
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
export function readApi(store: SqliteStore): ReadApi {
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
      const statement = store.db.prepare(query);
      if (!statement.readonly) throw new ParamError('sql: only reads (SELECT) are allowed here');
      return statement.all(...params) as Record<string, unknown>[];
    },
  };
}

/** The serving side: a consumer of the service's request topic that replies to each sink. */
export async function serveRequests(
  service: Service,
  store: SqliteStore,
  brokers: string[],
  log: (line: string) => void,
): Promise<MessageConsumer> {
  const db = readApi(store);
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
    await reply(req.sink, answer(service, req, db));
  });
  return {
    async close() {
      await consumer.close();
      await producer?.close();
    },
  };
}

function answer(service: Service, req: RpcRequest, db: ReadApi): RpcReply {
  const method = Object.hasOwn(service.methods, req.method) ? service.methods[req.method] : undefined;
  if (!method)
    return { request_id: req.request_id, ok: false, error: { status: 404, message: `${service.name} has no method ${req.method}` } };
  try {
    const params = checkParams(method, (req.params ?? {}) as Record<string, unknown>, false);
    const result = method.handle(params, db);
    return { request_id: req.request_id, ok: true, result: result === undefined ? null : result };
  } catch (e) {
    const status = e instanceof ParamError ? 400 : e instanceof RpcError ? e.status : 500;
    return { request_id: req.request_id, ok: false, error: { status, message: (e as Error).message } };
  }
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

  /** the reply, or undefined when none came within `timeoutMs` */
  async call(service: Service, method: string, params: Record<string, unknown>, timeoutMs: number): Promise<RpcReply | undefined> {
    if (!this.producer) throw new Error('the request/reply client is not started');
    const request: RpcRequest = { request_id: randomUUID(), sink: this.sink, method, params, deadline: Date.now() + timeoutMs };
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
