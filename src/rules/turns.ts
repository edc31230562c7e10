/**
 * Whose turn it is to write, in this process. A sliced transaction (Engine.transactionSliced) keeps
 * its database transaction open while it yields to the event loop; any other write in the meantime
 * would land inside it. So every write path takes a turn first: at once when nobody holds it, else
 * in arrival order once the holder is done.
 */
export class Turns {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  /** resolves when it is the caller's turn, with the function that ends it (call it exactly once) */
  async take(): Promise<() => void> {
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.held = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.held = false;
    };
  }

  /** runs `fn` in a turn of its own */
  async run<T>(fn: () => T | Promise<T>): Promise<T> {
    const release = await this.take();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
