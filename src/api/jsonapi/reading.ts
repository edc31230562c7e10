/**
 * A read written once, run two ways. A `Reading` is a generator that yields each query it needs and
 * receives that query's rows: run now, on a synchronous connection (inside a write transaction on
 * SQLite, where the engine cannot wait), or later, awaiting each query (a read route: on
 * PostgreSQL every query is a round trip; on SQLite a large one is taken in slices).
 */
import type { Slicer } from '../../slicer.js';
import type { Row } from '../../store/types.js';
import type { Select } from './sql.js';

/**
 * A query, or a batch of queries that do not depend on each other (a count and its page): a batch
 * is sent at once where that saves round trips (PostgreSQL's pipelined pool) and answered with the
 * rows of each, in order.
 */
export type Ask = Select | Batch;
export class Batch {
  constructor(readonly queries: readonly Select[]) {}
}

export type Reading<T> = Generator<Ask, T, Row[] & Row[][]>;

/** the rows of two queries asked together, from inside a Reading: `const [a, b] = yield* together(q1, q2)` */
export function* together(a: Select, b: Select): Generator<Ask, [Row[], Row[]], Row[] & Row[][]> {
  return (yield new Batch([a, b])) as unknown as [Row[], Row[]];
}

const answer = <R>(ask: Ask, one: (q: Select) => R): R | R[] => (ask instanceof Batch ? ask.queries.map(one) : one(ask));

/** runs `reading` answering each query at once */
export function readNow<T>(reading: Reading<T>, rows: (query: Select) => Row[]): T {
  let step = reading.next();
  while (!step.done) step = reading.next(answer(step.value, rows) as Row[] & Row[][]);
  return step.value;
}

/**
 * runs `reading` awaiting each query; with a slicer, yields to the event loop between them once its
 * time is spent. The queries of a batch are asked together when `together` is set (a reader that
 * pipelines them), else one after another (a connection that reads one statement at a time).
 */
export async function readLater<T>(
  reading: Reading<T>,
  read: (query: Select) => Promise<Row[]>,
  slicer?: Slicer,
  batches: 'together' | 'in turn' = 'in turn',
): Promise<T> {
  let step = reading.next();
  while (!step.done) {
    const ask = step.value;
    let rows: Row[] | Row[][];
    if (!(ask instanceof Batch)) rows = await read(ask);
    else if (batches === 'together') rows = await Promise.all(ask.queries.map(read));
    else {
      const each: Row[][] = [];
      for (const q of ask.queries) each.push(await read(q));
      rows = each;
    }
    await slicer?.pause();
    step = reading.next(rows as Row[] & Row[][]);
  }
  return step.value;
}
