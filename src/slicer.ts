/**
 * Long work done a few milliseconds at a time: between slices it yields a turn of the event loop, so
 * one client's large read or write delays another client's request by at most one slice.
 */

/** the work done between two yields: the most one slice delays anyone else */
export const SLICE_MS = 2;

export class Slicer {
  private started = performance.now();

  constructor(private readonly ms = SLICE_MS) {}

  /** whether this slice's time is spent */
  due(): boolean {
    return performance.now() - this.started > this.ms;
  }

  /** a turn of the event loop for everyone else, then a new slice */
  async next(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.started = performance.now();
  }

  /** yields when this slice's time is spent */
  async pause(): Promise<void> {
    if (this.due()) await this.next();
  }
}
