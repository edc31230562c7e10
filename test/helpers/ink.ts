/**
 * For panes drawn by ink-testing-library: React runs a key's effects (ink re-subscribes the key
 * handlers in one) on a later turn of the event loop than the frame that shows the key's effect. A
 * key written before then reaches the previous handlers. `settle` lets those turns pass: it counts
 * turns of the event loop, not time, so it is as long on a busy machine as on a quiet one.
 */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}
