/**
 * The grants checked against the database when the API starts: a table, column or filter path that
 * does not exist is the project's mistake, named at start-up — not a 500 at some user's first request.
 */
import { ProjectError } from '../../project/errors.js';
import type { ApiModel } from '../jsonapi/model.js';
import { resolvePath } from '../jsonapi/query.js';
import { declaredGrants, pathsOf, rowFilter, type Action, type SecurityConfig, type User, type VerbGrant } from './access.js';

/** a user with every attribute unset: filters are computed once with it to find their paths */
const PROBE: User = { name: '', roles: [], attributes: {} };
const VERBS: Action[] = ['read', 'insert', 'update', 'delete'];

export function checkGrants(config: SecurityConfig, model: ApiModel): void {
  if (!config.enabled) return;
  for (const { role, table, grant } of declaredGrants(config)) {
    const at = `security/grants.ts: role ${role}, ${table}`;
    if (typeof grant.can !== 'string' || !/^[crud]*$/.test(grant.can)) throw new ProjectError(`${at}: can is a string of c r u d letters`);
    const type = table === '*' ? undefined : (model.byTable.get(table) ?? model.types.get(table));
    if (table !== '*' && !type)
      throw new ProjectError(`${at}: there is no table ${table} (the database has ${[...model.byTable.keys()].join(', ')})`);
    const parts: [string, VerbGrant | undefined][] = [
      ['', grant],
      ...VERBS.map((v): [string, VerbGrant | undefined] => [`${v}.`, grant[v]]),
    ];
    for (const [prefix, g] of parts) {
      if (!g) continue;
      const listed = g.columns === undefined ? [] : Array.isArray(g.columns) ? g.columns : (g.columns as { except: string[] }).except;
      if (g.columns !== undefined && !Array.isArray(listed))
        throw new ProjectError(`${at}: ${prefix}columns is a list of columns, or { except: [ … ] }`);
      if (!type) continue; // '*' grants apply to tables with and without such columns
      for (const c of listed) {
        if (!type.table.columnsByName.has(c))
          throw new ProjectError(
            `${at}: ${prefix}columns names ${c}, which ${table} does not have (it has ${[...type.table.columnsByName.keys()].join(', ')})`,
          );
      }
      if (g.where === undefined) continue;
      let paths: string[];
      try {
        paths = pathsOf(rowFilter(g.where, PROBE));
      } catch (e) {
        throw new ProjectError(`${at}: ${prefix}where: ${(e as Error).message}`);
      }
      for (const p of paths) {
        try {
          resolvePath(p, type, model, `${prefix}where`);
        } catch (e) {
          throw new ProjectError(`${at}: ${prefix}where names ${p}: ${(e as Error).message}`);
        }
      }
    }
  }
}
