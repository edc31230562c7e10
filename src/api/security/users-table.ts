/**
 * `_alsx_users`: the credentials alsx keeps in the project's database, one row per user who has any —
 * a password hash, a token version (raised to end every token the user holds) and attributes (a
 * region, a client id) that grant filters read. Like the other `_alsx_*` tables it is plumbing, not
 * part of the application: introspection (the models, the JSON:API, `alsx check`, `alsx create`)
 * leaves it out.
 */
import type { ProjectStore, Value } from '../../store/types.js';

export const USERS_TABLE = '_alsx_users';
/** the NOTIFY channel of token-version changes (PostgreSQL) */
const CHANGED = 'alsx_users';

/** the table, in the store's SQL */
function ddl(store: Pick<ProjectStore, 'dialect'>): string {
  return `CREATE TABLE IF NOT EXISTS "${USERS_TABLE}" (
  "name" TEXT PRIMARY KEY NOT NULL,
  "password_hash" TEXT,
  "token_version" INTEGER NOT NULL DEFAULT 0,
  "attributes" TEXT NOT NULL DEFAULT '{}' CHECK (${store.dialect.jsonValid('"attributes"')}),
  "updated_at" TEXT
)`;
}

/** creates the table when it is missing (a read first: nothing is written, no lock taken, when it is there) */
export function ensureUsersTable(store: Pick<ProjectStore, 'dialect' | 'all' | 'exec'>): void {
  if (store.all(store.dialect.tableExists, [USERS_TABLE]).length) return;
  store.exec(ddl(store));
}

export interface Credentials {
  name: string;
  /** null: no password of their own (a user whose tokens were revoked before one was set) */
  passwordHash: string | null;
  tokenVersion: number;
  attributes: Record<string, Value>;
  updatedAt: string | null;
}

interface Stored {
  name: string;
  password_hash: string | null;
  token_version: number;
  attributes: string;
  updated_at: string | null;
}

interface VersionCache {
  versions: Map<string, number>;
  /** SQLite's data_version when the versions were read (null: a database without one) */
  dataVersion: number | null;
  /**
   * PostgreSQL: every change of a version is NOTIFYed on this channel, and this process listens, so
   * the versions it read stay good until told otherwise; while not listening they last one turn
   */
  listening: boolean;
  /** the versions were checked in this turn of the event loop: requests handled in the same turn share the check */
  fresh: boolean;
}
const caches = new WeakMap<ProjectStore, VersionCache>();

export class UsersTable {
  private readonly sql: { byName: string; versionOf: string; setHash: string; bump: string; setAttrs: string; everyone: string };
  /** versions read since the database last changed (shared by every UsersTable on this store) */
  private readonly cache: VersionCache;

  constructor(private readonly store: ProjectStore) {
    ensureUsersTable(store);
    const p = store.dialect.param;
    const upsert = (cols: string, values: string, set: string) =>
      `INSERT INTO "${USERS_TABLE}" (${cols}) VALUES (${values}) ON CONFLICT ("name") DO UPDATE SET ${set}`;
    this.sql = {
      byName: `SELECT * FROM "${USERS_TABLE}" WHERE "name" = ${p(1)}`,
      versionOf: `SELECT "token_version" AS v FROM "${USERS_TABLE}" WHERE "name" = ${p(1)}`,
      // a new password ends the tokens made with the old one
      setHash: upsert(
        '"name", "password_hash", "token_version", "updated_at"',
        `${p(1)}, ${p(2)}, 1, ${p(3)}`,
        `"password_hash" = EXCLUDED."password_hash", "token_version" = "${USERS_TABLE}"."token_version" + 1, "updated_at" = EXCLUDED."updated_at"`,
      ),
      bump: upsert(
        '"name", "token_version", "updated_at"',
        `${p(1)}, 1, ${p(2)}`,
        `"token_version" = "${USERS_TABLE}"."token_version" + 1, "updated_at" = EXCLUDED."updated_at"`,
      ),
      setAttrs: upsert(
        '"name", "attributes", "updated_at"',
        `${p(1)}, ${p(2)}, ${p(3)}`,
        `"attributes" = EXCLUDED."attributes", "updated_at" = EXCLUDED."updated_at"`,
      ),
      everyone: `SELECT * FROM "${USERS_TABLE}" ORDER BY "name"`,
    };
    let cache = caches.get(store);
    if (!cache) {
      caches.set(store, (cache = { versions: new Map(), dataVersion: null, fresh: false, listening: false }));
      if (store.listen) listenForChanges(store, cache);
    }
    this.cache = cache;
  }

  get(name: string): Credentials | undefined {
    const row = this.store.all(this.sql.byName, [name])[0] as Stored | undefined;
    return row && credentials(row);
  }

  /** the user's token version: one primary-key read, done for every request so a revoke anywhere is seen at once */
  version(name: string): number {
    const cache = this.cache;
    if (!cache.fresh) {
      // SQLite's data_version changes when another connection (the CLI, another process) commits;
      // elsewhere the versions are read again each turn
      const dv = this.store.dialect.name === 'sqlite' ? (this.store.all('PRAGMA data_version')[0]!.data_version as number) : null;
      if (dv === null ? !cache.listening : dv !== cache.dataVersion) cache.versions.clear();
      cache.dataVersion = dv;
      cache.fresh = true;
      setImmediate(() => {
        cache.fresh = false;
      }).unref();
    }
    let v = cache.versions.get(name);
    if (v === undefined) {
      v = Number(this.store.all(this.sql.versionOf, [name])[0]?.v ?? 0);
      if (cache.versions.size >= 10_000) cache.versions.clear();
      cache.versions.set(name, v);
    }
    return v;
  }

  /** stores a new password hash and raises the token version; returns the new version */
  setPasswordHash(name: string, hash: string): number {
    this.store.run(this.sql.setHash, [name, hash, now()]);
    this.changed(name);
    return this.version(name);
  }

  /** raises the token version: every token the user holds stops working; returns the new version */
  revoke(name: string): number {
    this.store.run(this.sql.bump, [name, now()]);
    this.changed(name);
    return this.version(name);
  }

  /** this connection's own writes do not move data_version; other processes hear of them by NOTIFY */
  private changed(name: string): void {
    this.cache.versions.delete(name);
    this.store.notify?.(CHANGED, name);
  }

  setAttributes(name: string, attributes: Record<string, Value>): void {
    this.store.run(this.sql.setAttrs, [name, JSON.stringify(attributes), now()]);
  }

  list(): Credentials[] {
    return (this.store.all(this.sql.everyone) as unknown as Stored[]).map(credentials);
  }
}

/** keeps `cache` while this process hears every change of a version (and not a moment longer) */
function listenForChanges(store: ProjectStore, cache: VersionCache): void {
  const lost = () => {
    cache.listening = false;
    cache.versions.clear();
    setTimeout(() => listenForChanges(store, cache), 1000).unref(); // and try again
  };
  store.listen!(CHANGED, (name) => cache.versions.delete(name), lost).then(
    () => {
      cache.versions.clear(); // anything read before listening began may have changed unheard
      cache.listening = true;
    },
    () => {
      if (!store.closed) lost();
    },
  );
}

function credentials(row: Stored): Credentials {
  let attributes: Record<string, Value> = {};
  try {
    const parsed = JSON.parse(row.attributes) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) attributes = parsed as Record<string, Value>;
  } catch {
    // not JSON (edited by hand past the CHECK): no attributes
  }
  return {
    name: row.name,
    passwordHash: row.password_hash,
    tokenVersion: row.token_version,
    attributes,
    updatedAt: row.updated_at,
  };
}

const now = (): string => new Date().toISOString();
