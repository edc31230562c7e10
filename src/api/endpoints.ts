/** Serving a project's custom endpoints (see endpoint-types.ts for how a project declares them). */
import express, { type Request, type Router } from 'express';
import type { OpenProject } from '../project/load.js';
import { projectModule } from '../project/load.js';
import type { Row } from '../store/types.js';
import { insertingTree, MappingError, type Mapping } from '../mapping/mapping.js';
import { ANONYMOUS, type User } from './security/access.js';
import { ApiError, forbidden } from './jsonapi/errors.js';
import { parseQuery } from './jsonapi/query.js';
import { single, type Document } from './jsonapi/read.js';
import { apiBase, jsonBody, sendJsonApi } from './jsonapi/router.js';
import { Scope, type ApiContext } from './jsonapi/scope.js';
import { selectRows } from './jsonapi/sql.js';
import { transact, transactSliced, type Writer } from './jsonapi/write.js';
import type { Endpoint, EndpointCall, EndpointResult, Endpoints } from './endpoint-types.js';

export { endpoints } from './endpoint-types.js';
export type { Endpoint, EndpointCall, EndpointResult, Endpoints } from './endpoint-types.js';

export async function loadEndpoints(project: OpenProject): Promise<Endpoints> {
  const isEndpoints = (v: unknown): v is Endpoints => typeof v === 'object' && v !== null;
  return (await projectModule(project, project.config.endpoints ?? 'api/custom.ts', isEndpoints, 'endpoints({ … })')) ?? {};
}

/** the Express route and verb of an endpoint ("/ServicesEndPoint/OrderB2B", "post") */
export function endpointRoute(path: string, ep: Endpoint): { route: string; verb: 'get' | 'post' | 'put' | 'patch' | 'delete' } {
  return { route: `/${path.replace(/^\/+/, '')}`, verb: ep.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete' };
}

const LOG_IN = 'log in at POST /api/auth/login and send Authorization: Bearer <token>';

export function endpointRouter(ctx: ApiContext, list: Endpoints, userOf: (req: Request) => User | null): Router {
  const r = express.Router();
  const body = express.raw({ type: () => true, limit: '2mb' });
  for (const [path, ep] of Object.entries(list)) {
    const { route, verb } = endpointRoute(path, ep);
    r[verb](route, body, async (req, res) => {
      const user = userOf(req);
      if (user === ANONYMOUS && !ep.public) throw new ApiError(401, 'unauthorized', 'Unauthorized', LOG_IN); // only the guard's mistake would get here
      if (ep.roles && !ep.public && user && !user.roles.some((role) => ep.roles!.includes(role)))
        throw forbidden(
          `${ep.method} /api${route} is for the role${ep.roles.length === 1 ? '' : 's'} ${ep.roles.join(', ')}; ${user.name} has ${user.roles.join(', ') || 'no role'}`,
        );
      const scope = new Scope(ctx, user, apiBase(req), ctx.project.store.reads.instant);
      const takesBody = ep.method !== 'GET' && ep.method !== 'DELETE';
      const hasBody = req.body instanceof Buffer && req.body.toString('utf8').trim().length > 0;
      const body = takesBody || hasBody ? jsonBody(req, 'JSON') : undefined;
      const call = new Call(scope, body, new URL(req.originalUrl, 'http://x').searchParams);
      let result: EndpointResult;
      try {
        // a handler may write: it waits while a long (sliced) transaction of this process is open
        result = await ctx.project.engine.turns.run(() => ep.handle(call));
      } catch (e) {
        if (e instanceof MappingError)
          throw new ApiError(422, 'mapping', 'Cannot be mapped', e.message, { pointer: call.pointerOf(e.path) });
        throw e;
      }
      for (const [k, v] of Object.entries(result.headers ?? {})) res.set(k, v);
      if (result.type && result.type !== 'application/vnd.api+json')
        res
          .status(result.status ?? 200)
          .type(result.type)
          .send(typeof result.body === 'string' ? result.body : JSON.stringify(result.body));
      else sendJsonApi(res, result.status ?? 200, result.body);
    });
  }
  return r;
}

class Call implements EndpointCall {
  /** where in the body the mapped dict sat (API Logic Server wraps it in meta.args.order) */
  private root = '';

  constructor(
    private readonly scope: Scope,
    readonly body: any,
    readonly query: URLSearchParams,
  ) {}

  get user(): User | null {
    return this.scope.user;
  }

  /** a large document (up to the mappedItems limit) is inserted a few ms at a time: it stalls no one */
  async create(mapping: Mapping, dict: unknown, options: { include?: string[] } = {}): Promise<EndpointResult> {
    if (dict !== this.body && this.body?.meta?.args?.order === dict) this.root = '/meta/args/order';
    const schema = this.scope.ctx.project.store.schema;
    const created = await transactSliced(
      this.scope,
      async (w, pause) => {
        const tree = mapping.toRows(dict, schema, (table, where, limit) => this.scope.find(table, where, limit), {
          maxItems: this.scope.limits.mappedItems,
        });
        const steps = insertingTree(tree, (table, values) => w.insert(this.scope.type(table), values, '/data'));
        for (let step = steps.next(); ; step = steps.next()) {
          if (step.done) return step.value;
          await pause();
        }
      },
      this.root || '',
    );
    const fresh = this.rowOf(mapping.tableName, created) ?? created;
    const type = this.scope.type(mapping.tableName);
    const base = `${this.scope.base}/${encodeURIComponent(type.type)}`;
    return {
      status: 201,
      body: this.document(type.type, fresh, options.include),
      headers: { Location: `${base}/${encodeURIComponent(String(type.table.primaryKey.map((c) => fresh[c]).join(',')))}` },
    };
  }

  transaction<T>(fn: (w: Writer) => T): T {
    return transact(this.scope, fn, this.root || '');
  }

  document(typeName: string, row: Row, include: string[] = []): Document {
    const type = this.scope.type(typeName);
    const params = new URLSearchParams(include.length ? { include: include.join(',') } : {});
    return single(this.scope, type, row, parseQuery(params, type, this.scope.model, this.scope.queryOptions(false)));
  }

  pointerOf(path: string): string {
    const parts = path
      .replace(/\{[^}]*\}$/, '')
      .split(/\.|\[(\d+)\]/)
      .filter((p) => p !== undefined && p !== '');
    return `${this.root}/${parts.join('/')}`.replace(/\/$/, '');
  }

  private rowOf(table: string, row: Row): Row | undefined {
    const type = this.scope.type(table);
    const pk = type.table.primaryKey;
    return this.scope.rows(
      selectRows(type, { dialect: this.scope.dialect, filters: [], keys: { columns: pk, tuples: [pk.map((c) => row[c]!)] } }),
    )[0];
  }
}
