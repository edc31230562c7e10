/**
 * The API server: login, the generated JSON:API, the project's custom endpoints, the OpenAPI
 * document and its docs page — on Express, with every error a JSON:API error object.
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { dirname } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { OpenProject } from '../project/load.js';
import { Auth, loadSecurity, secret } from './security/auth.js';
import { accountRouter, loginRouter } from './auth-routes.js';
import { checkGrants } from './security/check.js';
import { ANONYMOUS, type SecurityConfig, type User } from './security/access.js';
import { ApiError } from './jsonapi/errors.js';
import { projectLimits } from './limits.js';
import { buildModel } from './jsonapi/model.js';
import { jsonApiRouter, origin, sendJsonApi } from './jsonapi/router.js';
import type { ApiContext } from './jsonapi/scope.js';
import { openApiDocument } from './openapi.js';
import { loadEndpoints, endpointRouter, endpointRoute, type Endpoints } from './endpoints.js';
import { rpcRouter } from './rpc.js';
import { loadIntegration } from '../kafka/integration/load.js';
import type { RpcClient } from '../kafka/integration/rpc.js';
import type { Service } from '../kafka/integration/declare.js';
import { callerKey } from '../kafka/integration/rpc-caller.js';
import type { Dialect } from '../store/dialect.js';

export interface ApiApp {
  app: express.Express;
  ctx: ApiContext;
}

const USER = Symbol('alsx.user');
/** set on a request for a public endpoint or method: it may come without a token */
const PUBLIC = Symbol('alsx.public');
type WithUser = Request & { [USER]?: User | null; [PUBLIC]?: boolean };

export interface ApiOptions {
  log?: (line: string) => void;
  /** request/reply over Kafka (absent: /api/rpc answers 503) */
  rpc?: RpcClient;
  /** grants to serve with instead of the project's security/grants.ts (tests of the grant vocabulary) */
  security?: SecurityConfig;
  /** what the operator should know at start-up (default: stderr) */
  warn?: (line: string) => void;
  /** custom endpoints to serve instead of the project's api/custom.ts (tests) */
  endpoints?: Endpoints;
  /** request/reply services to serve instead of the project's integration/index.ts (tests) */
  services?: Service[];
}

export async function createApi(project: OpenProject, options: ApiOptions = {}): Promise<ApiApp> {
  const ctx: ApiContext = {
    project,
    model: buildModel(project.store.schema),
    security: options.security ?? (await loadSecurity(project)),
    limits: projectLimits(project),
  };
  checkGrants(ctx.security, ctx.model);
  const auth = new Auth(project, ctx.security);
  const warn = options.warn ?? ((line: string) => process.stderr.write(`alsx api: warning: ${line}\n`));
  for (const w of auth.warnings()) warn(w);
  const endpoints = options.endpoints ?? (await loadEndpoints(project));
  const services = options.services ?? (await loadIntegration(project)).services ?? [];
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // resources carry their own ETag (the row checksum)
  app.set('query parser', 'simple');

  if (options.log) {
    const log = options.log;
    app.use((req, res, next) => {
      const started = performance.now();
      res.on('finish', () => log(`${req.method} ${req.originalUrl} ${res.statusCode} ${(performance.now() - started).toFixed(1)} ms`));
      next();
    });
  }

  app.use('/api', loginRouter(auth));

  app.get('/api/openapi.json', (req, res) => {
    res.json(openApiDocument(ctx, origin(req), endpoints));
  });
  const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  app.use('/api/docs/assets', express.static(swaggerDir, { index: false }));
  app.get(['/api/docs', '/api/docs/'], (_req, res) => {
    res.type('html').send(DOCS_PAGE);
  });

  // who is asking: every other /api route needs a valid token when the project's security is on,
  // but for the public endpoints and methods, which without one run as the anonymous user
  app.use('/api', ...publicRoutes(endpoints, services), async (req: WithUser, _res, next) => {
    if (!ctx.security.enabled) return next();
    const header = req.get('Authorization') ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header);
    const token = m?.[1]?.trim();
    if (!m && req[PUBLIC]) {
      req[USER] = ANONYMOUS;
      return next();
    }
    const user = token ? (auth.known(token) ?? (await auth.verify(token))) : null;
    if (!user) {
      throw new ApiError(
        401,
        'unauthorized',
        'Unauthorized',
        m
          ? 'the token is invalid or has expired; log in again at POST /api/auth/login'
          : 'log in at POST /api/auth/login and send Authorization: Bearer <token>',
      );
    }
    req[USER] = user;
    next();
  });
  const userOf = (req: Request): User | null => (req as WithUser)[USER] ?? null;

  app.use('/api', accountRouter(auth, ctx.security.enabled, userOf));

  app.use('/api', endpointRouter(ctx, endpoints, userOf));
  if (services.length)
    app.use(
      '/api',
      rpcRouter(services, () => options.rpc, { userOf, key: callerKey(secret(project)) }),
    );
  app.use('/api', jsonApiRouter(ctx, userOf));
  app.use((req, _res) => {
    throw new ApiError(
      404,
      'no-route',
      'Not found',
      `no route ${req.method} ${req.path}; the API lives under /api (see /api/openapi.json)`,
    );
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = asApiError(err, project.store.dialect);
    if (e.status === 401) res.set('WWW-Authenticate', 'Bearer realm="alsx"');
    if (e.status >= 500 && !(err instanceof ApiError))
      process.stderr.write(`alsx api: ${req.method} ${req.originalUrl}: ${(err as Error)?.stack ?? String(err)}\n`);
    sendJsonApi(res, e.status, { jsonapi: { version: '1.1' }, errors: [e.toObject()] });
  });
  return { app, ctx };
}

/**
 * Marks the requests for public endpoints and methods, matched by the same routes that serve them,
 * so the token guard after it knows them — and nothing else gets by without a token. None when
 * nothing is public (a project without public routes pays nothing for them).
 */
function publicRoutes(endpoints: Endpoints, services: Service[]): express.Router[] {
  const anyPublic =
    Object.values(endpoints).some((ep) => ep.public) || services.some((s) => Object.values(s.methods).some((m) => m.public));
  if (!anyPublic) return [];
  const r = express.Router();
  const mark = (req: WithUser, _res: Response, next: NextFunction) => {
    req[PUBLIC] = true;
    next('router');
  };
  // every endpoint, in the order they are served: the first route that matches a request decides, as it does there
  for (const [path, ep] of Object.entries(endpoints)) {
    const { route, verb } = endpointRoute(path, ep);
    r[verb](route, ep.public ? mark : (_req: Request, _res: Response, next: NextFunction) => next('router'));
  }
  const isPublic = (service: string, method: string): boolean => {
    const methods = services.find((s) => s.name === service)?.methods;
    return Boolean(methods && Object.hasOwn(methods, method) && methods[method]!.public);
  };
  r.all('/rpc/:service/:method', (req: WithUser, res, next) => {
    if (isPublic(String(req.params.service), String(req.params.method))) return mark(req, res, next);
    next('router');
  });
  return [r];
}

/** anything thrown becomes an error object; only a bug in alsx is a 500, and it says so without a stack */
function asApiError(err: unknown, dialect: Dialect): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { status?: number; type?: string; message?: string };
  if (e?.type === 'entity.too.large') return new ApiError(413, 'too-large', 'Payload too large', 'the request body is larger than 2 MB');
  if (e?.type === 'entity.parse.failed')
    return new ApiError(400, 'malformed-json', 'Malformed JSON', `the body is not valid JSON: ${e.message}`, { pointer: '' });
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return new ApiError(e.status, 'bad-request', 'Bad request', e.message ?? 'bad request');
  if (dialect.classify(err).kind === 'busy') return new ApiError(503, 'busy', 'Database busy', 'the database is busy; try again');
  return new ApiError(500, 'internal', 'Internal error', 'alsx failed on this request (a bug: the server log has the details)');
}

export async function serve(project: OpenProject, options: ApiOptions & { port: number; host: string }): Promise<Server> {
  const { app } = await createApi(project, options);
  return await new Promise((resolve, reject) => {
    const server = app.listen(options.port, options.host);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>alsx API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#ui', deepLinking: true });</script>
</body></html>`;
