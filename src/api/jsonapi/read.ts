/**
 * Fetching: collections (filter, sort, page, include, sparse fields), single resources, related
 * resources and relationship linkage — every query restricted by the user's row filters, includes
 * too.
 */
import type { Row, Value } from '../../store/types.js';
import { idOf, type Relationship, type ResourceType } from './model.js';
import type { ResourceIdentifier, ResourceObject } from './document.js';
import { ApiError, badParameter } from './errors.js';
import { limitHint } from '../limits.js';
import { linkVisible, MAX_PAGE_LIMIT, parseQuery, type Query } from './query.js';
import type { Scope } from './scope.js';
import { countRows, selectRows } from './sql.js';
import { Slicer } from '../../slicer.js';
import { documentChunks, Items, SLICE_ABOVE } from './stream.js';
import { type Reading, together } from './reading.js';

export interface Document {
  jsonapi: { version: string };
  data: ResourceObject | ResourceObject[] | ResourceIdentifier | ResourceIdentifier[] | null;
  included?: ResourceObject[];
  links?: Record<string, string | null>;
  meta?: Record<string, unknown>;
}

export const JSONAPI = { version: '1.1' };

function collectionDocument(scope: Scope, type: ResourceType, url: URL, { query, rows, inc, count }: Fetched): Document {
  const docs = scope.documents(query.fields);
  return {
    jsonapi: JSONAPI,
    data: rows.map((r) => docs.resource(type, r, inc.linkageOf(type, r))),
    ...(query.include.length ? { included: inc.included(docs) } : {}),
    links: pageLinks(url, query.page, count),
    meta: { count },
  };
}

/**
 * A collection read for HTTP: small answers in one go; large ones — hundreds of resources, tens of
 * ms of work — read and serialised a few milliseconds at a time, yielding to the event loop between
 * slices, so one client's big page does not hold every other client's request. The rows are read
 * inside one read transaction of their own, so the answer is one consistent snapshot however many
 * slices it takes.
 */
export async function sendCollection(
  scope: Scope,
  type: ResourceType,
  url: URL,
  send: (doc: Document) => void,
  stream: (chunks: AsyncIterable<string>) => Promise<void>,
  within?: { rel: Relationship; parent: Row },
): Promise<void> {
  const slicer = new Slicer();
  const fetched = await scope.ctx.project.store.reads.snapshot((reader) =>
    scope.readingFrom(reader, () => scope.later(fetching(scope, type, url, within), slicer)),
  );
  const { query, rows, inc, count } = fetched;
  if (rows.length + inc.size <= SLICE_ABOVE) return send(collectionDocument(scope, type, url, fetched));
  const docs = scope.documents(query.fields);
  const data = (function* () {
    for (const row of rows) yield docs.resource(type, row, inc.linkageOf(type, row));
  })();
  await stream(
    documentChunks(
      {
        jsonapi: JSONAPI,
        data: new Items(data),
        ...(query.include.length ? { included: new Items(inc.includedResources(docs)) } : {}),
        links: pageLinks(url, query.page, count),
        meta: { count },
      },
      slicer,
    ),
  );
}

interface Fetched {
  query: Query;
  rows: Row[];
  inc: Includer;
  count: number;
}

/** the rows of a collection request and of its includes */
function* fetching(scope: Scope, type: ResourceType, url: URL, within?: { rel: Relationship; parent: Row }): Reading<Fetched> {
  const query = parseQuery(url.searchParams, type, scope.model, scope.queryOptions(true));
  const filters = [...query.filters, ...scope.access(type, 'read')];
  const secure = scope.secure;
  const dialect = scope.dialect;
  const keys = within
    ? { columns: within.rel.fk.childColumns, tuples: [within.rel.fk.parentColumns.map((c) => within.parent[c]!)] }
    : undefined;
  const [counted, rows] = yield* together(
    countRows(type, { dialect, filters, keys, secure }),
    selectRows(type, { dialect, filters, sort: query.sort, page: query.page, keys, secure }),
  );
  const count = Number(counted[0]!.n);
  const inc = new Includer(scope, query);
  yield* inc.run(type, rows);
  return { query, rows, inc, count };
}

export async function readOne(scope: Scope, type: ResourceType, id: string, url: URL): Promise<Document> {
  const query = parseQuery(url.searchParams, type, scope.model, scope.queryOptions(false));
  return scope.later(
    (function* () {
      return yield* documentOf(scope, type, yield* scope.visible(type, id), query, url);
    })(),
  );
}

/** a document for one row, with its includes (after a write too) */
export function single(scope: Scope, type: ResourceType, row: Row, query: Query, url?: URL): Document {
  return scope.now(documentOf(scope, type, row, query, url));
}

export function* documentOf(scope: Scope, type: ResourceType, row: Row, query: Query, url?: URL): Reading<Document> {
  const inc = new Includer(scope, query);
  yield* inc.run(type, [row]);
  const docs = scope.documents(query.fields);
  return {
    jsonapi: JSONAPI,
    data: docs.resource(type, row, inc.linkageOf(type, row)),
    ...(query.include.length ? { included: inc.included(docs) } : {}),
    ...(url ? { links: { self: url.href } } : {}),
  };
}

/** the relationship `name` of `type` as this user sees it: 404 when there is none, or its foreign key is hidden from them */
export function relationshipOf(scope: Scope, type: ResourceType, name: string): Relationship {
  const rel = type.relationships.get(name);
  if (rel && linkVisible(rel, type, scope.readable)) return rel;
  const others = [...type.relationships.values()].filter((r) => r.name !== name && linkVisible(r, type, scope.readable));
  throw new ApiError(
    404,
    'unknown-relationship',
    'Not found',
    `${type.type} has no relationship ${name}; it has ${others.map((r) => r.name).join(', ') || 'none'}`,
  );
}

/** GET /Type/id/rel: the related resource (to-one) or collection (to-many) */
export async function sendRelated(
  scope: Scope,
  type: ResourceType,
  id: string,
  name: string,
  url: URL,
  send: (doc: Document) => void,
  stream: (chunks: AsyncIterable<string>) => Promise<void>,
): Promise<void> {
  const rel = relationshipOf(scope, type, name);
  const parent = await scope.later(scope.visible(type, id));
  const target = scope.type(rel.target);
  if (rel.kind === 'toMany') return sendCollection(scope, target, url, send, stream, { rel, parent });
  const query = parseQuery(url.searchParams, target, scope.model, scope.queryOptions(false));
  const doc = await scope.later(
    (function* () {
      const row = yield* toOneRow(scope, rel, parent);
      return row ? yield* documentOf(scope, target, row, query, url) : null;
    })(),
  );
  send(doc ?? { jsonapi: JSONAPI, data: null, links: { self: url.href } });
}

const pageLinksOnly = (links: Record<string, string | null>): Record<string, string | null> => {
  const { self: _self, ...rest } = links;
  return rest;
};

/** the parent row a to-one relationship points to, if the user may see it */
function* toOneRow(scope: Scope, rel: Relationship, child: Row): Reading<Row | undefined> {
  const values = rel.fk.childColumns.map((c) => child[c]);
  if (values.some((v) => v === null || v === undefined)) return undefined;
  const target = scope.type(rel.target);
  const keys = { columns: rel.fk.parentColumns, tuples: [values as Value[]] };
  const rows = yield selectRows(target, { dialect: scope.dialect, filters: scope.access(target, 'read'), keys });
  return rows[0];
}

/** GET /Type/id/relationships/rel: linkage only */
export function readLinkage(scope: Scope, type: ResourceType, id: string, name: string, url: URL): Promise<Document> {
  return scope.later(linkageOf(scope, type, id, name, url));
}

function* linkageOf(scope: Scope, type: ResourceType, id: string, name: string, url: URL): Reading<Document> {
  const rel = relationshipOf(scope, type, name);
  const parent = yield* scope.visible(type, id);
  const self = `${scope.base}/${encodeURIComponent(type.type)}/${encodeURIComponent(id)}/relationships/${rel.name}`;
  const related = `${scope.base}/${encodeURIComponent(type.type)}/${encodeURIComponent(id)}/${rel.name}`;
  const target = scope.type(rel.target);
  if (rel.kind === 'toOne') {
    const row = yield* toOneRow(scope, rel, parent);
    return { jsonapi: JSONAPI, data: row ? { type: target.type, id: idOf(target.table, row) } : null, links: { self, related } };
  }
  const page = { offset: 0, limit: MAX_PAGE_LIMIT };
  for (const [k, v] of url.searchParams) {
    if (k === 'page[offset]' || k === 'page[limit]') {
      if (!/^\d{1,9}$/.test(v) || (k === 'page[limit]' && (Number(v) < 1 || Number(v) > MAX_PAGE_LIMIT)))
        throw badParameter(k, `${k} must be a whole number${k === 'page[limit]' ? ` between 1 and ${MAX_PAGE_LIMIT}` : ''}`);
      page[k === 'page[offset]' ? 'offset' : 'limit'] = Number(v);
    } else throw badParameter(k, `${k} is not supported on a relationship; use page[offset] and page[limit]`);
  }
  const filters = scope.access(target, 'read');
  const keys = { columns: rel.fk.childColumns, tuples: [rel.fk.parentColumns.map((c) => parent[c]!)] };
  const rows = yield selectRows(target, { dialect: scope.dialect, filters, keys, page });
  const count = Number((yield countRows(target, { dialect: scope.dialect, filters, keys }))[0]!.n);
  return {
    jsonapi: JSONAPI,
    data: rows.map((r) => ({ type: target.type, id: idOf(target.table, r) })),
    links: { self, related, ...pageLinksOnly(pageLinks(url, page, count)) },
    meta: { count },
  };
}

/** self, first, prev, next, last — absolute, keeping every other parameter */
function pageLinks(url: URL, page: { offset: number; limit: number }, count: number): Record<string, string | null> {
  const prefix = `${url.origin}${url.pathname}?`;
  const params = new URLSearchParams(url.search);
  params.delete('page[offset]');
  params.delete('page[limit]');
  const rest = params.toString();
  const at = (offset: number): string => `${prefix}${rest ? `${rest}&` : ''}page%5Boffset%5D=${offset}&page%5Blimit%5D=${page.limit}`;
  const lastOffset = count === 0 ? 0 : Math.floor((count - 1) / page.limit) * page.limit;
  return {
    self: url.href,
    first: at(0),
    prev: page.offset > 0 ? at(Math.max(0, page.offset - page.limit)) : null,
    next: page.offset + page.limit < count ? at(page.offset + page.limit) : null,
    last: at(lastOffset),
  };
}

type Level = { type: ResourceType; rows: Row[] };

/** parents' keys per include query: a query of a few milliseconds at most */
const KEYS_PER_QUERY = 100;

/** Fetches `include` paths level by level, one query per relationship per level, deduplicated. */
class Includer {
  private readonly rows = new Map<string, { type: ResourceType; row: Row }>();
  private readonly primary = new Set<string>();
  private readonly linkage = new Map<string, Map<string, ResourceIdentifier[]>>();

  constructor(
    private readonly scope: Scope,
    private readonly query: Query,
  ) {}

  /** every include path, level by level, one query per relationship per level */
  *run(type: ResourceType, rows: Row[]): Reading<void> {
    for (const r of rows) this.primary.add(ident(type, r));
    for (const path of this.query.include) {
      let level: Level = { type, rows };
      for (const rel of path) level = yield* this.follow(level.type, level.rows, rel);
    }
  }

  private *follow(type: ResourceType, parents: Row[], rel: Relationship): Reading<Level> {
    const target = this.scope.type(rel.target);
    const filters = this.scope.access(target, 'read');
    const [fromCols, toCols] =
      rel.kind === 'toOne' ? [rel.fk.childColumns, rel.fk.parentColumns] : [rel.fk.parentColumns, rel.fk.childColumns];
    const tuples = new Map<string, Value[]>();
    for (const p of parents) {
      const t = fromCols.map((c) => p[c] ?? null);
      if (t.some((v) => v === null)) continue;
      tuples.set(JSON.stringify(t), t as Value[]);
    }
    const found: Row[] = [];
    const all = [...tuples.values()];
    for (let i = 0; i < all.length; i += KEYS_PER_QUERY) {
      const chunk = all.slice(i, i + KEYS_PER_QUERY);
      found.push(...(yield selectRows(target, { dialect: this.scope.dialect, filters, keys: { columns: toCols, tuples: chunk } })));
    }
    for (const r of found) {
      const id = ident(target, r);
      if (!this.primary.has(id) && !this.rows.has(id)) this.rows.set(id, { type: target, row: r });
    }
    const max = this.scope.limits.included;
    if (this.rows.size > max)
      throw badParameter(
        'include',
        `the include would answer more than ${max} included resources; ask for fewer (page[limit]) or include less — ${limitHint('included', max)}`,
        'limit',
      );
    if (rel.kind === 'toMany') {
      const byParent = new Map<string, ResourceIdentifier[]>();
      for (const r of found) {
        const k = JSON.stringify(toCols.map((c) => r[c] ?? null));
        const list = byParent.get(k) ?? [];
        list.push({ type: target.type, id: idOf(target.table, r) });
        byParent.set(k, list);
      }
      for (const p of parents) {
        const k = JSON.stringify(fromCols.map((c) => p[c] ?? null));
        const id = ident(type, p);
        const map = this.linkage.get(id) ?? new Map<string, ResourceIdentifier[]>();
        map.set(rel.name, byParent.get(k) ?? []);
        this.linkage.set(id, map);
      }
    }
    return { type: target, rows: found };
  }

  linkageOf(type: ResourceType, row: Row): Map<string, ResourceIdentifier[]> | undefined {
    return this.linkage.get(ident(type, row));
  }

  included(docs: ReturnType<Scope['documents']>): ResourceObject[] {
    return [...this.includedResources(docs)];
  }

  *includedResources(docs: ReturnType<Scope['documents']>): Iterable<ResourceObject> {
    for (const { type, row } of this.rows.values()) yield docs.resource(type, row, this.linkageOf(type, row));
  }

  /** resources included so far */
  get size(): number {
    return this.rows.size;
  }
}

const ident = (type: ResourceType, row: Row): string => `${type.type}\u0000${idOf(type.table, row)}`;
