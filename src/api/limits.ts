/**
 * What one request may cost: bounds that keep a single client from holding the API (and every
 * other client) for seconds. Each has a default a real app does not reach; a project may change
 * them in alsx.config.ts (`api: { limits: { … } }`). Going past one is a 400 that names it.
 */
import type { OpenProject } from '../project/load.js';
import { ProjectError } from '../project/errors.js';

export interface ApiLimits {
  /** relationships in one include path (include=a.b.c is 3) */
  includeDepth: number;
  /** include paths in one request */
  includePaths: number;
  /** resources in one response's `included` */
  included: number;
  /** operations in one atomic request */
  operations: number;
  /** items in one list of a mapped document (an order's Items) */
  mappedItems: number;
  /** values in one filter[…][in] */
  filterValues: number;
}

export const DEFAULT_LIMITS: Readonly<ApiLimits> = Object.freeze({
  includeDepth: 3,
  includePaths: 10,
  included: 2000,
  operations: 500,
  mappedItems: 1000,
  filterValues: 500,
});

/** the project's limits (alsx.config.ts `api.limits`) over the defaults; a mistake there is named */
export function projectLimits(project: OpenProject): ApiLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(project.config.api?.limits ?? {})) {
    if (!(name in DEFAULT_LIMITS))
      throw new ProjectError(`alsx.config.ts: api.limits.${name} is not a limit; the limits are ${Object.keys(DEFAULT_LIMITS).join(', ')}`);
    if (!Number.isSafeInteger(value) || (value as number) < 1)
      throw new ProjectError(`alsx.config.ts: api.limits.${name} must be a whole number ≥ 1, got ${String(value)}`);
    limits[name as keyof ApiLimits] = value as number;
  }
  return limits;
}

/** how a refusal names the limit and where it is set */
export const limitHint = (name: keyof ApiLimits, value: number): string => `the limit is ${value} (api.limits.${name} in alsx.config.ts)`;
