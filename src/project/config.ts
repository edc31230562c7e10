/** A project's alsx.config.ts: where its database, models and rules are. */
export interface ProjectConfig {
  /** shown in the workbench and reports; the folder name by default */
  name?: string;
  /** the database: built from SQL files, or a copy of an existing SQLite file, into .alsx/db.sqlite */
  db?: { schema?: string; seed?: string; file?: string };
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
