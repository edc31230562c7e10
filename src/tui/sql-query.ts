/**
 * `:sql`: a read-only query on the project's database, off the workbench's thread, with a row cap
 * and esc to stop it (src/store/read-query.ts) — on SQLite or PostgreSQL alike.
 */
import { NotReadOnly, readOnlyQuery, type QueryOptions, type QueryResult, type QueryTarget } from '../store/read-query.js';

export { QueryCancelled, type QueryResult } from '../store/read-query.js';

/** `query` on the database `target`, at most `max` rows (500); rejects with QueryCancelled when `signal` aborts */
export async function readQuery(target: QueryTarget, query: string, options: QueryOptions = {}): Promise<QueryResult> {
  try {
    return await readOnlyQuery(target, query, options);
  } catch (e) {
    if (e instanceof NotReadOnly) throw new Error(':sql only reads; change data with :tx or the API');
    throw e;
  }
}
