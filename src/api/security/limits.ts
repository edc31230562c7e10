/**
 * What keeps password guessing slow and cheap to refuse:
 *
 * - LoginLimiter: failed logins counted per user name and per client address. Once a name (or an
 *   address) has `perUser` (`perAddress`) failures within `windowSeconds`, it waits — a minute after
 *   the last failure, doubling with each further one, at most the window — and is answered 429 with
 *   Retry-After, without a password check. Logins still being checked count too, so a burst of
 *   parallel guesses gets no more checks than a sequence. A successful login clears the name's count
 *   (not the address's: logging in to one's own account does not buy more guesses at others').
 * - CheckQueue: at most `concurrentChecks` password checks at once (each takes ~100 ms of a core
 *   and 32 MiB), at most `queuedChecks` waiting; beyond that a login is answered 503 at once.
 */

export interface LoginLimits {
  /** failed logins a user name may have in the window before it must wait (default 5) */
  perUser?: number;
  /** failed logins from one address in the window before it must wait (default 20) */
  perAddress?: number;
  /** how long failures are remembered, and the longest wait (default 900: 15 minutes) */
  windowSeconds?: number;
  /** password checks computed at once (default 2) */
  concurrentChecks?: number;
  /** logins waiting for a check before more are turned away with 503 (default 64) */
  queuedChecks?: number;
}

export const DEFAULT_LOGIN_LIMITS: Required<LoginLimits> = {
  perUser: 5,
  perAddress: 20,
  windowSeconds: 900,
  concurrentChecks: 2,
  queuedChecks: 64,
};

/** the first wait once the limit is reached, in seconds; each further failure doubles it */
const FIRST_WAIT = 60;
/** counters kept per kind before the oldest are forgotten (memory stays bounded under a flood of names) */
const MAX_TRACKED = 10_000;

interface Counter {
  failures: number;
  /** when the last failure was, ms */
  last: number;
  /** logins with this key being checked now */
  pending: number;
}

export class LoginLimiter {
  private readonly limits: Required<LoginLimits>;
  private readonly users = new Map<string, Counter>();
  private readonly addresses = new Map<string, Counter>();

  constructor(
    limits: LoginLimits = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
  }

  /** seconds `user` from `address` must wait before trying again; 0: may try now */
  wait(user: string, address: string): number {
    return Math.max(this.waitFor(this.users, user, this.limits.perUser), this.waitFor(this.addresses, address, this.limits.perAddress));
  }

  /** a login is being checked */
  begin(user: string, address: string): void {
    this.counter(this.users, user).pending++;
    this.counter(this.addresses, address).pending++;
  }

  /** …and this was its outcome: 'unchecked' when it was turned away before its password was checked */
  end(user: string, address: string, outcome: 'ok' | 'failed' | 'unchecked'): void {
    const now = this.now();
    for (const [map, key] of [
      [this.users, user],
      [this.addresses, address],
    ] as const) {
      const c = this.counter(map, key);
      c.pending = Math.max(0, c.pending - 1);
      if (outcome === 'failed') {
        c.failures++;
        c.last = now;
      }
    }
    const c = this.users.get(user);
    if (outcome === 'ok' && c) {
      c.failures = 0;
      if (c.pending === 0) this.users.delete(user);
    }
  }

  private waitFor(map: Map<string, Counter>, key: string, limit: number): number {
    const c = map.get(key);
    if (!c) return 0;
    const window = this.limits.windowSeconds * 1000;
    const now = this.now();
    if (c.failures > 0 && now - c.last >= window) {
      c.failures = 0; // forgotten
      if (c.pending === 0) map.delete(key);
    }
    if (c.failures + c.pending < limit) return 0;
    if (c.failures < limit) return 1; // the limit is reached only by logins being checked: a moment
    const wait = Math.min(window, FIRST_WAIT * 1000 * 2 ** Math.min(c.failures - limit, 30));
    return Math.max(0, Math.ceil((c.last + wait - now) / 1000));
  }

  private counter(map: Map<string, Counter>, key: string): Counter {
    let c = map.get(key);
    if (!c) {
      if (map.size >= MAX_TRACKED) this.forgetOldest(map);
      c = { failures: 0, last: 0, pending: 0 };
      map.set(key, c);
    }
    return c;
  }

  private forgetOldest(map: Map<string, Counter>): void {
    const window = this.limits.windowSeconds * 1000;
    const now = this.now();
    for (const [k, c] of map) if (c.pending === 0 && now - c.last >= window) map.delete(k);
    // still full: the least recently inserted go (Map keeps insertion order)
    for (const [k] of map) {
      if (map.size < MAX_TRACKED) break;
      map.delete(k);
    }
  }
}

export class Busy extends Error {
  override name = 'Busy';
}

/** runs tasks at most `concurrent` at a time, with at most `queued` waiting; beyond that `run` throws Busy */
export class CheckQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrent: number,
    private readonly queued: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrent) {
      if (this.waiting.length >= this.queued) throw new Busy('too many logins are being checked');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
