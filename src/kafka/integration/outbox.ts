/**
 * The transactional outbox: `publish()` in a rule event writes the message to a table in the same
 * database transaction as the business change — so a rolled-back transaction publishes nothing, and
 * a committed one cannot lose its message. The relay (outbox-relay.ts) sends the rows to Kafka in
 * order and marks them sent; every message carries a stable `message-id` header so a consumer
 * recognises a message the relay had to send twice.
 */
import { randomUUID } from 'node:crypto';
import type { Mapping } from '../../mapping/mapping.js';
import type { ProjectStore, Row } from '../../store/types.js';

export const OUTBOX = '_alsx_outbox';

export function ensureOutbox(store: Pick<ProjectStore, 'dialect' | 'exec'>): void {
  const { serialKey, bytes } = store.dialect.types;
  store.exec(`CREATE TABLE IF NOT EXISTS "${OUTBOX}" (
    "Id" ${serialKey},
    "MessageId" TEXT NOT NULL UNIQUE,
    "Topic" TEXT NOT NULL,
    "Key" TEXT,
    "Value" ${bytes} NOT NULL,
    "Headers" TEXT NOT NULL DEFAULT '{}',
    "CreatedAt" TEXT NOT NULL,
    "Tx" TEXT,
    "SentAt" TEXT,
    "Attempts" INTEGER NOT NULL DEFAULT 0,
    "LastError" TEXT
  );
  CREATE INDEX IF NOT EXISTS "${OUTBOX}_unsent" ON "${OUTBOX}" ("SentAt", "Id")`);
}

export interface OutboxMessage {
  topic: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

/** JSON for objects, text as UTF-8, bytes as they are */
export function messageValue(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return Buffer.from(
    JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)),
    'utf8',
  );
}

/** what late rule events (afterFlush, commit) receive to publish and to format messages */
export function outboxContext(store: ProjectStore) {
  const p = store.dialect.param;
  const insert = `INSERT INTO "${OUTBOX}" ("MessageId", "Topic", "Key", "Value", "Headers", "CreatedAt", "Tx") VALUES (${[1, 2, 3, 4, 5, 6, 7].map(p).join(', ')})`;
  // created on the first publish (inside that transaction), so a database nobody publishes from is left alone
  let ensured = false;
  return (tx: { id: string; origin: string }) => ({
    publish(topic: string, key: string | number | null, value: unknown, headers: Record<string, string> = {}): void {
      if (typeof topic !== 'string' || !/^[a-zA-Z0-9._-]{1,249}$/.test(topic))
        throw new Error(`publish: ${JSON.stringify(topic)} is not a topic name`);
      // made inside this transaction, the table is gone again if it rolls back: it is known to be
      // there only once a later publish finds it
      if (!ensured) {
        if (store.all(store.dialect.tableExists, [OUTBOX]).length) ensured = true;
        else ensureOutbox(store);
      }
      store.run(insert, [
        randomUUID(),
        topic,
        key === null ? null : String(key),
        messageValue(value),
        JSON.stringify(headers),
        new Date().toISOString(),
        tx.id,
      ]);
    },
    toDict(mapping: Mapping, row: Row): Record<string, unknown> {
      return mapping.toDict(row, store.schema, { find: (table, where, limit) => store.rowsWhere(table, where, limit) });
    },
  });
}
