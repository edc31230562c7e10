/**
 * The atomic-operations extension (https://jsonapi.org/ext/atomic): several operations — an Order and
 * its items — committed as one transaction through the rules, or none at all.
 *
 *   POST /api/operations
 *   Content-Type: application/vnd.api+json; ext="https://jsonapi.org/ext/atomic"
 *   {"atomic:operations": [
 *     {"op": "add", "data": {"type": "Order", "lid": "o", "attributes": {…}, "relationships": {"Customer": {"data": {"type": "Customer", "id": "ALFKI"}}}}},
 *     {"op": "add", "data": {"type": "OrderDetail", "attributes": {"Quantity": 2}, "relationships": {"Order": {"data": {"type": "Order", "lid": "o"}}, …}}}
 *   ]}
 */
import { describe } from '../../bounded-json.js';
import type { Row } from '../../store/types.js';
import type { ResourceObject } from './document.js';
import { ApiError, badMember } from './errors.js';
import { idOf, type ResourceType } from './model.js';
import { JSONAPI } from './read.js';
import type { Scope } from './scope.js';
import { selectRows } from './sql.js';
import { limitHint } from '../limits.js';
import { fkValues, isObject, linkage, parseResource, transactSliced } from './write.js';
import { Slicer } from '../../slicer.js';

interface Done {
  type: ResourceType;
  row: Row | null;
}

/**
 * Runs the operations as one transaction, a few milliseconds at a time (a request at the operations
 * cap is tens of milliseconds of rules): other clients' requests are answered between the slices.
 */
export async function atomic(
  scope: Scope,
  body: unknown,
): Promise<{ 'atomic:results': { data?: ResourceObject }[]; jsonapi: typeof JSONAPI }> {
  if (!isObject(body) || !Array.isArray(body['atomic:operations']))
    throw badMember('', 'an atomic request is {"atomic:operations": [ … ]}');
  const ops = body['atomic:operations'] as unknown[];
  if (ops.length === 0) throw badMember('/atomic:operations', 'give at least one operation');
  if (ops.length > scope.limits.operations)
    throw badMember('/atomic:operations', `${ops.length} operations in one request; ${limitHint('operations', scope.limits.operations)}`);
  const lids = new Map<string, Row>();
  const done: Done[] = [];
  let running = '/atomic:operations';
  /** where each operation's steps begin in the trace: a refusal found at commit is pinned on the operation that last changed its row */
  const firstStep: number[] = [];
  await scope.ctx.project.engine.turns.run(() =>
    transactSliced(
      scope,
      async (w, pause) => {
        for (const [i, raw] of ops.entries()) {
          await pause();
          const at = `/atomic:operations/${i}`;
          running = at;
          firstStep[i] = w.uow.trace.steps.length;
          if (!isObject(raw)) throw badMember(at, 'an operation is {"op": "add" | "update" | "remove", …}');
          const op = raw.op;
          const ref = isObject(raw.ref) ? raw.ref : undefined;
          if (ref?.relationship !== undefined) {
            const type = scope.type(String(ref.type));
            const id = refId(ref, lids, type, at);
            const rel = type.relationships.get(String(ref.relationship));
            if (!rel) throw badMember(`${at}/ref/relationship`, `${type.type} has no relationship ${String(ref.relationship)}`);
            const idents = linkage(scope, rel, raw.data, `${at}/data`, lids);
            if (rel.kind === 'toOne') {
              if (op !== 'update')
                throw new ApiError(403, 'forbidden', 'Forbidden', `${at}: a to-one relationship is changed with "update"`);
              w.update(type, id, fkValues(scope, rel, idents[0] ?? null, `${at}/data`, lids), `${at}/data`);
            } else {
              const ids = idents.map((x) =>
                x.id.startsWith('\u0000lid:')
                  ? { type: x.type, id: idOf(scope.type(x.type).table, lids.get(`${x.type}\u0000${x.id.slice(5)}`)!) }
                  : x,
              );
              w.relink(type, id, rel, ids, op === 'add' ? 'add' : op === 'remove' ? 'remove' : 'replace');
            }
            done.push({ type, row: null });
            continue;
          }
          if (op === 'add') {
            if (!isObject(raw.data)) throw badMember(`${at}/data`, '"add" needs data: a resource object');
            const type = scope.type(String(raw.data.type));
            const input = parseResource(scope, type, raw.data, `${at}/data`, 'create', lids);
            const row = w.insert(type, input.values, `${at}/data`);
            if (typeof raw.data.lid === 'string') lids.set(`${type.type}\u0000${raw.data.lid}`, row);
            done.push({ type, row });
          } else if (op === 'update') {
            const data = raw.data;
            if (!isObject(data)) throw badMember(`${at}/data`, '"update" needs data: a resource object with its id');
            const type = scope.type(String(data.type));
            const id = refId(ref ?? data, lids, type, ref ? `${at}/ref` : `${at}/data`);
            const input = parseResource(scope, type, data, `${at}/data`, 'update', lids);
            const row = w.update(type, id, input.values, `${at}/data`, { checksum: input.checksum });
            for (const m of input.toMany) w.relink(type, id, m.rel, m.ids, 'replace');
            done.push({ type, row });
          } else if (op === 'remove') {
            if (!ref) throw badMember(`${at}/ref`, '"remove" needs ref: {"type", "id"}');
            const type = scope.type(String(ref.type));
            w.delete(type, refId(ref, lids, type, `${at}/ref`));
            done.push({ type, row: null });
          } else {
            throw badMember(`${at}/op`, `unknown op ${describe(op)}; use add, update or remove`);
          }
        }
      },
      // a bad member points at the running operation's data; a rule's refusal at the operation that last changed the refused row
      (e, trace) => {
        if (e.kind === 'bad-input') return `${running}/data`;
        const key = JSON.stringify(e.key);
        const step = trace.findLastIndex((s) => s.kind !== 'constraint' && s.table === e.table && JSON.stringify(s.key) === key);
        const op = step < 0 ? -1 : firstStep.findLastIndex((start) => start <= step);
        return op < 0 ? running : `/atomic:operations/${op}`;
      },
    ),
  );
  return { jsonapi: JSONAPI, 'atomic:results': await results(scope, done) };
}

/** each operation's result: the resource as the rules left it, read back a slice at a time */
async function results(scope: Scope, done: Done[]): Promise<{ data?: ResourceObject }[]> {
  const slicer = new Slicer();
  const docs = scope.documents();
  const out: { data?: ResourceObject }[] = [];
  for (const d of done) {
    await slicer.pause();
    if (!d.row) {
      out.push({});
      continue;
    }
    const pk = d.type.table.primaryKey;
    const fresh = scope.rows(
      selectRows(d.type, { dialect: scope.dialect, filters: [], keys: { columns: pk, tuples: [pk.map((c) => d.row![c]!)] } }),
    )[0];
    out.push(
      fresh ? { data: docs.resource(d.type, fresh) } : { data: { type: d.type.type, id: idOf(d.type.table, d.row) } as ResourceObject },
    );
  }
  return out;
}

function refId(ref: Record<string, unknown>, lids: Map<string, Row>, type: ResourceType, at: string): string {
  if (typeof ref.id === 'string') return ref.id;
  if (typeof ref.lid === 'string') {
    const row = lids.get(`${type.type}\u0000${ref.lid}`);
    if (!row) throw badMember(`${at}/lid`, `lid "${ref.lid}" names no ${type.type} added by an earlier operation`);
    return idOf(type.table, row);
  }
  throw badMember(at, 'say which resource: {"type", "id"} (or "lid")');
}
