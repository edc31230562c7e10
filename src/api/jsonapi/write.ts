/**
 * Writing: POST, PATCH, DELETE on resources and relationships. Each request is one transaction
 * through the rules engine; the response carries what the rules derived. Row security is checked
 * before (the target must be visible) and after (the row must still be the user's), and only for
 * the rows the client asked to change — what the rules change in consequence is system work.
 */
import { describe } from '../../bounded-json.js';
import type { Row, Value } from '../../store/types.js';
import type { TxError, TxOp, TxOutcome } from '../../rules/engine.js';
import type { UnitOfWork } from '../../rules/unit-of-work.js';
import type { TraceStep } from '../../rules/trace.js';
import type { Action } from '../security/access.js';
import { checksum, type ResourceIdentifier } from './document.js';
import { ApiError, badMember, forbidden, fromTxError, notFound } from './errors.js';
import { idOf, keyOf, type Relationship, type ResourceType } from './model.js';
import type { Scope } from './scope.js';
import { selectRows } from './sql.js';

export interface ResourceInput {
  type: ResourceType;
  id?: string;
  values: Row;
  /** to-many relationships to replace (PATCH) */
  toMany: { rel: Relationship; ids: ResourceIdentifier[] }[];
  checksum?: string;
}

/** The `data` of a POST/PATCH body, checked member by member against the resource model. */
export function parseResource(
  scope: Scope,
  type: ResourceType,
  data: unknown,
  pointer: string,
  mode: 'create' | 'update',
  lids?: Map<string, Row>,
): ResourceInput {
  if (!isObject(data)) throw badMember(pointer, `${pointer || 'the document'} must be a resource object {"type": "${type.type}", …}`);
  if (data.type === undefined) throw badMember(`${pointer}/type`, `a resource object needs "type": "${type.type}"`);
  if (data.type !== type.type)
    throw new ApiError(
      409,
      'type-mismatch',
      'Conflict',
      `${pointer}/type is ${describe(data.type)}, but this endpoint takes ${type.type}`,
      { pointer: `${pointer}/type` },
    );
  for (const k of Object.keys(data)) {
    if (!['type', 'id', 'lid', 'attributes', 'relationships', 'meta', 'links'].includes(k))
      throw badMember(`${pointer}/${k}`, `a resource object has no member ${k}`);
  }
  if (data.id !== undefined && typeof data.id !== 'string') throw badMember(`${pointer}/id`, 'id must be a string');
  const values: Row = {};
  if (data.id !== undefined && mode === 'create') {
    const key = keyOf(type.table, data.id);
    if (!key) throw badMember(`${pointer}/id`, `"${data.id}" is not a valid id for ${type.type} (${type.table.primaryKey.join(', ')})`);
    Object.assign(values, key);
  }
  if (data.attributes !== undefined) {
    if (!isObject(data.attributes)) throw badMember(`${pointer}/attributes`, 'attributes must be an object');
    for (const [name, value] of Object.entries(data.attributes)) {
      const col = type.attributesByName.get(name);
      if (!col) throw badMember(`${pointer}/attributes/${name}`, `${type.type} has no attribute ${name}`, 'unknown-attribute');
      if (col.generated)
        throw badMember(
          `${pointer}/attributes/${name}`,
          `${type.type}.${name} is computed by the database (GENERATED ALWAYS); leave it out`,
          'read-only-attribute',
        );
      if (value !== null && typeof value === 'object')
        throw badMember(
          `${pointer}/attributes/${name}`,
          `${type.type}.${name} takes a single value, not ${Array.isArray(value) ? 'a list' : 'an object'}`,
          'type',
        );
      if (col.pk && values[col.name] !== undefined && values[col.name] !== value)
        throw badMember(`${pointer}/attributes/${name}`, `attributes.${name} (${describe(value)}) contradicts the id`);
      values[col.name] = value as Value;
    }
  }
  const toMany: ResourceInput['toMany'] = [];
  if (data.relationships !== undefined) {
    if (!isObject(data.relationships)) throw badMember(`${pointer}/relationships`, 'relationships must be an object');
    for (const [name, rv] of Object.entries(data.relationships)) {
      const at = `${pointer}/relationships/${name}`;
      const rel = type.relationships.get(name);
      if (!rel) throw badMember(at, `${type.type} has no relationship ${name}`, 'unknown-relationship');
      if (!isObject(rv) || !('data' in rv)) throw badMember(at, `a relationship needs {"data": …}`);
      const ids = linkage(scope, rel, rv.data, `${at}/data`, lids);
      if (rel.kind === 'toOne') Object.assign(values, fkValues(scope, rel, ids[0] ?? null, `${at}/data`, lids));
      else if (mode === 'create')
        throw forbidden(
          `${name} cannot be set when creating ${type.type}: create the ${rel.target} rows with this ${type.type} instead (or use atomic operations)`,
        );
      else toMany.push({ rel, ids });
    }
  }
  const meta = isObject(data.meta) ? data.meta : undefined;
  return {
    type,
    id: data.id as string | undefined,
    values,
    toMany,
    checksum: typeof meta?.checksum === 'string' ? meta.checksum : undefined,
  };
}

/** resource identifiers of a relationship's data, checked (type, shape; arity by kind) */
export function linkage(scope: Scope, rel: Relationship, data: unknown, pointer: string, lids?: Map<string, Row>): ResourceIdentifier[] {
  if (rel.kind === 'toOne') {
    if (data === null) return [];
    return [identifier(rel, data, pointer, lids)];
  }
  if (!Array.isArray(data)) throw badMember(pointer, `${rel.name} is to-many: data must be a list of {"type", "id"}`);
  return data.map((d, i) => identifier(rel, d, `${pointer}/${i}`, lids));
}

function identifier(rel: Relationship, d: unknown, pointer: string, lids?: Map<string, Row>): ResourceIdentifier {
  if (!isObject(d) || typeof d.type !== 'string' || (typeof d.id !== 'string' && typeof d.lid !== 'string'))
    throw badMember(pointer, 'a resource identifier is {"type": …, "id": "…"}');
  if (d.type !== rel.target)
    throw new ApiError(409, 'type-mismatch', 'Conflict', `${rel.name} holds ${rel.target}, not ${d.type}`, { pointer: `${pointer}/type` });
  if (typeof d.id === 'string') return { type: d.type, id: d.id };
  const row = lids?.get(`${d.type}\u0000${d.lid}`);
  if (!row) throw badMember(`${pointer}/lid`, `lid "${d.lid}" names no ${d.type} added by an earlier operation`);
  return { type: d.type, id: `\u0000lid:${d.lid}` };
}

/** the foreign key columns a to-one identifier sets (after checking the target exists and is visible) */
export function fkValues(scope: Scope, rel: Relationship, ident: ResourceIdentifier | null, pointer: string, lids?: Map<string, Row>): Row {
  const out: Row = {};
  if (ident === null) {
    for (const c of rel.fk.childColumns) out[c] = null;
    return out;
  }
  const target = scope.type(rel.target);
  let row: Row | undefined;
  if (ident.id.startsWith('\u0000lid:')) row = lids?.get(`${ident.type}\u0000${ident.id.slice(5)}`);
  else {
    try {
      row = scope.visibleRow(target, ident.id);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) throw missingParent(target, ident.id, pointer);
      throw e;
    }
  }
  rel.fk.childColumns.forEach((c, i) => {
    out[c] = row![rel.fk.parentColumns[i]!] ?? null;
  });
  return out;
}

/** If-Match (header) or meta.checksum (body) must match the row as it is now */
export function checkVersion(row: Row, ifMatch: string | undefined, bodyChecksum: string | undefined, what: string): void {
  const current = checksum(row);
  if (ifMatch !== undefined && ifMatch.trim() !== '*') {
    const tags = ifMatch.split(',').map((t) =>
      t
        .trim()
        .replace(/^W\//, '')
        .replace(/^"(.*)"$/, '$1'),
    );
    if (!tags.includes(current))
      throw new ApiError(
        412,
        'stale',
        'Precondition failed',
        `${what} changed since you read it (If-Match ${ifMatch}, now "${current}"); fetch it again`,
        { header: 'If-Match' },
      );
  }
  if (bodyChecksum !== undefined && bodyChecksum !== current) {
    throw new ApiError(
      412,
      'stale',
      'Precondition failed',
      `${what} changed since you read it (meta.checksum ${bodyChecksum}, now ${current}); fetch it again`,
      { pointer: '/data/meta/checksum' },
    );
  }
}

/** where a refusal points — a function for atomic requests, whose operation running at the time is the culprit */
type PointerBase = string | ((e: TxError, trace: TraceStep[]) => string);

/**
 * Runs `fn` as one engine transaction for the API. Row security after the fact is checked for the
 * rows `fn` reports through `mustStayVisible`, before commit. The caller holds a write turn
 * (engine.turns); inside, the request reads through the write connection, so it sees its own writes.
 */
export function transact<T>(scope: Scope, fn: (w: Writer) => T, pointerBase: PointerBase = '/data'): T {
  let result: T | undefined;
  let writer: Writer | undefined;
  const { engine, store } = scope.ctx.project;
  const outcome = scope.readingFrom(store, () =>
    engine.transaction(
      (uow) => {
        writer = new Writer(scope, uow);
        result = fn(writer);
      },
      { origin: 'api', user: scope.user, beforeCommit: () => writer!.checkAfter() },
    ),
  );
  if (!outcome.ok) throw refusal(outcome, pointerBase);
  return result as T;
}

/** as transact, for a long `fn` (an atomic request) that calls `pause()` between its steps so it stalls no one */
export async function transactSliced<T>(
  scope: Scope,
  fn: (w: Writer, pause: () => Promise<void>) => Promise<T>,
  pointerBase: PointerBase,
): Promise<T> {
  let result: T | undefined;
  let writer: Writer | undefined;
  const { engine, store } = scope.ctx.project;
  const outcome = await scope.readingFrom(store, () =>
    engine.transactionSliced(
      async (uow, pause) => {
        writer = new Writer(scope, uow);
        result = await fn(writer, pause);
      },
      { origin: 'api', user: scope.user, beforeCommit: () => writer!.checkAfter() },
    ),
  );
  if (!outcome.ok) throw refusal(outcome, pointerBase);
  return result as T;
}

function refusal(outcome: TxOutcome, pointerBase: PointerBase): ApiError {
  const e = outcome.error!;
  return fromTxError(e, outcome.tx, typeof pointerBase === 'string' ? pointerBase : pointerBase(e, outcome.trace));
}

/** The writes a request makes, each checked against the user's grants. */
export class Writer {
  /** rows the user wrote, to check once the rules have run: they must still be inside the user's grants */
  private readonly post: { type: ResourceType; row: Row; action: Action }[] = [];

  constructor(
    private readonly scope: Scope,
    readonly uow: UnitOfWork,
  ) {}

  /** before commit: every row the user inserted or updated is still one they may insert or update (throws 403) */
  checkAfter(): void {
    const scope = this.scope;
    for (const p of this.post) {
      const filters = scope.access(p.type, p.action);
      if (filters.length === 0) continue;
      const key = p.type.table.primaryKey.map((c) => p.row[c]!);
      if (
        !scope.rows(selectRows(p.type, { dialect: scope.dialect, filters, keys: { columns: p.type.table.primaryKey, tuples: [key] } }))
          .length
      ) {
        throw forbidden(
          `${scope.user?.name ?? 'this user'} may not ${p.action === 'insert' ? 'create' : 'change'} ${p.type.type} ${idOf(p.type.table, p.row)} that way: it would fall outside what they may ${p.action}`,
        );
      }
    }
  }

  insert(type: ResourceType, values: Row, pointer: string): Row {
    if (type.readOnly) throw forbidden(`${type.type} is read-only (${type.table.isView ? 'a view' : 'it has no primary key'})`);
    const rowsLimited = this.scope.access(type, 'insert').length > 0;
    this.checkColumns(type, 'insert', values, undefined, pointer);
    const key = generatedKey(type);
    // a chosen id would tell a user whether a row they may not see exists (409 or 201): ids are the database's
    if (rowsLimited && key && values[key] !== undefined && values[key] !== null)
      throw forbidden(`ids of ${type.type} are assigned by the database: leave ${type.memberOf.get(key) ?? 'id'} out`, {
        pointer: `${pointer}/${type.memberOf.has(key) ? `attributes/${type.memberOf.get(key)}` : 'id'}`,
      });
    this.checkParents(type, values, undefined, pointer);
    const row = this.uow.applyOp({ insert: type.table.name, values } as TxOp, pointer)!;
    this.post.push({ type, row, action: 'insert' });
    return row;
  }

  update(type: ResourceType, id: string, values: Row, pointer: string, version?: { ifMatch?: string; checksum?: string }): Row {
    if (type.readOnly) throw forbidden(`${type.type} is read-only`);
    const before = this.scope.visibleRow(type, id, 'update');
    if (version) checkVersion(this.scope.visibleValues(type, before), version.ifMatch, version.checksum, `${type.type} ${id}`);
    this.checkColumns(type, 'update', values, before, pointer);
    this.checkParents(type, values, before, pointer);
    const key: Row = {};
    for (const c of type.table.primaryKey) key[c] = before[c]!;
    const row = this.uow.applyOp({ update: type.table.name, key, set: values } as TxOp, pointer)!;
    this.post.push({ type, row, action: 'update' });
    return row;
  }

  delete(type: ResourceType, id: string, version?: { ifMatch?: string }): void {
    if (type.readOnly) throw forbidden(`${type.type} is read-only`);
    const before = this.scope.visibleRow(type, id, 'delete');
    if (version) checkVersion(this.scope.visibleValues(type, before), version.ifMatch, undefined, `${type.type} ${id}`);
    const key: Row = {};
    for (const c of type.table.primaryKey) key[c] = before[c]!;
    this.uow.applyOp({ delete: type.table.name, key } as TxOp, '/data');
  }

  /**
   * Column grants: a write that sets a column the user may not set is refused, naming it (an update
   * that sends a column back unchanged is not setting it: clients send whole resources).
   */
  private checkColumns(type: ResourceType, action: 'insert' | 'update', values: Row, before: Row | undefined, pointer: string): void {
    const allowed = this.scope.writable(type, action);
    if (!allowed) return;
    for (const [c, v] of Object.entries(values)) {
      if (allowed.has(c) || (before && sameValue(before[c], v))) continue;
      const member = type.memberOf.get(c) ?? c;
      throw forbidden(`${this.scope.user?.name ?? 'this user'} may not ${action === 'insert' ? 'set' : 'change'} ${type.type}.${member}`, {
        pointer: `${pointer}/${type.memberOf.has(c) ? `attributes/${member}` : 'id'}`,
      });
    }
  }

  /**
   * Every row a write names by key must be one the user may see: a foreign key set as an attribute
   * is checked like one set through a relationship, and a row they may not see is answered as a row
   * that does not exist — before any rule runs, so no rule's refusal can tell them about it.
   */
  private checkParents(type: ResourceType, values: Row, before: Row | undefined, pointer: string): void {
    if (!this.scope.user) return;
    for (const rel of type.relationships.values()) {
      if (rel.kind !== 'toOne' || !rel.fk.childColumns.some((c) => c in values)) continue;
      const tuple = rel.fk.childColumns.map((c) => (c in values ? values[c] : before?.[c]) ?? null);
      if (tuple.includes(null)) continue;
      const target = this.scope.type(rel.target);
      const filters = this.scope.may(target, 'read') ? this.scope.access(target, 'read') : [false as const];
      if (filters.length === 0) continue; // every row is visible: the rules' own integrity check answers for missing ones
      const keys = { columns: rel.fk.parentColumns, tuples: [tuple as Value[]] };
      if (this.scope.rows(selectRows(target, { dialect: this.scope.dialect, filters, keys, page: { offset: 0, limit: 1 } })).length)
        continue;
      const c = rel.fk.childColumns.find((x) => x in values)!;
      const member = type.memberOf.get(c);
      throw missingParent(target, tuple.join(','), `${pointer}/${member ? `attributes/${member}` : 'id'}`);
    }
  }

  /** to-many replacement/addition/removal, done by setting each child's foreign key */
  relink(
    parentType: ResourceType,
    parentId: string,
    rel: Relationship,
    ids: ResourceIdentifier[],
    how: 'replace' | 'add' | 'remove',
  ): void {
    const parent = this.scope.visibleRow(parentType, parentId, 'update');
    const child = this.scope.type(rel.target);
    const parentKey = rel.fk.parentColumns.map((c) => parent[c]!);
    const wanted = new Set(ids.map((i) => i.id));
    const current = this.scope
      .rows(
        selectRows(child, {
          dialect: this.scope.dialect,
          filters: this.scope.access(child, 'read'),
          keys: { columns: rel.fk.childColumns, tuples: [parentKey] },
        }),
      )
      .map((r) => idOf(child.table, r));
    const attach = how === 'remove' ? [] : [...wanted].filter((id) => !current.includes(id));
    const detach = how === 'add' ? [] : how === 'remove' ? current.filter((id) => wanted.has(id)) : current.filter((id) => !wanted.has(id));
    const set = (values: Value[]): Row => Object.fromEntries(rel.fk.childColumns.map((c, i) => [c, values[i]!]));
    if (detach.length) {
      const required = rel.fk.childColumns.filter((c) => child.table.columnsByName.get(c)!.notNull);
      if (required.length)
        throw forbidden(
          `${child.type}.${required.join('+')} is required, so a ${child.type} cannot be removed from its ${parentType.type}; delete it, or move it to another ${parentType.type}`,
        );
    }
    for (const id of attach) {
      try {
        this.update(child, id, set(parentKey), '/data');
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) throw notFound(`${child.type} ${id} does not exist`);
        throw e;
      }
    }
    for (const id of detach) this.update(child, id, set(rel.fk.childColumns.map(() => null)), '/data');
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** 404 for a row a write names that does not exist — or that the user may not see: the same words */
function missingParent(target: ResourceType, id: string, pointer: string): ApiError {
  return new ApiError(404, 'not-found', 'Not found', `${target.type} ${id} does not exist`, { pointer });
}

/** the one-column integer key SQLite assigns (INTEGER PRIMARY KEY), or undefined */
function generatedKey(type: ResourceType): string | undefined {
  const pk = type.table.primaryKey;
  if (pk.length !== 1) return undefined;
  const col = type.table.columnsByName.get(pk[0]!);
  return col && /^INTEGER$/i.test(col.declaredType.trim()) ? col.name : undefined;
}

/** the value a client sent back equals the stored one (JSON numbers against stored text, booleans against 0/1) */
function sameValue(stored: Value | undefined, sent: Value): boolean {
  if (stored === sent) return true;
  if (stored === null || stored === undefined || sent === null) return false;
  if (typeof sent === 'boolean') return Number(stored) === (sent ? 1 : 0);
  const a = Number(stored);
  const b = Number(sent);
  if (typeof stored !== 'string' || typeof sent !== 'string') return Number.isFinite(a) && a === b;
  return String(stored) === String(sent);
}
