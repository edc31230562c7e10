/**
 * What a request/reply method reads when it runs as its caller: `get` and `find` through the
 * caller's row filters (the same lookup the API and as-user consumers use), each row with only the
 * columns the caller may read — a row they may not see is, to the method, not there. `sql` cannot be
 * filtered, so only a caller whose grants read every row and column of every table may use it.
 */
import { getTableName, is, Table } from 'drizzle-orm';
import type { Row } from '../../store/types.js';
import type { Scope } from '../../api/jsonapi/scope.js';
import { RpcError, type ReadApi } from './declare.js';

export function readAsCaller(scope: Scope, method: string, sql: ReadApi['sql']): ReadApi {
  const typeOf = (t: unknown) => scope.type(is(t, Table) ? getTableName(t) : String(t));
  const visible = (table: unknown, where: Row, limit: number): Row[] => {
    const type = typeOf(table);
    return scope.find(type.table.name, where, limit).map((row) => scope.visibleValues(type, row));
  };
  return {
    get: (t, key) => {
      const { table } = typeOf(t);
      const where: Row =
        table.primaryKey.length === 1 && (typeof key !== 'object' || key === null)
          ? { [table.primaryKey[0]!]: key as never }
          : (key as Row);
      return visible(t, where, 1)[0] as never;
    },
    find: (t, where, limit = 1000) => visible(t, where as Row, limit) as never,
    sql: (query, ...params) => {
      if (!readsEverything(scope))
        throw new RpcError(
          403,
          `${method}: ${scope.user?.name ?? 'this caller'} may not run SQL here: raw SQL cannot be limited to the rows and columns their grants let them read (use db.get and db.find, which are)`,
        );
      return sql(query, ...params);
    },
  };
}

/** every row and column of every table: grants that limit nothing for reading (security off, an admin) */
function readsEverything(scope: Scope): boolean {
  for (const type of scope.model.types.values()) {
    if (!scope.may(type, 'read') || scope.access(type, 'read').length > 0 || scope.readable(type) !== null) return false;
  }
  return true;
}
