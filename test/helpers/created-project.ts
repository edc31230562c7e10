/**
 * What the `alsx create` tests do with a created project: serve it as `alsx serve` does, ask every
 * collection of its OpenAPI document, and type-check it with its generated tsconfig.json.
 */
import { spawnSync } from 'node:child_process';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { createApi } from '../../src/api/server.js';
import { openProject, type OpenProject } from '../../src/project/load.js';
import { jsonApiErrors, JSONAPI } from './api.js';

export interface ServedProject {
  project: OpenProject;
  base: string;
  get(path: string): Promise<{ status: number; body: any }>;
  send(method: string, path: string, body: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** the created project, served on a loopback port as `alsx serve` serves it */
export async function serve(dir: string): Promise<ServedProject> {
  const project = await openProject(dir);
  const { app } = await createApi(project);
  const server: Server = await new Promise((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  const port = (server.address() as { port: number }).port;
  const base = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { Accept: JSONAPI, ...(body ? { 'Content-Type': JSONAPI } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (parsed && path !== '/api/openapi.json') {
      const problem = jsonApiErrors(parsed);
      if (problem) throw new Error(`${method} ${path}: not valid JSON:API: ${problem}\n${text.slice(0, 400)}`);
    }
    return { status: res.status, body: parsed };
  };
  return {
    project,
    base,
    get: (path) => call('GET', path),
    send: (method, path, body) => call(method, path, body),
    close: async () => {
      await new Promise((ok) => server.close(ok));
      await project.close();
    },
  };
}

/** what the TypeScript compiler says of a project, with its generated tsconfig.json ('' when all is well) */
export function typeCheck(dir: string): string {
  const tsc = spawnSync(process.execPath, [resolve(import.meta.dirname, '../../node_modules/typescript/bin/tsc'), '-p', dir], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return tsc.status === 0 ? '' : tsc.stdout || tsc.stderr || `tsc exited ${tsc.status}`;
}

/** every collection the OpenAPI document lists answers 200 with a valid document; returns their row counts */
export async function everyCollection(api: ServedProject): Promise<Record<string, number>> {
  const doc = (await api.get('/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  const counts: Record<string, number> = {};
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (path.includes('{') || !ops.get || path === '/api/operations') continue;
    const r = await api.get(path);
    expect(r.status, path).toBe(200);
    counts[decodeURIComponent(path.slice('/api/'.length))] = r.body.meta.count;
  }
  return counts;
}
