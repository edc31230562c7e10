/**
 * One request to a project's API as alsx's own clients make it — the scenario runner's request
 * steps and the workbench's `:get`/`:post` …: the content type the path wants, the reply parsed,
 * its first JSON:API error picked out.
 */
export interface ApiReply {
  status: number;
  ok: boolean;
  /** parsed JSON, the text when it is not JSON, undefined when empty */
  body: unknown;
  /** the first error object: its rule (meta.rule) and detail */
  error?: { rule?: string; message?: string };
}

const JSONAPI = 'application/vnd.api+json';
const ATOMIC = `${JSONAPI}; ext="https://jsonapi.org/ext/atomic"`;

/** atomic operations, request/reply and custom endpoints take plain JSON; the rest is JSON:API */
export function contentTypeFor(path: string): string {
  if (path.startsWith('/api/operations')) return ATOMIC;
  return path.startsWith('/api/rpc/') || path.startsWith('/api/ServicesEndPoint/') ? 'application/json' : JSONAPI;
}

export async function requestApi(
  base: string,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  doFetch: typeof fetch = fetch,
): Promise<ApiReply> {
  const all: Record<string, string> = { Accept: `${JSONAPI}, application/json`, ...headers };
  if (body !== undefined) all['Content-Type'] = contentTypeFor(path);
  const res = await doFetch(`${base}${path}`, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: kept as text */
  }
  const e = (parsed as { errors?: { detail?: string; meta?: { rule?: string } }[] } | undefined)?.errors?.[0];
  return { status: res.status, ok: res.ok, body: parsed, ...(e ? { error: { rule: e.meta?.rule, message: e.detail } } : {}) };
}
