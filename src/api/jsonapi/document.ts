/**
 * Rows → JSON:API resource objects: attributes typed for JSON (booleans, numbers), to-one linkage
 * from the foreign key, links (absolute, as the spec's schema wants), and a checksum in `meta` —
 * the same value as the ETag — for optimistic locking without headers.
 */
import { createHash } from 'node:crypto';
import type { ColumnInfo, Row, Value } from '../../store/types.js';
import { idOf, type ApiModel, type Relationship, type ResourceType } from './model.js';

export interface ResourceIdentifier {
  type: string;
  id: string;
}

export interface ResourceObject extends ResourceIdentifier {
  attributes: Record<string, unknown>;
  relationships?: Record<string, { links: { self: string; related: string }; data?: ResourceIdentifier | ResourceIdentifier[] | null }>;
  links: { self: string };
  meta: { checksum: string };
}

/** a short, stable digest of a row's values: the ETag and `meta.checksum` */
export function checksum(row: Row): string {
  const hash = createHash('sha1');
  for (const k in row) {
    const v = row[k];
    hash.update(k).update('\u0000').update(v === null || v === undefined ? '\u0001' : v instanceof Uint8Array ? v : String(v)).update('\u0000');
  }
  return hash.digest('base64url').slice(0, 20);
}

export function jsonValue(col: ColumnInfo, v: Value | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (col.kind === 'boolean') return v === 1 || v === '1' || v === 'true' || v === 'TRUE';
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return v;
}

/** the id of the parent a to-one relationship points to, or null (undefined when the FK names non-key columns) */
export function toOneId(model: ApiModel, rel: Relationship, row: Row): string | null | undefined {
  const parent = model.types.get(rel.target)!.table;
  const values = rel.fk.childColumns.map((c) => row[c]);
  if (values.some((v) => v === null || v === undefined)) return null;
  if (rel.fk.parentColumns.join('\u0000') !== parent.primaryKey.join('\u0000')) return undefined;
  const key: Row = {};
  rel.fk.parentColumns.forEach((c, i) => (key[c] = values[i]!));
  return idOf(parent, key);
}

export class DocumentBuilder {
  constructor(
    private readonly model: ApiModel,
    /** "http://127.0.0.1:5656/api" */
    readonly base: string,
    private readonly fields: Map<string, Set<string>>,
  ) {}

  resource(type: ResourceType, row: Row, toMany?: Map<string, ResourceIdentifier[]>): ResourceObject {
    const id = idOf(type.table, row);
    const self = `${this.base}/${encodeURIComponent(type.type)}/${encodeURIComponent(id)}`;
    const only = this.fields.get(type.type);
    const attributes: Record<string, unknown> = {};
    for (const col of type.attributes) if (!only || only.has(col.name)) attributes[col.name] = jsonValue(col, row[col.name]);
    const relationships: NonNullable<ResourceObject['relationships']> = {};
    for (const rel of type.relationships.values()) {
      if (only && !only.has(rel.name)) continue;
      const r: NonNullable<ResourceObject['relationships']>[string] = { links: { self: `${self}/relationships/${rel.name}`, related: `${self}/${rel.name}` } };
      if (rel.kind === 'toOne') {
        const parentId = toOneId(this.model, rel, row);
        if (parentId !== undefined) r.data = parentId === null ? null : { type: rel.target, id: parentId };
      } else if (toMany?.has(rel.name)) {
        r.data = toMany.get(rel.name)!;
      }
      relationships[rel.name] = r;
    }
    return {
      type: type.type,
      id,
      attributes,
      ...(Object.keys(relationships).length ? { relationships } : {}),
      links: { self },
      meta: { checksum: checksum(row) },
    };
  }
}
