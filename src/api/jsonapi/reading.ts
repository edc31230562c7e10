/**
 * A read written once, run two ways. A `Reading` is a generator that yields each query it needs and
 * receives that query's rows: run now, on a synchronous connection (inside a write transaction on
 * SQLite, where the engine cannot wait), or later, awaiting each query (a read route: on
 * PostgreSQL every query is a round trip; on SQLite a large one is taken in slices).
 */
import type { Slicer } from '../../slicer.js';
import type { Row } from '../../store/types.js';
import type { Select } from './sql.js';

export type Reading<T> = Generator<Select, T, Row[]>;

/** runs `reading` answering each query at once */
export function readNow<T>(reading: Reading<T>, rows: (query: Select) => Row[]): T {
  let step = reading.next();
  while (!step.done) step = reading.next(rows(step.value));
  return step.value;
}

/** runs `reading` awaiting each query; with a slicer, yields to the event loop between them once its time is spent */
export async function readLater<T>(reading: Reading<T>, read: (query: Select) => Promise<Row[]>, slicer?: Slicer): Promise<T> {
  let step = reading.next();
  while (!step.done) {
    const rows = await read(step.value);
    await slicer?.pause();
    step = reading.next(rows);
  }
  return step.value;
}
