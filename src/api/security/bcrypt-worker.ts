/**
 * A worker thread that checks bcrypt hashes (passwords.ts starts it): bcryptjs computes on the thread
 * that calls it, so here it blocks this thread, not the API's event loop.
 */
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

parentPort!.on('message', ({ id, password, hash }: { id: number; password: string; hash: string }) => {
  let ok = false;
  try {
    ok = bcrypt.compareSync(password, hash);
  } catch {
    // a malformed hash matches nothing
  }
  parentPort!.postMessage({ id, ok });
});
