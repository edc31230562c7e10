/**
 * A small client for the project's JSON:API, so the Tables pane writes the way every client does:
 * through security and the rules. Failures come back as values (never thrown), in the terms of the
 * API's error objects — a rule's refusal is 422 with the rule's name in meta.rule.
 */
import type { Row, Value } from '../../store/types.js';

const JSONAPI = 'application/vnd.api+json';

export interface ApiFailure {
  /** HTTP status; 0 when the API could not be reached */
  status: number;
  title: string;
  detail: string;
  /** the rule that refused the change ("Customer: Balance <= CreditLimit") */
  rule?: string;
  /** the attribute at fault, from source.pointer ("/data/attributes/Quantity" → "Quantity") */
  attribute?: string;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiFailure };

export interface Resource {
  type: string;
  id: string;
  attributes: Row;
}

export interface ApiClientOptions {
  /**
   * Where the API is: http://127.0.0.1:5656 (or …/api). A function when it comes and goes (the
   * workbench's API child restarts): undefined means it is not up.
   */
  base: string | (() => string | undefined);
  /** headers for each request, e.g. a session's Authorization (the workbench logs in itself) */
  headers?: () => Record<string, string>;
  /** or credentials to log in with (again when the token expires); none when security is off */
  user?: string;
  password?: string;
  token?: string;
  fetch?: typeof fetch;
}

export class ApiClient {
  private token: string | undefined;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    this.token = options.token;
    this.doFetch = options.fetch ?? fetch;
  }

  /** the API's root (…/api), or undefined while it is not up */
  get base(): string | undefined {
    const b = typeof this.options.base === 'function' ? this.options.base() : this.options.base;
    if (!b) return undefined;
    const trimmed = b.replace(/\/+$/, '');
    return trimmed.endsWith('/api') ? trimmed : `${trimmed}/api`;
  }

  get user(): string | undefined {
    return this.options.user;
  }

  async login(): Promise<ApiResult<void>> {
    if (this.options.user === undefined) return { ok: true, value: undefined };
    const res = await this.send(
      'POST',
      '/auth/login',
      { username: this.options.user, password: this.options.password ?? '' },
      'application/json',
      false,
    );
    if (!res.ok) return res;
    this.token = (res.value as { access_token?: string } | undefined)?.access_token;
    return { ok: true, value: undefined };
  }

  async get(type: string, id: string): Promise<ApiResult<Resource>> {
    return resource(await this.call('GET', `/${encodeURIComponent(type)}/${encodeURIComponent(id)}`));
  }

  async create(type: string, attributes: Row): Promise<ApiResult<Resource>> {
    return resource(await this.call('POST', `/${encodeURIComponent(type)}`, { data: { type, attributes: json(attributes) } }));
  }

  async update(type: string, id: string, attributes: Row): Promise<ApiResult<Resource>> {
    return resource(
      await this.call('PATCH', `/${encodeURIComponent(type)}/${encodeURIComponent(id)}`, {
        data: { type, id, attributes: json(attributes) },
      }),
    );
  }

  async remove(type: string, id: string): Promise<ApiResult<void>> {
    const res = await this.call('DELETE', `/${encodeURIComponent(type)}/${encodeURIComponent(id)}`);
    return res.ok ? { ok: true, value: undefined } : res;
  }

  /** a request with the token; on 401 logs in once and tries again */
  private async call(method: string, path: string, body?: unknown): Promise<ApiResult<unknown>> {
    if (this.token === undefined && this.options.user !== undefined) {
      const login = await this.login();
      if (!login.ok) return login;
    }
    let res = await this.send(method, path, body, JSONAPI, true);
    if (!res.ok && res.error.status === 401 && this.options.user !== undefined) {
      const login = await this.login();
      if (!login.ok) return login;
      res = await this.send(method, path, body, JSONAPI, true);
    }
    return res;
  }

  private async send(method: string, path: string, body: unknown, contentType: string, auth: boolean): Promise<ApiResult<unknown>> {
    const base = this.base;
    if (!base)
      return {
        ok: false,
        error: { status: 0, title: 'API not up', detail: 'the API is not running (see the Runtimes pane, or `alsx serve`)' },
      };
    const headers: Record<string, string> = {
      Accept: contentType === JSONAPI ? JSONAPI : 'application/json',
      ...(auth ? this.options.headers?.() : {}),
    };
    if (body !== undefined) headers['Content-Type'] = contentType;
    if (auth && this.token) headers.Authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await this.doFetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return {
        ok: false,
        error: {
          status: 0,
          title: 'API unreachable',
          detail: `${base} does not answer${cause ? ` (${cause})` : ''}: is \`alsx serve\` running?`,
        },
      };
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.ok) return { ok: true, value: parsed };
    return { ok: false, error: failure(response.status, parsed, text) };
  }
}

/** the first JSON:API error object of a failed response, in the pane's terms */
export function failure(status: number, body: unknown, text = ''): ApiFailure {
  const first = (body as { errors?: Record<string, unknown>[] } | undefined)?.errors?.[0];
  if (!first) return { status, title: `HTTP ${status}`, detail: text.slice(0, 200) || `the API answered ${status}` };
  const meta = first.meta as { rule?: unknown } | undefined;
  const pointer = (first.source as { pointer?: unknown } | undefined)?.pointer;
  const attribute = typeof pointer === 'string' ? /^\/data\/attributes\/(.+)$/.exec(pointer)?.[1] : undefined;
  return {
    status: Number(first.status ?? status) || status,
    title: String(first.title ?? `HTTP ${status}`),
    detail: String(first.detail ?? first.title ?? ''),
    ...(typeof meta?.rule === 'string' ? { rule: meta.rule } : {}),
    ...(attribute ? { attribute } : {}),
  };
}

function resource(res: ApiResult<unknown>): ApiResult<Resource> {
  if (!res.ok) return res;
  const data = (res.value as { data?: { type: string; id: string; attributes?: Row } } | undefined)?.data;
  if (!data) return { ok: false, error: { status: 500, title: 'Unexpected answer', detail: 'the API answered without data' } };
  return { ok: true, value: { type: data.type, id: data.id, attributes: data.attributes ?? {} } };
}

/** values JSON can carry (a bigint as a number when safe, as text otherwise) */
function json(row: Row): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(row))
    out[k] = typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v;
  return out;
}
