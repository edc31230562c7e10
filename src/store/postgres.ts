/**
 * The Store on PostgreSQL. The engine's calls are answered on one synchronous connection
 * (pg-sync.ts), so rules, events and handlers run unchanged; the API's reads go to a pool
 * (pg-reads.ts) and never wait for the engine.
 *
 * Writes from alsx are taken one transaction at a time per database, as SQLite's BEGIN IMMEDIATE
 * takes them: each transaction first takes one advisory lock, so the engine's read-adjust-write of a
 * sum is never interleaved with another alsx process's (the lost update and the constraint passed
 * on a stale parent that PostgreSQL's READ COMMITTED allows otherwise; see design/postgres.md §2).
 * Concurrent writers, with row locks in one order, are part 2 of the PostgreSQL work.
 */
import pg from 'pg';
import { postgresDialect } from './dialect.js';
import { introspectPg } from './pg-introspect.js';
import { PgReads } from './pg-reads.js';
import { PgSyncConnection } from './pg-sync.js';
import { CONNECT_TIMEOUT_MS } from './pg-url.js';
import { pgTypes } from './pg-values.js';
import { NotReadOnly, type ForeignKey, type ProjectStore, type Row, type Schema, type TableInfo, type Value } from './types.js';

const q = postgresDialect.q;

/** the advisory lock every alsx write transaction on a database takes first (any fixed number: alsx's own) */
const WRITE_LOCK = 0x616c7378; // 'alsx'

/** the session of the engine's connection: waits are bounded, a transaction left open is ended */
const SESSION = `SET lock_timeout = '5s'; SET idle_in_transaction_session_timeout = '5min'`;

export interface PgStoreOptions {
  /** the schema holding the application's tables (default: the connection's search_path, usually public) */
  schema?: string;
  /** connections of the read pool (the API's reads) */
  poolSize?: number;
  /** PostgreSQL's synchronous_commit for alsx's writes ('off': as SQLite's NORMAL, a crash of the machine may lose the last commits) */
  synchronousCommit?: 'on' | 'off';
}

export class PgStore implements ProjectStore {
  readonly dialect = postgresDialect;
  readonly reads: PgReads;
  readonly conn: PgSyncConnection;
  private readonly pool: pg.Pool;
  private depth = 0;

  private constructor(
    readonly url: string,
    readonly schema: Schema,
    conn: PgSyncConnection,
    pool: pg.Pool,
  ) {
    this.conn = conn;
    this.pool = pool;
    this.reads = new PgReads(pool, (sql, params) => this.all(sql, params));
  }

  /** connects, reads the schema and opens the read pool */
  static async open(url: string, options: PgStoreOptions = {}): Promise<PgStore> {
    const pool = new pg.Pool({
      connectionString: url,
      types: pgTypes,
      max: options.poolSize ?? 8,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // queries asked together go out together (a snapshot's BEGIN, a count and its page)
      pipeline: true,
      application_name: 'alsx-reads',
      ...(options.schema ? { options: `-c search_path=${q(options.schema)}` } : {}),
    });
    pool.on('error', () => {}); // an idle client the server dropped: the pool replaces it
    let conn: PgSyncConnection | undefined;
    try {
      // the pool first: a server that is not there fails here, without blocking the thread
      const schema = await introspectPg(pool, options.schema);
      const searchPath = options.schema ? `; SET search_path TO ${q(options.schema)}` : '';
      const commit = options.synchronousCommit ? `; SET synchronous_commit = ${options.synchronousCommit}` : '';
      conn = new PgSyncConnection(url, { settings: `${SESSION}${searchPath}${commit}`, connectTimeoutMs: CONNECT_TIMEOUT_MS });
      return new PgStore(url, schema, conn, pool);
    } catch (e) {
      conn?.close();
      await pool.end().catch(() => {});
      throw e;
    }
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  private static where(cols: string[], from = 1): string {
    return cols.map((c, i) => `${q(c)} = $${i + from}`).join(' AND ');
  }

  get(table: TableInfo, key: Row): Row | undefined {
    const pk = table.primaryKey;
    return this.conn.query(
      `SELECT * FROM ${q(table.name)} WHERE ${PgStore.where(pk)}`,
      pk.map((c) => key[c]!),
    ).rows[0];
  }

  childKeys(fk: ForeignKey, parentKey: Value[]): Row[] {
    const child = this.schema.tables.get(fk.childTable)!;
    const cols = child.primaryKey.map(q).join(', ');
    return this.conn.query(`SELECT ${cols} FROM ${q(child.name)} WHERE ${PgStore.where(fk.childColumns)}`, parentKey).rows;
  }

  *scan(table: TableInfo): Iterable<Row> {
    yield* this.conn.query(`SELECT * FROM ${q(table.name)}`).rows;
  }

  insert(table: TableInfo, row: Row): Row {
    const cols = table.columns.filter((c) => {
      const v = row[c.name];
      // a missing key the database generates (identity, serial) is left to it, as SQLite's rowid is
      return v !== undefined && !c.generated && !(v === null && table.generatedKey && c.pk > 0);
    });
    const pk = table.primaryKey;
    const returning = pk.length ? ` RETURNING ${pk.map(q).join(', ')}` : '';
    const sql = cols.length
      ? `INSERT INTO ${q(table.name)} (${cols.map((c) => q(c.name)).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})${returning}`
      : `INSERT INTO ${q(table.name)} DEFAULT VALUES${returning}`;
    const { rows } = this.conn.query(
      sql,
      cols.map((c) => row[c.name]!),
    );
    const key: Row = {};
    for (const c of pk) key[c] = rows[0]?.[c] ?? row[c] ?? null;
    return key;
  }

  update(table: TableInfo, key: Row, values: Row): void {
    const cols = Object.keys(values).filter((c) => !table.columnsByName.get(c)?.generated);
    if (cols.length === 0) return;
    const pk = table.primaryKey;
    const set = cols.map((c, i) => `${q(c)} = $${i + 1}`).join(', ');
    this.conn.query(`UPDATE ${q(table.name)} SET ${set} WHERE ${PgStore.where(pk, cols.length + 1)}`, [
      ...cols.map((c) => values[c]!),
      ...pk.map((c) => key[c]!),
    ]);
  }

  delete(table: TableInfo, key: Row): void {
    const pk = table.primaryKey;
    this.conn.query(
      `DELETE FROM ${q(table.name)} WHERE ${PgStore.where(pk)}`,
      pk.map((c) => key[c]!),
    );
  }

  transaction<T>(fn: () => T, options: { rollback?: boolean } = {}): T {
    const end = this.begin();
    let result: T;
    try {
      result = fn();
    } catch (e) {
      end(false);
      throw e;
    }
    end(!options.rollback);
    return result;
  }

  async transactionAsync<T>(fn: () => Promise<T>, options: { rollback?: boolean } = {}): Promise<T> {
    const end = this.begin();
    let result: T;
    try {
      result = await fn();
    } catch (e) {
      end(false);
      throw e;
    }
    end(!options.rollback);
    return result;
  }

  /** BEGIN and the write lock in one round trip; inside a transaction, a savepoint */
  private begin(): (commit: boolean) => void {
    const outer = this.depth === 0;
    this.conn.script(outer ? `BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK})` : `SAVEPOINT alsx_tx${this.depth}`);
    const name = `alsx_tx${this.depth}`;
    this.depth++;
    return (commit) => {
      this.depth--;
      try {
        if (outer) this.conn.script(commit ? 'COMMIT' : 'ROLLBACK');
        else this.conn.script(commit ? `RELEASE ${name}` : `ROLLBACK TO ${name}; RELEASE ${name}`);
      } catch (e) {
        // a failed COMMIT (a deferred constraint) has ended the transaction; make sure of it
        if (outer) this.conn.script('ROLLBACK');
        throw e;
      }
    };
  }

  /** rows of `table` whose columns equal `where` (at most `limit`): lookups for mappings */
  rowsWhere(table: string, where: Row, limit: number): Row[] {
    const cols = Object.keys(where);
    const condition = cols.length ? ` WHERE ${PgStore.where(cols)}` : '';
    return this.conn.query(`SELECT * FROM ${q(table)}${condition} LIMIT $${cols.length + 1}`, [
      ...cols.map((c) => where[c]!),
      Math.max(1, Math.floor(limit)),
    ]).rows;
  }

  /** rows of a query on the engine's connection (inside its transaction, when one is open) */
  all(sql: string, params: readonly Value[] = []): Row[] {
    return this.conn.query(sql, params).rows;
  }

  /** a statement that changes rows; how many it changed */
  run(sql: string, params: readonly Value[] = []): { changes: number } {
    return { changes: this.conn.query(sql, params).rowCount };
  }

  changeMark(): string {
    return this.conn.query('SELECT pg_current_wal_insert_lsn()::text AS lsn').rows[0]!.lsn as string;
  }

  /** a round trip a look */
  readonly watchMs = 50;

  /** a script of statements without parameters (DDL) */
  exec(sql: string): void {
    this.conn.script(sql);
  }

  /** rows of a statement that may only read: PostgreSQL refuses any other inside a READ ONLY transaction (NotReadOnly) */
  readOnly(sql: string, params: readonly Value[] = []): Row[] {
    const outer = this.depth === 0;
    // a savepoint cannot be read-only, so inside a transaction the statement runs read-only in the same session setting
    this.conn.script(outer ? 'BEGIN READ ONLY' : 'SAVEPOINT alsx_ro; SET LOCAL transaction_read_only = on');
    try {
      return this.conn.query(sql, params).rows;
    } catch (e) {
      if ((e as { code?: string }).code === '25006') throw new NotReadOnly(sql); // read_only_sql_transaction
      throw e;
    } finally {
      this.conn.script(outer ? 'ROLLBACK' : 'ROLLBACK TO alsx_ro; RELEASE alsx_ro');
    }
  }

  /** all(), awaited (a reader's interface: the engine's connection read inside its own transaction) */
  read(sql: string, params: readonly Value[] = []): Promise<Row[]> {
    return Promise.resolve(this.all(sql, params));
  }

  private listener: Promise<pg.Client> | undefined;
  private readonly channels = new Map<string, Set<(payload: string) => void>>();

  /**
   * calls `fn` with each NOTIFY on `channel` (sent by any process, delivered when its transaction
   * commits); resolves once listening. `lost` is called if the listening connection drops — what
   * relied on the notifications must stop trusting what it cached.
   */
  async listen(channel: string, fn: (payload: string) => void, lost: () => void): Promise<() => void> {
    if (this.closed) throw new Error('the store is closed');
    this.listener ??= (async () => {
      const client = new pg.Client({ connectionString: this.url, application_name: 'alsx-listen' });
      client.on('notification', (n) => {
        for (const f of this.channels.get(n.channel) ?? []) f(n.payload ?? '');
      });
      const drop = () => {
        this.listener = undefined;
        this.channels.clear();
        if (!this.closed) lost();
      };
      client.on('error', drop);
      client.on('end', drop);
      await client.connect();
      return client;
    })();
    const client = await this.listener;
    let fns = this.channels.get(channel);
    if (!fns) {
      this.channels.set(channel, (fns = new Set()));
      await client.query(`LISTEN ${q(channel)}`);
    }
    fns.add(fn);
    return () => fns.delete(fn);
  }

  /** sends `payload` to the listeners of `channel` (delivered at commit) */
  notify(channel: string, payload: string): void {
    this.conn.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  closed = false;

  close(): void {
    this.closed = true;
    this.conn.close();
    void this.pool.end().catch(() => {});
    const listener = this.listener;
    this.listener = undefined;
    void listener?.then((c) => c.end()).catch(() => {});
  }
}
