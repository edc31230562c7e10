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
import { freshNorthwind } from './northwind.js';

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

export async function startApi(options: ApiOptions = {}): Promise<TestApi> {
  const nw = await freshNorthwind();
  const { app } = await createApi(nw, options);
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
      nw.dispose();
    },
  };
  return api;
}
