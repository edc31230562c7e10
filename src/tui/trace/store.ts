/**
 * The Trace pane's memory: the last N finished transactions in a ring buffer, fed by the runtime
 * (supervisor 'tx' events) or a past run's traces.jsonl. Listeners hear of changes at most every
 * `notifyMs`, so a burst of 1,000 transactions a second costs the pane ~10 renders, not 1,000.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { TxRecord } from '../../runtime/protocol.js';

export interface TraceCounts {
  committed: number;
  rejected: number;
  dryRun: number;
}

export interface TraceStoreOptions {
  /** how many transactions are kept (the oldest go first) */
  capacity?: number;
  /** the shortest time between two notifications */
  notifyMs?: number;
}

export class TraceStore {
  readonly capacity: number;
  private readonly notifyMs: number;
  private readonly ring: (TxRecord | undefined)[];
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private lastNotified = 0;
  /** transactions received since start (or clear); each one's number is its arrival order */
  private received = 0;
  /** changes with every push or clear: what React compares to know it must draw again */
  version = 0;
  /** by outcome, every transaction received (not only those still kept) */
  readonly counts: TraceCounts = { committed: 0, rejected: 0, dryRun: 0 };

  constructor(options: TraceStoreOptions = {}) {
    this.capacity = Math.max(1, options.capacity ?? 5000);
    this.notifyMs = options.notifyMs ?? 100;
    this.ring = new Array(this.capacity);
  }

  /** how many are kept */
  get size(): number {
    return Math.min(this.received, this.capacity);
  }

  /** the number of the oldest kept transaction; the newest is `end - 1` */
  get start(): number {
    return this.received - this.size;
  }

  get end(): number {
    return this.received;
  }

  /** a kept transaction by its number (undefined once it has been pushed out) */
  get(n: number): TxRecord | undefined {
    return n >= this.start && n < this.received ? this.ring[n % this.capacity] : undefined;
  }

  push(record: TxRecord): void {
    this.ring[this.received % this.capacity] = record;
    this.received++;
    if (!record.ok) this.counts.rejected++;
    else if (record.dryRun) this.counts.dryRun++;
    else this.counts.committed++;
    this.changed();
  }

  clear(): void {
    this.ring.fill(undefined);
    this.received = 0;
    Object.assign(this.counts, { committed: 0, rejected: 0, dryRun: 0 });
    this.changed();
  }

  /**
   * Adds a past run from a traces.jsonl (one TxRecord a line). Only the last `capacity` lines are
   * parsed — a long run's file can hold millions; lines that are not a transaction are skipped.
   */
  async load(file: string): Promise<{ loaded: number; skipped: number }> {
    const tail: string[] = new Array(this.capacity);
    let lines = 0;
    const input = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const line of input) {
      if (!line.trim()) continue;
      tail[lines % this.capacity] = line;
      lines++;
    }
    let loaded = 0;
    let skipped = 0;
    for (let n = Math.max(0, lines - this.capacity); n < lines; n++) {
      const record = parseRecord(tail[n % this.capacity]!);
      if (record) {
        this.push(record);
        loaded++;
      } else skipped++;
    }
    return { loaded, skipped };
  }

  /** `listener` runs after changes, at most every notifyMs; returns the unsubscribe */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private changed(): void {
    this.version++;
    if (this.timer) return;
    // leading edge soon (a lone transaction shows at once), then no more often than notifyMs
    const wait = Math.max(0, this.lastNotified + this.notifyMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastNotified = Date.now();
      for (const l of this.listeners) l();
    }, wait);
    this.timer.unref?.();
  }
}

/** a line of traces.jsonl, if it is a transaction (missing optional parts filled in) */
export function parseRecord(line: string): TxRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const r = v as Partial<TxRecord>;
  if (typeof r.tx !== 'string' || typeof r.ok !== 'boolean') return undefined;
  if (r.trace !== undefined && !Array.isArray(r.trace)) return undefined;
  return {
    ...r,
    at: typeof r.at === 'string' ? r.at : '',
    child: r.child ?? 'api',
    tx: r.tx,
    origin: typeof r.origin === 'string' ? r.origin : '?',
    ok: r.ok,
    dryRun: r.dryRun === true,
    durationMs: typeof r.durationMs === 'number' ? r.durationMs : NaN,
    changes: Array.isArray(r.changes) ? r.changes : [],
    trace: r.trace ?? [],
  } as TxRecord;
}
