/**
 * The Tables pane as a user sees the API: the rows and columns their grants allow, decided by the
 * API's own Scope (grants.ts row filters, column lists, global filters) and rendered to SQL by the
 * API's own sql.ts — nothing here decides who may see what, so the table browser and GET /api/…
 * cannot disagree. The SQL is the project's database's (scope.dialect), its placeholders `?` in
 * order, as the pane's other conditions (filter.ts), which it is joined with.
 */
import type { Scope } from '../../api/jsonapi/scope.js';
import { selectRows } from '../../api/jsonapi/sql.js';
import type { Dialect } from '../../store/dialect.js';
import type { TableInfo } from '../../store/types.js';
import type { RowSecurity } from './source.js';

export function rowSecurity(scope: Scope): RowSecurity {
  const typeOf = (table: string) => scope.ctx.model.byTable.get(table);
  // the pane numbers the placeholders once its whole statement is known (sync-reader.ts)
  const dialect: Dialect = { ...scope.dialect, param: () => '?' };
  const q = dialect.q;
  const NO_ROWS = { sql: dialect.false, params: [] };
  return {
    user: scope.user?.name ?? '',
    rows(table: TableInfo) {
      const type = typeOf(table.name);
      if (!type || !scope.may(type, 'read')) return NO_ROWS;
      const filters = scope.access(type, 'read');
      if (filters.length === 0) return null;
      // the rows the API would list, matched to the pane's own (unaliased) table by key
      const visible = selectRows(type, { dialect, filters });
      const self = q(table.name);
      if (table.primaryKey.length) {
        const key = table.primaryKey.map(q).join(', ');
        return { sql: `(${key}) IN (SELECT ${key} FROM (${visible.sql}) v)`, params: visible.params };
      }
      const same = table.columns.map((c) => `NOT (${dialect.distinct(`v.${q(c.name)}`, `${self}.${q(c.name)}`)})`).join(' AND ');
      return { sql: `EXISTS (SELECT 1 FROM (${visible.sql}) v WHERE ${same})`, params: visible.params };
    },
    columns(table, action) {
      const type = typeOf(table);
      if (!type) return new Set();
      return action === 'read' ? scope.readable(type) : scope.writable(type, action);
    },
  };
}
