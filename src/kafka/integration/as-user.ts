/**
 * A consumer that applies messages as a user (`consume({ topic, mapping, user: 'b2b' })`): its
 * lookups find only the rows that user may see, and its writes pass the same checks as the
 * user's API requests — grants, column grants, every row named by a key visible — so a partner's
 * feed can place orders for its own accounts and nobody else's.
 */
import { getTableName, is, Table } from 'drizzle-orm';
import type { Mapping } from '../../mapping/mapping.js';
import { insertTree } from '../../mapping/mapping.js';
import type { TxApi } from '../../rules/dsl.js';
import type { UnitOfWork } from '../../rules/unit-of-work.js';
import type { Key, Row } from '../../store/types.js';
import { ApiError } from '../../api/jsonapi/errors.js';
import { idOf, type ResourceType } from '../../api/jsonapi/model.js';
import type { ApiContext, Scope } from '../../api/jsonapi/scope.js';
import { Writer } from '../../api/jsonapi/write.js';
import type { User } from '../../api/security/access.js';

export interface ConsumerSecurity {
  ctx: ApiContext;
  /** the project's user of that name (messages carry no password: the project names the user), or null */
  user(name: string): User | null;
}

/** the writes and reads of one message, as its user */
export class UserTx {
  readonly writer: Writer;

  constructor(
    private readonly scope: Scope,
    uow: UnitOfWork,
  ) {
    this.writer = new Writer(scope, uow);
  }

  insertMapped(mapping: Mapping, dict: unknown): Row {
    const tree = mapping.toRows(dict, this.scope.ctx.project.store.schema, (table, where, limit) => this.scope.find(table, where, limit));
    return insertTree(tree, (table, values) => this.writer.insert(this.scope.type(table), values, 'message'));
  }

  /** what a consumer function may do, through the user's grants */
  api(): TxApi {
    const type = (t: unknown): ResourceType => this.scope.type(is(t, Table) ? getTableName(t) : String(t));
    const id = (rt: ResourceType, key: unknown): string =>
      key !== null && typeof key === 'object' ? idOf(rt.table, key as Row) : String(key as Key);
    const api = {
      insert: (t: unknown, values: Row) => this.writer.insert(type(t), values, 'message'),
      update: (t: unknown, key: unknown, set: Row) => this.writer.update(type(t), id(type(t), key), set, 'message'),
      delete: (t: unknown, key: unknown) => this.writer.delete(type(t), id(type(t), key)),
      get: (t: unknown, key: unknown) => {
        try {
          return this.scope.visibleRow(type(t), id(type(t), key));
        } catch (e) {
          if (e instanceof ApiError && e.status === 404) return undefined;
          throw e;
        }
      },
      find: (t: unknown, where: Row) => this.scope.find(type(t).table.name, where, 10_000),
    };
    return api as unknown as TxApi;
  }
}
