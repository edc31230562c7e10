/**
 * Consuming a topic into rows: each message goes through its mapping and the rules in one
 * transaction, which also records the message's identity in the inbox — so a redelivered message
 * (same message-id header, or same topic/partition/offset) is recognised and skipped, and a crash
 * anywhere neither loses nor repeats its effect. A message that cannot be applied (not JSON, fails
 * the mapping, a lookup finds nothing, a rule rejects it) goes to `<topic>.dlq` with headers saying
 * why, and the worker moves on; a transient failure (database busy) is retried.
 */
import { createHash } from 'node:crypto';
import { JsonBoundsError, parseBounded } from '../../bounded-json.js';
import type { Engine } from '../../rules/engine.js';
import type { Dialect } from '../../store/dialect.js';
import type { ProjectStore } from '../../store/types.js';
import { insertTree, MappingError, type Mapping } from '../../mapping/mapping.js';
import type { UnitOfWork } from '../../rules/unit-of-work.js';
import type { IncomingMessage, MessageProducer } from '../client.js';
import { ApiError } from '../../api/jsonapi/errors.js';
import { Scope } from '../../api/jsonapi/scope.js';
import { HandlerRefusal, type ConsumedMessage, type Consumer, type ConsumerTx } from './declare.js';
import { UserTx, type ConsumerSecurity } from './as-user.js';

export const INBOX = '_alsx_inbox';

/** a consumer declaration with its group decided */
export type TopicHandler = Consumer & { group: string };

export function ensureInbox(store: ProjectStore): void {
  store.exec(
    `CREATE TABLE IF NOT EXISTS "${INBOX}" ("MessageId" TEXT PRIMARY KEY, "Topic" TEXT NOT NULL, "Partition" INTEGER NOT NULL, "Offset" TEXT NOT NULL, "ReceivedAt" TEXT NOT NULL, "Tx" TEXT, "Outcome" TEXT NOT NULL DEFAULT 'applied', "Digest" TEXT)`,
  );
  // inboxes made before messages were fingerprinted (on SQLite: alsx came to PostgreSQL later)
  if (store.dialect.name !== 'sqlite') return;
  const columns = store.all(`SELECT name FROM pragma_table_info('${INBOX}')`);
  if (!columns.some((c) => c.name === 'Digest')) store.exec(`ALTER TABLE "${INBOX}" ADD COLUMN "Digest" TEXT`);
}

/** what a message says (key and value): a message-id seen again with other content is not a redelivery */
function fingerprint(m: IncomingMessage): string {
  const hash = createHash('sha256');
  hash
    .update(m.key ?? Buffer.alloc(0))
    .update('\0')
    .update(m.value ?? Buffer.alloc(0));
  return hash.digest('base64url');
}

export type Outcome = { status: 'applied'; tx: string } | { status: 'duplicate' } | { status: 'dead-lettered'; reason: string };

export class TopicWorker {
  private readonly seenSql: string;
  private readonly recordSql: string;

  constructor(
    private readonly store: ProjectStore,
    private readonly engine: Engine,
    private readonly handler: TopicHandler,
    private readonly deadLetters: () => Promise<MessageProducer>,
    private readonly log: (line: string) => void = () => {},
    /** the project's grants, for consumers that apply messages as a user */
    private readonly security?: ConsumerSecurity,
  ) {
    ensureInbox(store);
    const p = store.dialect.param;
    this.seenSql = `SELECT "Digest", "Topic", "Partition", "Offset" FROM "${INBOX}" WHERE "MessageId" = ${p(1)}`;
    this.recordSql = `INSERT INTO "${INBOX}" ("MessageId", "Topic", "Partition", "Offset", "ReceivedAt", "Tx", "Outcome", "Digest") VALUES (${[1, 2, 3, 4, 5, 6, 7, 8].map(p).join(', ')}) ON CONFLICT DO NOTHING`;
  }

  private seen(id: string): Seen | undefined {
    return this.store.all(this.seenSql, [id])[0] as Seen | undefined;
  }

  private record(...values: (string | number | null)[]): void {
    this.store.run(this.recordSql, values);
  }

  /**
   * applies one message; throws only for a transient failure (so it is delivered again). In a write
   * turn: in a process that also serves the API (a scenario's), a long API transaction may be paused
   * between its slices, and this one's writes (the message's, its inbox row) must not land inside it.
   */
  handle(m: IncomingMessage): Promise<Outcome> {
    return this.engine.turns.run(() => this.apply(m));
  }

  private async apply(m: IncomingMessage): Promise<Outcome> {
    const id = this.identity(m);
    const digest = fingerprint(m);
    const earlier = this.seen(id) as Seen | undefined;
    if (earlier) return earlier.Digest === null || earlier.Digest === digest ? { status: 'duplicate' } : this.conflict(m, id, earlier);
    let dict: unknown;
    try {
      dict = parseBounded(m.value?.toString('utf8') ?? '');
    } catch (e) {
      if (e instanceof JsonBoundsError) return this.deadLetter(m, `refused: ${e.message}`, 'too-deep');
      return this.deadLetter(m, `not JSON: ${(e as Error).message}`, 'parse');
    }
    const message: ConsumedMessage = {
      topic: m.topic,
      partition: m.partition,
      offset: m.offset,
      key: m.key?.toString('utf8') ?? null,
      headers: m.headers,
      value: dict,
    };
    const scope = this.scopeFor(message);
    if (typeof scope === 'string') return this.deadLetter(m, scope, 'forbidden');
    let duplicate = false;
    let outcome: ReturnType<typeof this.engine.transaction>;
    let asUser: UserTx | undefined;
    try {
      outcome = this.engine.transaction(
        (uow) => {
          if (this.seen(id)) {
            duplicate = true; // another worker got there first
            return;
          }
          asUser = scope && new UserTx(scope, uow);
          if (this.handler.mapping)
            asUser ? asUser.insertMapped(this.handler.mapping, dict) : this.insertMapped(uow, this.handler.mapping, dict);
          else
            this.handler.handle!(
              message,
              asUser ? { ...asUser.api(), insertMapped: (mp, d) => asUser!.insertMapped(mp, d) } : this.consumerTx(uow),
            );
          this.record(id, m.topic, m.partition, m.offset, new Date().toISOString(), uow.trace.tx, 'applied', digest);
        },
        { origin: 'kafka', user: scope ? scope.user : undefined, beforeCommit: () => asUser?.writer.checkAfter() },
      );
    } catch (e) {
      // the transaction rolled back; a mapping failure is the message's fault, anything else is ours to retry
      if (e instanceof MappingError) return this.deadLetter(m, e.message, 'mapping');
      if (e instanceof HandlerRefusal) return this.deadLetter(m, e.message, 'refused');
      if (e instanceof ApiError && e.status < 500) return this.deadLetter(m, e.message, e.status === 404 ? 'not-found' : 'forbidden');
      if (isTransient(e, this.store.dialect)) throw e;
      // a consumer function that fails on this message would fail on every delivery: poison, not an outage
      return this.deadLetter(m, `${(e as Error).name}: ${(e as Error).message}`, 'handler-error');
    }
    if (duplicate) return { status: 'duplicate' };
    if (!outcome.ok) {
      const e = outcome.error!;
      if (e.code === 'busy') throw new Error(e.message); // transient: deliver again
      return this.deadLetter(m, e.message, e.rule ?? e.kind, e.rule);
    }
    return { status: 'applied', tx: outcome.tx };
  }

  /** the scope of the user the consumer applies this message as; undefined: the system; a string: why not */
  private scopeFor(message: ConsumedMessage): Scope | undefined | string {
    const declared = this.handler.user;
    if (declared === undefined) return undefined;
    if (!this.security) return `${this.handler.topic}: the consumer runs as a user, but the worker has no security`;
    const name = typeof declared === 'function' ? declared(message) : declared;
    const user = name ? this.security.user(name) : null;
    if (!user) return `no user ${name ?? '(none named by the message)'} in security/grants.ts to apply this message as`;
    return new Scope(this.security.ctx, this.security.ctx.security.enabled ? user : null, '');
  }

  /** the message-id header (stable across resends), else where the message sits */
  private identity(m: IncomingMessage): string {
    return m.headers['message-id'] ?? `${m.topic}/${m.partition}/${m.offset}`;
  }

  private insertMapped(uow: UnitOfWork, mapping: Mapping, dict: unknown): Record<string, unknown> {
    const tree = mapping.toRows(dict, this.store.schema, (table, where, limit) => this.store.rowsWhere(table, where, limit));
    return insertTree(tree, (table, values) => uow.applyOp({ insert: table, values } as never, 'message')!);
  }

  private consumerTx(uow: UnitOfWork): ConsumerTx {
    return { ...uow.api(), insertMapped: (mapping, dict) => this.insertMapped(uow, mapping, dict) };
  }

  /** a message-id already handled, with other content: applying it could lose an order, skipping it silently would */
  private conflict(m: IncomingMessage, id: string, earlier: Seen): Promise<Outcome> {
    return this.deadLetter(
      m,
      `message-id ${id} was already handled (${earlier.Topic}/${earlier.Partition}/${earlier.Offset}) with other content; this message was not applied — give it its own message-id`,
      'conflict',
    );
  }

  private async deadLetter(m: IncomingMessage, error: string, kind: string, rule?: string): Promise<Outcome> {
    const producer = await this.deadLetters();
    await producer.send([
      {
        topic: `${m.topic}.dlq`,
        key: m.key?.toString() ?? null,
        value: m.value ?? Buffer.alloc(0),
        headers: {
          ...m.headers,
          'alsx-error': error,
          'alsx-error-kind': kind,
          ...(rule ? { 'alsx-rule': rule } : {}),
          'alsx-original-topic': m.topic,
          'alsx-original-partition': String(m.partition),
          'alsx-original-offset': m.offset,
        },
      },
    ]);
    // remembered, so a redelivery (offsets are committed in batches) does not dead-letter it twice
    this.record(this.identity(m), m.topic, m.partition, m.offset, new Date().toISOString(), null, 'dead-lettered', fingerprint(m));
    this.log(`${m.topic}/${m.partition}/${m.offset} → ${m.topic}.dlq: ${error}`);
    return { status: 'dead-lettered', reason: error };
  }
}

interface Seen {
  Digest: string | null;
  Topic: string;
  Partition: number;
  Offset: string;
}

/** failures of the machine, not of the message: deliver it again later */
function isTransient(e: unknown, dialect: Dialect): boolean {
  const kind = dialect.classify(e).kind;
  return kind === 'busy' || kind === 'transient';
}
