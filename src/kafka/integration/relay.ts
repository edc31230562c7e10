/**
 * The outbox relay: sends committed outbox rows to Kafka in the order they were written (so per
 * key, too), marks them sent, and retries with backoff while the broker is unreachable. A crash
 * between sending and marking resends a message; its `message-id` header lets consumers skip it.
 */
import type { MessageProducer } from '../client.js';
import type { ProjectStore } from '../../store/types.js';
import type { Turns } from '../../rules/turns.js';
import { ensureOutbox, OUTBOX } from './outbox.js';

export interface RelayOptions {
  /** rows per send */
  batch: number;
  /**
   * when idle, how often to ask the database whether another connection committed (store.changeMark:
   * SQLite's data_version, a few microseconds); a poke wakes it at once for commits on this
   * connection. Default: the store's own (ProjectStore.watchMs).
   */
  watchMs?: number;
  /** and how often to look at the outbox anyway */
  pollMs: number;
  maxBackoffMs: number;
  log: (line: string) => void;
  /**
   * the process's write turns (Engine.turns): the relay reads and marks the outbox on the engine's
   * connection, which a sliced transaction may hold open between turns — outside a turn the relay
   * would see, and send, the rows of a transaction that may yet roll back
   */
  turns?: Turns;
}

const DEFAULTS: RelayOptions = { batch: 500, pollMs: 1000, maxBackoffMs: 5000, log: () => {} };

interface OutboxRow {
  Id: number;
  MessageId: string;
  Topic: string;
  Key: string | null;
  Value: Buffer;
  Headers: string;
}

export class OutboxRelay {
  private readonly options: RelayOptions;
  private stopped = false;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;
  /** messages sent since start */
  sent = 0;

  constructor(
    private readonly store: ProjectStore,
    private readonly producer: () => Promise<MessageProducer>,
    options: Partial<RelayOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    ensureOutbox(store);
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** there is something new: look now rather than at the next poll */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.poke();
    await this.running;
  }

  /** rows not sent yet */
  pending(): number {
    return Number(this.store.all(`SELECT count(*) AS n FROM "${OUTBOX}" WHERE "SentAt" IS NULL`)[0]!.n);
  }

  private async loop(): Promise<void> {
    const { store } = this;
    const p = store.dialect.param;
    const unsent = `SELECT "Id", "MessageId", "Topic", "Key", "Value", "Headers" FROM "${OUTBOX}" WHERE "SentAt" IS NULL ORDER BY "Id" LIMIT ${p(1)}`;
    const failed = `UPDATE "${OUTBOX}" SET "Attempts" = "Attempts" + 1, "LastError" = ${p(1)} WHERE "Id" = ${p(2)}`;
    let producer: MessageProducer | undefined;
    let backoff = 100;
    while (!this.stopped) {
      const rows = (await this.inTurn(() => store.all(unsent, [this.options.batch]))) as unknown as OutboxRow[];
      if (rows.length === 0) {
        await this.idle();
        continue;
      }
      try {
        producer ??= await this.producer();
        await producer.send(
          rows.map((r) => ({
            topic: r.Topic,
            key: r.Key,
            value: r.Value,
            headers: { ...JSON.parse(r.Headers), 'message-id': r.MessageId },
          })),
        );
        const now = new Date().toISOString();
        const ids = rows.map((r) => r.Id);
        await this.inTurn(() =>
          store.run(`UPDATE "${OUTBOX}" SET "SentAt" = ${p(1)} WHERE "Id" IN (${ids.map((_, i) => p(i + 2)).join(', ')})`, [now, ...ids]),
        );
        this.sent += rows.length;
        backoff = 100;
      } catch (e) {
        const message = (e as Error).message;
        await this.inTurn(() => store.run(failed, [message, rows[0]!.Id]));
        this.options.log(
          `relay: could not send ${rows.length} outbox message${rows.length === 1 ? '' : 's'} (${message}); retrying in ${(backoff / 1000).toFixed(1)} s`,
        );
        await producer?.close().catch(() => {});
        producer = undefined;
        await this.sleep(backoff);
        backoff = Math.min(this.options.maxBackoffMs, backoff * 2);
      }
    }
    await producer?.close().catch(() => {});
  }

  private inTurn<T>(fn: () => T): Promise<T> {
    return this.options.turns ? this.options.turns.run(fn) : Promise.resolve(fn());
  }

  /** waits until another connection commits, a poke, or pollMs */
  private async idle(): Promise<void> {
    const version = () => this.store.changeMark();
    const start = version();
    const watchMs = this.options.watchMs ?? this.store.watchMs;
    const until = Date.now() + this.options.pollMs;
    let poked = false;
    while (!this.stopped && !poked && Date.now() < until && version() === start) {
      poked = await this.sleep(watchMs);
    }
  }

  /** resolves true when woken by a poke */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }
}
