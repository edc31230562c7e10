/**
 * Waiting on a condition instead of on the clock. A test never sleeps for a fixed time and then
 * looks: it looks again and again until what it waits for is there, and fails naming it only after
 * a generous bound. The bound matters only when the test is failing anyway, so it is long enough
 * for a machine busy with other work (a quiet machine passes in a fraction of it).
 */

export interface WaitOptions {
  /** what is awaited, for the failure message: "the outbox to drain" */
  what: string;
  /** how long before giving up, in ms (default 30 s) */
  timeout?: number;
  /** how often to look again, in ms (default 20) */
  every?: number;
  /** more to say on failure: the screen, the last log lines, the value last seen */
  detail?: () => string;
}

export const WAIT_MS = 30_000;

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** resolves with the condition's first truthy value; fails after `timeout` naming what it waited for */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitOptions): Promise<Truthy<T>> {
  const timeout = options.timeout ?? WAIT_MS;
  const end = Date.now() + timeout;
  for (;;) {
    const value = await condition();
    if (value) return value as Truthy<T>;
    if (Date.now() > end) {
      const detail = options.detail?.();
      throw new Error(`waited ${timeout} ms for ${options.what}, in vain${detail ? `:\n${detail}` : ''}`);
    }
    await pause(options.every ?? 20);
  }
}

/** retries `check` (assertions) until it passes; fails with its last error after `timeout` */
export async function eventually<T>(check: () => T | Promise<T>, options: WaitOptions): Promise<T> {
  let last: unknown;
  let result: T | undefined;
  try {
    await waitFor(async () => {
      try {
        result = await check();
        return true;
      } catch (e) {
        last = e;
        return false;
      }
    }, options);
  } catch (timedOut) {
    if (last instanceof Error) last.message = `${(timedOut as Error).message}\nthe last try failed: ${last.message}`;
    throw last ?? timedOut;
  }
  return result as T;
}
