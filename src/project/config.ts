/** A project's alsx.config.ts: where its database, models and rules are. */
export interface ProjectConfig {
  /** shown in the workbench and reports; the folder name by default */
  name?: string;
  /**
   * The database. SQLite (the default): built from SQL files (`schema`, `seed`), or a copy of an
   * existing SQLite file (`file`), into .alsx/db.sqlite. PostgreSQL: `url` (ALSX_DATABASE_URL
   * overrides it, so a password need never be written here; PGPASSWORD and ~/.pgpass work too).
   */
  db?: {
    schema?: string;
    seed?: string;
    file?: string;
    /** postgres://user@host:port/database — the database is used in place, unless `postgres` SQL builds it */
    url?: string;
    /** the PostgreSQL schema holding the tables (default: the connection's search_path, usually public) */
    pgSchema?: string;
    /**
     * SQL alsx builds the PostgreSQL database from when its schema is empty, and rebuilds it from on
     * `alsx reset` (default db/postgres/schema.sql and seed.sql, when they exist)
     */
    postgres?: { schema?: string; seed?: string };
    /** PostgreSQL's synchronous_commit for alsx's writes (the server's setting by default) */
    synchronousCommit?: 'on' | 'off';
  };
  /** drizzle models module (default models.ts) */
  models?: string;
  /** rules module (default logic/rules.ts) */
  rules?: string;
  /** security module (default security/grants.ts; none: security off) */
  security?: string;
  /** custom endpoints module (default api/custom.ts) */
  endpoints?: string;
  /** the Kafka integration: consumers, request/reply services, sample messages (default integration/index.ts) */
  integration?: string;
  /**
   * Where Kafka is. By default an embedded broker keeps its data in .alsx/kafka (port: a free one,
   * unless `port` is given). `brokers` names a real cluster instead (KAFKA_BROKERS overrides both);
   * `shareBrokerOf` uses another project's embedded broker (e.g. '../northwind').
   */
  kafka?: { brokers?: string[]; port?: number; shareBrokerOf?: string };
  /** the API server's port and host (alsx serve --port/--host override), and what one request may cost (see src/api/limits.ts) */
  api?: { port?: number; host?: string; limits?: Partial<import('../api/limits.js').ApiLimits> };
  /** SQLite synchronous mode: NORMAL (default: a crash loses nothing, a power loss may lose the last commits) or FULL */
  synchronous?: 'NORMAL' | 'FULL';
}

export function defineConfig(config: ProjectConfig): ProjectConfig {
  return config;
}
