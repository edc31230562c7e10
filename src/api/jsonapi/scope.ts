/**
 * One request's view of the API: the project, the resource model, who is asking, and what they
 * may see — the row filters their roles impose, resolved to the same filter paths query
 * parameters use.
 */
import type { OpenProject } from '../../project/load.js';
import { DEFAULT_LIMITS, type ApiLimits } from '../limits.js';
import type { Row, Value } from '../../store/types.js';
import { decide, type Action, type Cond, type Decision, type SecurityConfig, type TableRef, type User } from '../security/access.js';
import { DocumentBuilder, visibleValues } from './document.js';
import { ApiError, forbidden, notFound } from './errors.js';
import { keyOf, type ApiModel, type ResourceType } from './model.js';
import { resolvePath, type Condition, type QueryOptions } from './query.js';
import { selectRows, type JoinSecurity, type Select } from './sql.js';
import { readLater, readNow, type Reading } from './reading.js';
import type { Slicer } from '../../slicer.js';
import type { Dialect } from '../../store/dialect.js';

/** what a request's reads run on */
export interface RowSource {
  /** rows at once: a synchronous connection (SQLite) */
  all?(sql: string, params: readonly Value[]): Row[];
  /** rows, awaited; with a slicer, a long result may be taken a slice at a time */
  read(sql: string, params: readonly Value[], slicer?: Slicer): Promise<Row[]>;
}

export interface ApiContext {
  project: OpenProject;
  model: ApiModel;
  security: SecurityConfig;
  /** what one request may cost (absent: the defaults) */
  limits?: ApiLimits;
}

export class Scope {
  constructor(
    readonly ctx: ApiContext,
    /** null: security is off, or the call is the system's own (custom endpoint logic) */
    readonly user: User | null,
    /** absolute base of the API's links: "http://127.0.0.1:5656/api" */
    readonly base: string,
    /**
     * where reads go outside the request's own transaction. The API's routes read the newest commit
     * on a read connection (a long transaction may be open on the write connection between its
     * slices); a worker's scope, inside its own transaction, reads the write connection (the default).
     */
    private readonly reads: RowSource = ctx.project.store,
  ) {}

  get model(): ApiModel {
    return this.ctx.model;
  }

  get dialect(): Dialect {
    return this.ctx.project.store.dialect;
  }

  get limits(): ApiLimits {
    return this.ctx.limits ?? DEFAULT_LIMITS;
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

  /** decisions of this request, by type and action (grants are functions of the user: computed once) */
  private readonly decisions = new Map<string, { decision: Decision; filters: Condition[] }>();

  private decided(type: ResourceType, action: Action): { decision: Decision; filters: Condition[] } {
    const key = `${action}\u0000${type.type}`;
    let hit = this.decisions.get(key);
    if (!hit) {
      const decision = decide(this.ctx.security, this.user, tableRef(type), action);
      const filters = decision.where === null ? [] : [this.condition(type, decision.where)];
      hit = { decision, filters };
      this.decisions.set(key, hit);
    }
    return hit;
  }

  /** a grant's filter as API filters: its paths resolved from `type` (an unknown path is the project's mistake, named) */
  private condition(type: ResourceType, c: Cond): Condition {
    if (c === false) return false;
    if ('and' in c) return { and: c.and.map((x) => this.condition(type, x)) };
    if ('or' in c) return { or: c.or.map((x) => this.condition(type, x)) };
    if ('not' in c) return { not: this.condition(type, c.not) };
    const path = resolvePath(c.path, type, this.ctx.model, `security of ${type.type}`);
    return { ...path, op: c.op, value: c.value, trusted: true };
  }

  /** the row filters for `action` on `type`; throws 403 when not granted at all */
  access(type: ResourceType, action: Action): Condition[] {
    const { decision, filters } = this.decided(type, action);
    if (!decision.allowed) throw forbidden(`${this.user?.name ?? 'this user'} may not ${action} ${type.type}`);
    return filters;
  }

  /** whether `action` is granted at all, without throwing */
  may(type: ResourceType, action: Action): boolean {
    return this.decided(type, action).decision.allowed;
  }

  /** the columns the user may read (null: all): others are, to them, not there */
  readonly readable = (type: ResourceType): ReadonlySet<string> | null => {
    const { decision } = this.decided(type, 'read');
    return decision.allowed ? decision.columns : NO_COLUMNS;
  };

  /** the columns `action` may set (null: all) */
  writable(type: ResourceType, action: 'insert' | 'update'): ReadonlySet<string> | null {
    return this.decided(type, action).decision.columns;
  }

  /** row security for the tables a client's filter joins: each through its own read filter */
  get secure(): JoinSecurity {
    return { model: this.ctx.model, filters: (type) => (this.may(type, 'read') ? this.access(type, 'read') : [false]) };
  }

  /** what parseQuery needs to know about this user */
  queryOptions(collection: boolean): QueryOptions {
    return { collection, readable: this.readable, limits: this.limits };
  }

  /** the row as this user sees it: the columns they may read */
  visibleValues(type: ResourceType, row: Row): Row {
    return visibleValues(row, this.readable(type));
  }

  documents(fields: Map<string, Set<string>> = new Map()): DocumentBuilder {
    return new DocumentBuilder(this.ctx.model, this.base, fields, this.readable);
  }

  /**
   * Rows of `table` whose columns equal `where`, among those the user may read (a mapping's lookups,
   * a consumer's or a method's finds): a row they may not see, or a column they may not read, finds nothing.
   */
  find(table: string, where: Row, limit: number): Row[] {
    const type = this.type(table);
    if (!this.may(type, 'read')) return [];
    const readable = this.readable(type);
    const filters: Condition[] = [...this.access(type, 'read')];
    for (const [c, value] of Object.entries(where)) {
      const column = type.table.columnsByName.get(c);
      if (!column || (readable && !readable.has(c))) return [];
      filters.push({ via: [], column, owner: type, op: value === null ? 'isnull' : 'eq', value });
    }
    return this.rows(selectRows(type, { dialect: this.dialect, filters, page: { offset: 0, limit } }));
  }

  /** where this request reads now (absent: `reads`) */
  private source: RowSource | undefined;

  /** runs `fn` reading from `source` — the write connection inside the request's own transaction, a snapshot for a sliced read */
  readingFrom<T>(source: RowSource, fn: () => T): T {
    const before = this.source;
    this.source = source;
    try {
      const result = fn();
      if (result instanceof Promise) return result.finally(() => (this.source = before)) as T;
      this.source = before;
      return result;
    } catch (e) {
      this.source = before;
      throw e;
    }
  }

  private get current(): RowSource {
    return this.source ?? this.reads;
  }

  /** rows at once (inside a write transaction, where the engine cannot wait) */
  rows(query: Select): Row[] {
    const source = this.current;
    if (!source.all) throw new Error(`alsx: a synchronous read on ${this.dialect.name}, which reads asynchronously`);
    return source.all(query.sql, query.params);
  }

  /** rows, awaited (the read routes); with a slicer, a long result is taken a slice at a time */
  read(query: Select, slicer?: Slicer): Promise<Row[]> {
    return this.current.read(query.sql, query.params, slicer);
  }

  /** runs a Reading at once (see rows) */
  now<T>(reading: Reading<T>): T {
    return readNow(reading, (q) => this.rows(q));
  }

  /** runs a Reading, awaiting each query (a batch together on PostgreSQL, whose readers pipeline) */
  later<T>(reading: Reading<T>, slicer?: Slicer): Promise<T> {
    return readLater(reading, (q) => this.read(q, slicer), slicer, this.dialect.name === 'postgres' ? 'together' : 'in turn');
  }

  /**
   * The row with this id if the user may see it, else 404 — the same answer as for a row that does
   * not exist. For a write (`action`), a row they may see but not change is 403.
   */
  visibleRow(type: ResourceType, id: string, action: Action = 'read'): Row {
    return this.now(this.visible(type, id, action));
  }

  *visible(type: ResourceType, id: string, action: Action = 'read'): Reading<Row> {
    if (type.table.primaryKey.length === 0)
      throw notFound(`${type.type} has no primary key, so its rows have no address; list them (GET /${type.type}) with filters`);
    const key = keyOf(type.table, id);
    if (!key)
      throw notFound(
        `${type.type} ${id} does not exist (${type.table.primaryKey.length > 1 ? `ids of ${type.type} are ${type.table.primaryKey.join(',')}` : `not a valid ${type.table.primaryKey[0]}`})`,
      );
    const keys = { columns: type.table.primaryKey, tuples: [type.table.primaryKey.map((c) => key[c]!)] };
    const readable =
      this.may(type, 'read') && (yield selectRows(type, { dialect: this.dialect, filters: this.access(type, 'read'), keys }))[0];
    if (!readable) throw notFound(`${type.type} ${id} does not exist`);
    if (action === 'read') return readable;
    const row = (yield selectRows(type, { dialect: this.dialect, filters: this.access(type, action), keys }))[0];
    if (!row) throw forbidden(`${this.user?.name ?? 'this user'} may not ${action} ${type.type} ${id}`);
    return row;
  }
}

const NO_COLUMNS: ReadonlySet<string> = new Set();

const refs = new WeakMap<ResourceType, TableRef>();
function tableRef(type: ResourceType): TableRef {
  let ref = refs.get(type);
  if (!ref) {
    ref = { name: type.table.name, columns: type.table.columns.map((c) => c.name) };
    refs.set(type, ref);
  }
  return ref;
}
