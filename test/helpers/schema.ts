/** Schemas from different databases, made comparable */
import type { ForeignKey, Schema } from '../../src/store/types.js';

/**
 * A Schema as plain data, for comparing databases. Left out or evened out, the documented differences
 * (src/store/pg-introspect.ts): `declaredType` (each database's own spelling), primary-key columns
 * NOT NULL, and the order FKs are listed in (sorted by their columns here, as models.ts sorts them).
 */
export function comparableSchema(schema: Schema) {
  const fk = (f: ForeignKey) => ({ ...f }); // a plain copy: parents and children share the objects
  const byColumns = (a: ForeignKey, b: ForeignKey) =>
    `${a.childTable}.${a.childColumns}`.localeCompare(`${b.childTable}.${b.childColumns}`);
  return [...schema.tables.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t) => ({
      name: t.name,
      isView: t.isView,
      primaryKey: t.primaryKey,
      generatedKey: t.generatedKey,
      columns: t.columns.map(({ declaredType, ...c }) => ({ ...c, precision: c.precision ?? null, notNull: c.notNull || c.pk > 0 })),
      parents: [...t.parents].sort(byColumns).map(fk),
      children: [...t.children].sort(byColumns).map(fk),
    }));
}
