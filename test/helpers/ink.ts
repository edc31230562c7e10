import { keysPending } from '../../src/tui/use-keys.js';

/**
 * For panes drawn by ink-testing-library: React runs a key's effects (ink re-subscribes the key
 * handlers in one) on a later turn of the event loop than the frame that shows the key's effect. A
 * key written before then reaches the previous handlers. `settle` lets those turns pass: it counts
 * turns of the event loop, not time, so it is as long on a busy machine as on a quiet one.
 */
export async function settle(): Promise<void> {
  // and the keys of one write, handed over a key per frame (src/tui/use-keys.ts), all delivered and drawn
  for (let quiet = 0, i = 0; quiet < 3 && i < 100_000; i++) {
    await new Promise((r) => setImmediate(r));
    quiet = keysPending() > 0 ? 0 : quiet + 1;
  }
}
