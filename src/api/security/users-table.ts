/**
 * `_alsx_users`: the credentials alsx keeps in the project's database, one row per user who has any —
 * a password hash, a token version (raised to end every token the user holds) and attributes (a
 * region, a client id) that grant filters read. Like the other `_alsx_*` tables it is plumbing, not
 * part of the application: introspection (the models, the JSON:API, `alsx check`, `alsx create`)
 * leaves it out.
 */
import type Database from 'better-sqlite3';
import type { Value } from '../../store/types.js';

export const USERS_TABLE = '_alsx_users';

const DDL = `CREATE TABLE IF NOT EXISTS "${USERS_TABLE}" (
  "name" TEXT PRIMARY KEY NOT NULL,
  "password_hash" TEXT,
  "token_version" INTEGER NOT NULL DEFAULT 0,
  "attributes" TEXT NOT NULL DEFAULT '{}' CHECK (json_valid("attributes")),
  "updated_at" TEXT
)`;

/** creates the table when it is missing (a read first: nothing is written, no lock taken, when it is there) */
export function ensureUsersTable(db: Database.Database): void {
  if (db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(USERS_TABLE)) return;
  db.exec(DDL);
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
  dataVersion: number;
  /** data_version was read in this turn of the event loop: requests handled in the same turn share the read */
  fresh: boolean;
}
const caches = new WeakMap<Database.Database, VersionCache>();

export class UsersTable {
  private readonly byName: Database.Statement<[string], Stored>;
  private readonly versionOf: Database.Statement<[string], number>;
  private readonly setHash: Database.Statement<[{ name: string; hash: string; now: string }]>;
  private readonly bump: Database.Statement<[{ name: string; now: string }]>;
  private readonly setAttrs: Database.Statement<[{ name: string; attributes: string; now: string }]>;
  private readonly everyone: Database.Statement<[], Stored>;
  private readonly dataVersion: Database.Statement<[], number>;
  /** versions read since the database last changed (shared by every UsersTable on this connection) */
  private readonly cache: VersionCache;

  constructor(db: Database.Database) {
    if (!db.readonly) ensureUsersTable(db);
    this.byName = db.prepare(`SELECT * FROM "${USERS_TABLE}" WHERE "name" = ?`);
    this.versionOf = db.prepare(`SELECT "token_version" FROM "${USERS_TABLE}" WHERE "name" = ?`).pluck() as Database.Statement<
      [string],
      number
    >;
    // a new password ends the tokens made with the old one
    this.setHash = db.prepare(
      `INSERT INTO "${USERS_TABLE}" ("name", "password_hash", "token_version", "updated_at") VALUES (@name, @hash, 1, @now)
       ON CONFLICT ("name") DO UPDATE SET "password_hash" = @hash, "token_version" = "token_version" + 1, "updated_at" = @now`,
    );
    this.bump = db.prepare(
      `INSERT INTO "${USERS_TABLE}" ("name", "token_version", "updated_at") VALUES (@name, 1, @now)
       ON CONFLICT ("name") DO UPDATE SET "token_version" = "token_version" + 1, "updated_at" = @now`,
    );
    this.setAttrs = db.prepare(
      `INSERT INTO "${USERS_TABLE}" ("name", "attributes", "updated_at") VALUES (@name, @attributes, @now)
       ON CONFLICT ("name") DO UPDATE SET "attributes" = @attributes, "updated_at" = @now`,
    );
    this.everyone = db.prepare(`SELECT * FROM "${USERS_TABLE}" ORDER BY "name"`);
    // PRAGMA data_version changes when another connection (the CLI, another process) commits
    this.dataVersion = db.prepare('PRAGMA data_version').pluck() as Database.Statement<[], number>;
    let cache = caches.get(db);
    if (!cache) caches.set(db, (cache = { versions: new Map(), dataVersion: -1, fresh: false }));
    this.cache = cache;
  }

  get(name: string): Credentials | undefined {
    const row = this.byName.get(name);
    return row && credentials(row);
  }

  /** the user's token version: one primary-key read, done for every request so a revoke anywhere is seen at once */
  version(name: string): number {
    const cache = this.cache;
    if (!cache.fresh) {
      const dv = this.dataVersion.get()!;
      if (dv !== cache.dataVersion) {
        cache.versions.clear();
        cache.dataVersion = dv;
      }
      cache.fresh = true;
      setImmediate(() => {
        cache.fresh = false;
      }).unref();
    }
    let v = cache.versions.get(name);
    if (v === undefined) {
      v = this.versionOf.get(name) ?? 0;
      if (cache.versions.size >= 10_000) cache.versions.clear();
      cache.versions.set(name, v);
    }
    return v;
  }

  /** stores a new password hash and raises the token version; returns the new version */
  setPasswordHash(name: string, hash: string): number {
    this.setHash.run({ name, hash, now: now() });
    this.cache.versions.delete(name); // this connection's own writes do not move data_version
    return this.version(name);
  }

  /** raises the token version: every token the user holds stops working; returns the new version */
  revoke(name: string): number {
    this.bump.run({ name, now: now() });
    this.cache.versions.delete(name);
    return this.version(name);
  }

  setAttributes(name: string, attributes: Record<string, Value>): void {
    this.setAttrs.run({ name, attributes: JSON.stringify(attributes), now: now() });
  }

  list(): Credentials[] {
    return this.everyone.all().map(credentials);
  }
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
