/**
 * JSON from outside — request bodies, Kafka messages — parsed and described within fixed bounds.
 * A body nested thousands of levels deep is valid JSON, but every recursive walk of it (a schema
 * check, an error message's JSON.stringify) would overflow the stack: it is refused before parsing,
 * in the caller's terms.
 */

/** deeper than any real document (JSON:API's deepest is ~8 levels; partners' orders ~10) */
export const MAX_JSON_DEPTH = 64;

export class JsonBoundsError extends Error {
  override name = 'JsonBoundsError';
}

/** JSON.parse, after a linear scan that refuses nesting deeper than `maxDepth` (throws SyntaxError for bad JSON) */
export function parseBounded(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  const depth = nestingDepth(text);
  if (depth > maxDepth) throw new JsonBoundsError(`the JSON nests deeper than ${maxDepth} levels (arrays and objects within each other)`);
  return JSON.parse(text);
}

/** the deepest nesting of [ and { outside strings (malformed text is JSON.parse's to report) */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** a value for an error message, bounded: a long string is cut, a list or object is named, never spelled out */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'bigint') return `${value}`;
  if (Array.isArray(value)) return `a list (${value.length} item${value.length === 1 ? '' : 's'})`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}
