/**
 * One request's view of the API: the project, the resource model, who is asking, and what they
 * may see — the row filters their roles impose, resolved to the same filter paths query
 * parameters use.
 */
import type { OpenProject } from '../../project/load.js';
import type { Row, Value } from '../../store/types.js';
import { decide, type Action, type SecurityConfig, type User } from '../security/access.js';
import { DocumentBuilder } from './document.js';
import { ApiError, forbidden, notFound } from './errors.js';
import { keyOf, type ApiModel, type ResourceType } from './model.js';
import { resolvePath, type Filter } from './query.js';
import { selectRows } from './sql.js';

export interface ApiContext {
  project: OpenProject;
  model: ApiModel;
  security: SecurityConfig;
}

export class Scope {
  constructor(
    readonly ctx: ApiContext,
    /** null: security is off, or the call is the system's own (custom endpoint logic) */
    readonly user: User | null,
    /** absolute base of the API's links: "http://127.0.0.1:5656/api" */
    readonly base: string,
  ) {}

  get model(): ApiModel {
    return this.ctx.model;
  }

  type(name: string): ResourceType {
    // the table's own name is understood too (/api/Order%20Details for OrderDetails)
    const type = this.ctx.model.types.get(name) ?? this.ctx.model.byTable.get(name);
    if (!type)
      throw new ApiError(
        404,
        'unknown-type',
        'Not found',
        `there is no resource type ${name}; the API serves ${[...this.ctx.model.types.keys()].join(', ')}`,
      );
    return type;
  }

  /** the row filters for `action` on `type`; throws 403 when not granted at all */
  access(type: ResourceType, action: Action): Filter[] {
    const d = decide(this.ctx.security, this.user, type.table.name, action);
    if (!d.allowed) throw forbidden(`${this.user?.name ?? 'this user'} may not ${action} ${type.type}`);
    return Object.entries(d.where).map(([path, value]) => ({
      ...resolvePath(path, type, this.ctx.model, `security of ${type.type}`),
      op: 'eq' as const,
      value,
    }));
  }

  /** whether `action` is granted at all, without throwing */
  may(type: ResourceType, action: Action): boolean {
    return decide(this.ctx.security, this.user, type.table.name, action).allowed;
  }

  documents(fields: Map<string, Set<string>> = new Map()): DocumentBuilder {
    return new DocumentBuilder(this.ctx.model, this.base, fields);
  }

  rows(sql: { sql: string; params: Value[] }): Row[] {
    return this.ctx.project.store.all(sql.sql, sql.params);
  }

  /** the row with this id if the user may see it (`action` decides whose filters apply), else 404 */
  visibleRow(type: ResourceType, id: string, action: Action = 'read'): Row {
    if (type.table.primaryKey.length === 0)
      throw notFound(`${type.type} has no primary key, so its rows have no address; list them (GET /${type.type}) with filters`);
    const key = keyOf(type.table, id);
    if (!key)
      throw notFound(
        `${type.type} ${id} does not exist (${type.table.primaryKey.length > 1 ? `ids of ${type.type} are ${type.table.primaryKey.join(',')}` : `not a valid ${type.table.primaryKey[0]}`})`,
      );
    const filters = this.access(type, action);
    const row = this.rows(
      selectRows(type, { filters, keys: { columns: type.table.primaryKey, tuples: [type.table.primaryKey.map((c) => key[c]!)] } }),
    )[0];
    if (!row) throw notFound(`${type.type} ${id} does not exist`);
    return row;
  }
}
