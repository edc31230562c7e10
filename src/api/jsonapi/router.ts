/**
 * The JSON:API routes, generated for every table: no per-table code.
 *
 *   GET|POST              /api/:type
 *   GET|PATCH|DELETE      /api/:type/:id
 *   GET                   /api/:type/:id/:relationship
 *   GET|PATCH|POST|DELETE /api/:type/:id/relationships/:relationship
 *   POST                  /api/operations                (atomic operations)
 */
import { describe } from '../../bounded-json.js';
import { parseBody } from '../body.js';
import express, { type Request, type Response, type Router } from 'express';
import type { User } from '../security/access.js';
import { atomic } from './atomic.js';
import { ApiError, badMember, forbidden } from './errors.js';
import { idOf } from './model.js';
import { ATOMIC_EXT, checkAccept, checkContentType, MEDIA_TYPE } from './negotiation.js';
import { parseQuery } from './query.js';
import { readLinkage, readOne, relationshipOf, sendCollection, sendRelated, single } from './read.js';
import { Scope, type ApiContext } from './scope.js';
import { documentChunks, Items, SLICE_ABOVE } from './stream.js';
import { fkValues, isObject, linkage, parseResource, transact } from './write.js';

/** writes the document straight to the socket: an explicit Content-Type (no charset appended) and length */
export function sendJsonApi<T>(res: Response, status: number, doc: T extends PromiseLike<unknown> ? never : T, ext?: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', ext ? `${MEDIA_TYPE}; ext="${ext}"` : MEDIA_TYPE);
  if (doc === undefined) return void res.end();
  const body = JSON.stringify(doc);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** a large document written as it is serialised, slice by slice (chunked: its length is not known up front) */
export async function streamJsonApi(res: Response, status: number, chunks: AsyncIterable<string>, ext?: string): Promise<void> {
  res.statusCode = status;
  res.setHeader('Content-Type', ext ? `${MEDIA_TYPE}; ext="${ext}"` : MEDIA_TYPE);
  for await (const chunk of chunks) {
    if (res.destroyed) return; // the client went away: stop serialising for nobody
    if (!res.write(chunk))
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done).off('close', done);
          resolve();
        };
        res.on('drain', done).on('close', done);
      });
  }
  res.end();
}

/** `doc`, its list `member` serialised an item at a time when long: a large answer holds no one else's request */
export async function sendJsonApiSliced(res: Response, status: number, doc: Record<string, unknown>, member: string, ext?: string) {
  const items = doc[member] as unknown[];
  if (items.length <= SLICE_ABOVE) return sendJsonApi(res, status, doc, ext);
  await streamJsonApi(res, status, documentChunks({ ...doc, [member]: new Items(items) }), ext);
}

const etagOf = (doc: { data: unknown }): string => `"${(doc.data as { meta: { checksum: string } }).meta.checksum}"`;

/** http://host:port, as the client addressed this server */
export function origin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

export function requestUrl(req: Request): URL {
  const url = new URL(req.originalUrl, origin(req));
  // re-encode the query (a client may send filter[Qty] unescaped): links must be valid URIs
  url.search = new URLSearchParams(url.search).toString();
  return url;
}

export function apiBase(req: Request): string {
  return `${origin(req)}/api`;
}

/** the request body as JSON; 400 naming the position when it is not */
export function jsonBody(req: Request, expected = 'a JSON:API document {"data": …}'): unknown {
  const raw = req.body instanceof Buffer ? req.body.toString('utf8') : '';
  if (!raw.trim()) throw badMember('', `the request needs a body: ${expected}`);
  return parseBody(raw);
}

export function jsonApiRouter(ctx: ApiContext, userOf: (req: Request) => User | null): Router {
  const r = express.Router();
  const raw = express.raw({ type: () => true, limit: '2mb' });
  const scope = (req: Request): Scope => new Scope(ctx, userOf(req), apiBase(req), ctx.project.store.reads.instant);
  /** a write waits while a long (sliced) transaction of this process is open: it would land inside it */
  const inTurn =
    (handler: (req: Request<Record<string, string>>, res: Response) => void | Promise<void>) =>
    (req: Request<Record<string, string>>, res: Response): Promise<void> =>
      ctx.project.engine.turns.run(() => handler(req, res));
  const data = (req: Request): unknown => {
    const body = jsonBody(req);
    if (!isObject(body) || !('data' in body)) throw badMember('', 'a JSON:API document has a top-level "data" member');
    return body.data;
  };

  r.post('/operations', raw, async (req, res) => {
    checkAccept(req.get('Accept'), [ATOMIC_EXT]);
    const ext = checkContentType(req.get('Content-Type'), [ATOMIC_EXT]);
    if (!ext.includes(ATOMIC_EXT))
      throw new ApiError(
        415,
        'unsupported-media-type',
        'Unsupported media type',
        `atomic operations need Content-Type: ${MEDIA_TYPE}; ext="${ATOMIC_EXT}"`,
        { header: 'Content-Type' },
      );
    await sendJsonApiSliced(res, 200, await atomic(scope(req), jsonBody(req)), 'atomic:results', ATOMIC_EXT);
  });

  // GET on the operations endpoint says how to use it
  r.get('/operations', (req, res) => {
    checkAccept(req.get('Accept'));
    sendJsonApi(res, 200, {
      meta: {
        extension: ATOMIC_EXT,
        usage: `POST several operations here as one transaction, with Content-Type: ${MEDIA_TYPE}; ext="${ATOMIC_EXT}"`,
        example: { 'atomic:operations': [{ op: 'add', data: { type: '<Table>', lid: 'a', attributes: {} } }] },
      },
    });
  });

  r.get('/:type', async (req, res) => {
    checkAccept(req.get('Accept'));
    const s = scope(req);
    await sendCollection(
      s,
      s.type(req.params.type!),
      requestUrl(req),
      (doc) => sendJsonApi(res, 200, doc),
      (chunks) => streamJsonApi(res, 200, chunks),
    );
  });

  r.post(
    '/:type',
    raw,
    inTurn((req, res) => {
      checkAccept(req.get('Accept'));
      checkContentType(req.get('Content-Type'));
      const s = scope(req);
      const type = s.type(req.params.type!);
      const url = requestUrl(req);
      const query = parseQuery(url.searchParams, type, s.model, s.queryOptions(false));
      const input = parseResource(s, type, data(req), '/data', 'create');
      const created = transact(s, (w) => w.insert(type, input.values, '/data'));
      const id = idOf(type.table, created);
      const row = freshRow(s, type, id) ?? created;
      const doc = single(s, type, row, query);
      res.set('Location', `${s.base}/${encodeURIComponent(type.type)}/${encodeURIComponent(id)}`).set('ETag', etagOf(doc));
      sendJsonApi(res, 201, doc);
    }),
  );

  r.get('/:type/:id', async (req, res) => {
    checkAccept(req.get('Accept'));
    const s = scope(req);
    const doc = await readOne(s, s.type(req.params.type!), req.params.id!, requestUrl(req));
    const tag = etagOf(doc);
    res.set('ETag', tag);
    if (
      req
        .get('If-None-Match')
        ?.split(',')
        .some((t) => t.trim().replace(/^W\//, '') === tag)
    )
      return void res.status(304).end();
    sendJsonApi(res, 200, doc);
  });

  r.patch(
    '/:type/:id',
    raw,
    inTurn((req, res) => {
      checkAccept(req.get('Accept'));
      checkContentType(req.get('Content-Type'));
      const s = scope(req);
      const type = s.type(req.params.type!);
      const id = req.params.id!;
      const url = requestUrl(req);
      const query = parseQuery(url.searchParams, type, s.model, s.queryOptions(false));
      const body = data(req);
      if (isObject(body) && body.id === undefined)
        throw badMember('/data/id', `a PATCH names its resource: "data": {"type": "${type.type}", "id": "${id}", …}`);
      if (isObject(body) && body.id !== id)
        throw new ApiError(409, 'id-mismatch', 'Conflict', `/data/id is ${describe(body.id)}, but the URL names ${type.type} ${id}`, {
          pointer: '/data/id',
        });
      const input = parseResource(s, type, body, '/data', 'update');
      transact(s, (w) => {
        w.update(type, id, input.values, '/data', { ifMatch: req.get('If-Match'), checksum: input.checksum });
        for (const m of input.toMany) w.relink(type, id, m.rel, m.ids, 'replace');
      });
      const doc = single(s, type, s.visibleRow(type, id), query);
      res.set('ETag', etagOf(doc));
      sendJsonApi(res, 200, doc);
    }),
  );

  r.delete(
    '/:type/:id',
    inTurn((req, res) => {
      checkAccept(req.get('Accept'));
      const s = scope(req);
      const type = s.type(req.params.type!);
      transact(s, (w) => w.delete(type, req.params.id!, { ifMatch: req.get('If-Match') }));
      res.status(204).end();
    }),
  );

  r.get('/:type/:id/relationships/:rel', async (req, res) => {
    checkAccept(req.get('Accept'));
    const s = scope(req);
    sendJsonApi(res, 200, await readLinkage(s, s.type(req.params.type!), req.params.id!, req.params.rel!, requestUrl(req)));
  });

  const relationshipWrite = (how: 'replace' | 'add' | 'remove') => async (req: Request, res: Response) => {
    checkAccept(req.get('Accept'));
    checkContentType(req.get('Content-Type'));
    const s = scope(req);
    const params = req.params as Record<string, string>;
    const type = s.type(params.type!);
    const id = params.id!;
    const rel = relationshipOf(s, type, params.rel!);
    const body = jsonBody(req);
    if (!isObject(body) || !('data' in body)) throw badMember('', 'a relationship document is {"data": …}');
    const ids = linkage(s, rel, body.data, '/data');
    if (rel.kind === 'toOne') {
      if (how !== 'replace')
        throw forbidden(`${rel.name} is to-one: change it with PATCH {"data": {"type": "${rel.target}", "id": …}} or {"data": null}`);
      const values = fkValues(s, rel, ids[0] ?? null, '/data');
      transact(s, (w) => w.update(type, id, values, '/data'));
    } else {
      transact(s, (w) => w.relink(type, id, rel, ids, how));
    }
    sendJsonApi(
      res,
      200,
      await readLinkage(
        s,
        type,
        id,
        rel.name,
        new URL(`${s.base}/${encodeURIComponent(type.type)}/${encodeURIComponent(id)}/relationships/${rel.name}`),
      ),
    );
  };
  r.patch('/:type/:id/relationships/:rel', raw, inTurn(relationshipWrite('replace')));
  r.post('/:type/:id/relationships/:rel', raw, inTurn(relationshipWrite('add')));
  r.delete('/:type/:id/relationships/:rel', raw, inTurn(relationshipWrite('remove')));

  r.get('/:type/:id/:rel', async (req, res) => {
    checkAccept(req.get('Accept'));
    const s = scope(req);
    await sendRelated(
      s,
      s.type(req.params.type!),
      req.params.id!,
      req.params.rel!,
      requestUrl(req),
      (doc) => sendJsonApi(res, 200, doc),
      (chunks) => streamJsonApi(res, 200, chunks),
    );
  });

  return r;
}

function freshRow(s: Scope, type: ReturnType<Scope['type']>, id: string) {
  try {
    return s.visibleRow(type, id);
  } catch {
    return undefined; // created, but not readable by this user: answer with what was written
  }
}
