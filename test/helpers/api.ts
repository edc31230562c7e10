/**
 * A real API server on a free loopback port, over a private copy of Northwind, and a small client
 * that validates every JSON:API document it receives against the official schema (fixtures/jsonapi-schema).
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createApi, type ApiOptions } from '../../src/api/server.js';
import { type DatabaseKind, freshNorthwind } from './northwind.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../../src/kafka/broker/broker.js';
import { loadIntegration } from '../../src/kafka/integration/load.js';
import { RpcClient, serveRequests } from '../../src/kafka/integration/rpc.js';
import { projectSecurity } from '../../src/runtime/workers.js';

const SCHEMAS = resolve(import.meta.dirname, '../../fixtures/jsonapi-schema');
const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true, strict: false });
(addFormats as unknown as typeof addFormats.default)(ajv);
for (const f of readdirSync(SCHEMAS).filter((f) => /^schema.*\.json$/.test(f)))
  ajv.addSchema(JSON.parse(readFileSync(`${SCHEMAS}/${f}`, 'utf8')), f);
const validateDocument = ajv.getSchema('schema.json')!;

/** why `doc` is not a valid JSON:API document, or null when it is */
export function jsonApiErrors(doc: unknown): string | null {
  return validateDocument(doc) ? null : ajv.errorsText(validateDocument.errors);
}

export const JSONAPI = 'application/vnd.api+json';
export const ATOMIC = `${JSONAPI}; ext="https://jsonapi.org/ext/atomic"`;

export interface Reply {
  status: number;
  headers: Headers;
  /** parsed JSON (undefined for an empty body) */
  body: any;
}

export interface TestApi {
  base: string;
  nw: Awaited<ReturnType<typeof freshNorthwind>>;
  /** a request; JSON:API bodies are schema-checked (errors too) */
  req(
    method: string,
    path: string,
    options?: { body?: unknown; raw?: string; token?: string | null; headers?: Record<string, string>; validate?: boolean },
  ): Promise<Reply>;
  login(user: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * `kafkaRpc`: request/reply for real — an embedded broker of its own, the project's services served
 * by a worker on this Northwind (as its callers, through their grants), and the API's client.
 */
export async function startApi(options: ApiOptions & { kafkaRpc?: boolean; database?: DatabaseKind } = {}): Promise<TestApi> {
  const nw = await freshNorthwind({ database: options.database });
  const rpc = options.kafkaRpc ? await startRpc(nw) : undefined;
  const { app } = await createApi(nw, { ...options, ...(rpc ? { rpc: rpc.client } : {}) });
  const server: Server = await new Promise((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api`;
  const tokens = new Map<string, string>();
  let admin: string | undefined;

  const api: TestApi = {
    base,
    nw,
    async req(method, path, o = {}) {
      const headers: Record<string, string> = { Accept: JSONAPI, ...o.headers };
      const token = o.token === undefined ? (admin ??= await api.login('admin')) : o.token;
      if (token) headers.Authorization = `Bearer ${token}`;
      let body: string | undefined = o.raw;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['Content-Type'] ??= JSONAPI;
      }
      const res = await fetch(path.startsWith('http') ? path : `${base}${path}`, { method, headers, body });
      const text = await res.text();
      const parsed = text ? JSON.parse(text) : undefined;
      const type = res.headers.get('content-type') ?? '';
      if (parsed !== undefined && type.startsWith(JSONAPI) && o.validate !== false && !('atomic:results' in parsed)) {
        if (!validateDocument(parsed))
          throw new Error(
            `${method} ${path}: not a valid JSON:API document: ${ajv.errorsText(validateDocument.errors)}\n${text.slice(0, 500)}`,
          );
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
    async login(user, password = 'p') {
      const key = `${user}\u0000${password}`;
      if (!tokens.has(key)) {
        const res = await fetch(`${base}/auth/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ username: user, password }),
        });
        if (res.status !== 200) throw new Error(`login ${user}: ${res.status} ${await res.text()}`);
        tokens.set(key, ((await res.json()) as { access_token: string }).access_token);
      }
      return tokens.get(key)!;
    },
    async close() {
      await new Promise((ok) => server.close(ok));
      await rpc?.stop();
      nw.dispose();
    },
  };
  return api;
}

async function startRpc(nw: Awaited<ReturnType<typeof freshNorthwind>>): Promise<{ client: RpcClient; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'alsx-api-rpc-'));
  const broker = new Broker({ dataDir: dir, port: 0, initialRebalanceDelayMs: 50 });
  const brokers = [`127.0.0.1:${await broker.start()}`];
  const security = await projectSecurity(nw);
  const { services = [] } = await loadIntegration(nw);
  const workers = await Promise.all(services.map((s) => serveRequests(s, nw.store, brokers, () => {}, security)));
  const client = new RpcClient(brokers);
  await client.start();
  return {
    client,
    async stop() {
      await client.stop();
      await Promise.all(workers.map((w) => w.close()));
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
