/**
 * Rows → JSON:API resource objects: attributes typed for JSON (booleans, numbers), to-one linkage
 * from the foreign key, links (absolute, as the spec's schema wants), and a checksum in `meta` —
 * the same value as the ETag — for optimistic locking without headers.
 */
import type { ColumnInfo, Row, Value } from '../../store/types.js';
import { idOf, type ApiModel, type Relationship, type ResourceType } from './model.js';

export interface ResourceIdentifier {
  type: string;
  id: string;
}

export interface ResourceObject extends ResourceIdentifier {
  attributes: Record<string, unknown>;
  relationships?: Record<string, { links?: { self?: string; related: string }; data?: ResourceIdentifier | ResourceIdentifier[] | null }>;
  /** absent for a row with no address (a view, a table without a key) */
  links?: { self: string };
  meta: { checksum: string };
}

/**
 * A short, stable digest of a row's values: the ETag and `meta.checksum`. Optimistic locking needs
 * "did this row change", not secrecy, so a fast 64-bit hash (two 32-bit lanes) over the values does;
 * it runs for every resource of every answer.
 */
export function checksum(row: Row): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const k in row) {
    const v = row[k];
    const text =
      v === null || v === undefined
        ? '\u0001'
        : v instanceof Uint8Array
          ? Buffer.from(v).toString('base64')
          : typeof v === 'string'
            ? v
            : String(v);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    h1 = Math.imul(h1 ^ 0x1f, 0x01000193);
    h2 = Math.imul(h2 ^ 0x1f, 0x5bd1e995);
  }
  return (h1 >>> 0).toString(36).padStart(7, '0') + (h2 >>> 0).toString(36).padStart(7, '0');
}

export function jsonValue(col: ColumnInfo, v: Value | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (col.kind === 'boolean') {
    // 0/1 (and the words) are booleans; anything else SQLite was given ('yes', 2) is served as stored
    if (v === 1 || v === '1' || v === 'true' || v === 'TRUE') return true;
    if (v === 0 || v === '0' || v === 'false' || v === 'FALSE') return false;
  }
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return v;
}

/** the id of the parent a to-one relationship points to, or null (undefined when the FK names non-key columns) */
export function toOneId(model: ApiModel, rel: Relationship, row: Row): string | null | undefined {
  const child = rel.fk.childColumns;
  if (child.length === 1) {
    const v = row[child[0]!];
    if (v === null || v === undefined) return null;
    return rel.toPrimaryKey ? String(v) : undefined;
  }
  const values = child.map((c) => row[c]);
  if (values.some((v) => v === null || v === undefined)) return null;
  if (!rel.toPrimaryKey) return undefined;
  const key: Row = {};
  rel.fk.parentColumns.forEach((c, i) => {
    key[c] = values[i]!;
  });
  return idOf(model.types.get(rel.target)!.table, key);
}

/** where a relationship's data lives (its relationship URL, /relationships/<name>, follows by convention) */
const relLinks = (self: string, name: string) => ({ related: `${self}/${name}` });

export class DocumentBuilder {
  constructor(
    private readonly model: ApiModel,
    /** "http://127.0.0.1:5656/api" */
    readonly base: string,
    private readonly fields: Map<string, Set<string>>,
    /** the columns the reader may see, per type (null: all) */
    private readonly readable: (type: ResourceType) => ReadonlySet<string> | null = () => null,
  ) {}

  resource(type: ResourceType, row: Row, toMany?: Map<string, ResourceIdentifier[]>): ResourceObject {
    const id = idOf(type.table, row);
    const self = `${this.base}/${type.path}/${encodeURIComponent(id)}`;
    const only = this.fields.get(type.type);
    const visible = this.readable(type);
    const attributes: Record<string, unknown> = {};
    for (const col of type.attributes) {
      const member = type.memberOf.get(col.name)!;
      if ((!only || only.has(member)) && (!visible || visible.has(col.name))) attributes[member] = jsonValue(col, row[col.name]);
    }
    const relationships: NonNullable<ResourceObject['relationships']> = {};
    for (const rel of type.relationships.values()) {
      if (only && !only.has(rel.name)) continue;
      // a to-one link shows its foreign key: hidden when those columns are
      if (visible && rel.kind === 'toOne' && !rel.fk.childColumns.every((c) => visible.has(c))) continue;
      if (rel.kind === 'toOne') {
        // the linkage says where to go; links only when the key does not name the parent's id
        const parentId = toOneId(this.model, rel, row);
        relationships[rel.name] =
          parentId === undefined
            ? { links: relLinks(self, rel.name) }
            : { data: parentId === null ? null : { type: rel.target, id: parentId } };
      } else {
        const links = relLinks(self, rel.name);
        relationships[rel.name] = toMany?.has(rel.name) ? { links, data: toMany.get(rel.name)! } : { links };
      }
    }
    return {
      type: type.type,
      id,
      attributes,
      ...(Object.keys(relationships).length ? { relationships } : {}),
      // a row of a view or a keyless table has no address to link to
      ...(type.table.primaryKey.length ? { links: { self } } : {}),
      meta: { checksum: checksum(visible ? visibleValues(row, visible) : row) },
    };
  }
}

/** the row without the columns a reader may not see (their changes must not show in the checksum either) */
export function visibleValues(row: Row, visible: ReadonlySet<string> | null): Row {
  if (!visible) return row;
  const out: Row = {};
  for (const k in row) if (visible.has(k)) out[k] = row[k]!;
  return out;
}
