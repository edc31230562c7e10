/**
 * Who a request/reply call runs as, and why a worker may believe it.
 *
 * The API decides who the caller is (the token's user, or the anonymous user on a public method)
 * and puts them into the request with a signature: an HMAC-SHA256, under a key derived from the
 * project's secret (the one its login tokens are signed with), over the caller and everything else
 * in the request — service, method, parameters, request id, reply topic and deadline. A worker runs
 * the method as a caller only when the signature verifies, so a message produced straight to the
 * request topic cannot name a caller it is not (nor reuse a signed caller for other parameters, another
 * method or another reply topic). A request with no caller is one from Kafka itself: it may call public
 * methods (as the anonymous user), or run as the service's `kafkaUser` when the project names one;
 * otherwise it is refused.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { User } from '../../api/security/access.js';
import type { Method } from './declare.js';

/** what a signature covers */
export interface SignedCall {
  service: string;
  request_id: string;
  sink: string;
  method: string;
  params: Record<string, unknown>;
  deadline?: number;
  caller: User;
}

/** the key signatures are made with: derived from the project's secret, so it signs nothing else */
export function callerKey(projectSecret: string): Buffer {
  return createHmac('sha256', projectSecret).update('alsx request/reply caller v1').digest();
}

export function signCall(call: SignedCall, key: Buffer): string {
  return createHmac('sha256', key).update(canonical(call)).digest('base64url');
}

export function verifyCall(call: SignedCall, signature: unknown, key: Buffer): boolean {
  if (typeof signature !== 'string') return false;
  const expected = Buffer.from(signCall(call, key));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** JSON with every object's keys sorted: the same text for the same values, whatever order they came in */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** a caller as a request carries it: plain data, checked for shape (the signature says whether to believe it) */
export function callerOf(v: unknown): User | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const c = v as Record<string, unknown>;
  if (typeof c.name !== 'string' || !Array.isArray(c.roles) || !c.roles.every((r) => typeof r === 'string')) return undefined;
  const attributes = c.attributes !== null && typeof c.attributes === 'object' && !Array.isArray(c.attributes) ? c.attributes : {};
  return { name: c.name, roles: c.roles as string[], attributes: attributes as User['attributes'] };
}

/** the caller as it travels: name, roles and attributes, nothing else */
export function callerData(user: User): User {
  return { name: user.name, roles: [...user.roles], attributes: { ...(user.attributes ?? {}) } };
}

/** why `user` may not call a method limited to roles (the 403's words), or undefined when they may */
export function roleRefusal(service: string, name: string, method: Method, user: User): string | undefined {
  if (!method.roles || method.public || user.roles.some((r) => method.roles!.includes(r))) return undefined;
  const roles = method.roles.length === 1 ? `the role ${method.roles[0]}` : `the roles ${method.roles.join(', ')}`;
  return `${service}.${name} is for ${roles}; ${user.name} has ${user.roles.length ? user.roles.join(', ') : 'no role'}`;
}
