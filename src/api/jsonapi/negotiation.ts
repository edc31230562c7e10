/**
 * JSON:API content negotiation (https://jsonapi.org/format/#content-negotiation-servers):
 * 415 for a request body that is not the JSON:API media type (or carries parameters other than
 * ext/profile, or an extension we do not support), 406 when every JSON:API type the client accepts
 * carries such parameters.
 */
import { ApiError } from './errors.js';

export const MEDIA_TYPE = 'application/vnd.api+json';
export const ATOMIC_EXT = 'https://jsonapi.org/ext/atomic';

interface MediaRange {
  type: string;
  params: Map<string, string>;
}

function parseRanges(header: string): MediaRange[] {
  return header.split(',').map((part) => {
    const [type, ...params] = part.split(';');
    const map = new Map<string, string>();
    for (const p of params) {
      const i = p.indexOf('=');
      if (i < 0) continue;
      map.set(
        p.slice(0, i).trim().toLowerCase(),
        p
          .slice(i + 1)
          .trim()
          .replace(/^"(.*)"$/, '$1'),
      );
    }
    return { type: (type ?? '').trim().toLowerCase(), params: map };
  });
}

/** the extensions a JSON:API media type names, or null when it carries a parameter JSON:API forbids */
function extensions(range: MediaRange, supported: string[]): string[] | null {
  for (const [k] of range.params) if (k !== 'ext' && k !== 'profile' && k !== 'q') return null;
  const ext = range.params.get('ext')?.split(/\s+/).filter(Boolean) ?? [];
  return ext.every((e) => supported.includes(e)) ? ext : null;
}

/** checks a request body's Content-Type; returns the extensions it uses */
export function checkContentType(header: string | undefined, supported: string[] = []): string[] {
  const range = header ? parseRanges(header)[0] : undefined;
  if (!range || range.type !== MEDIA_TYPE) {
    throw new ApiError(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      `send the body as ${MEDIA_TYPE}${supported.length ? `; ext="${supported[0]}"` : ''} (got ${header ?? 'no Content-Type'})`,
      { header: 'Content-Type' },
    );
  }
  const ext = extensions(range, supported);
  if (ext === null) {
    throw new ApiError(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      `${header}: only the ext and profile parameters are allowed${supported.length ? `, and ext may name ${supported.join(' ')}` : ', and no extension is supported here'}`,
      { header: 'Content-Type' },
    );
  }
  return ext;
}

/** 406 when the client accepts JSON:API only with parameters we cannot honour */
export function checkAccept(header: string | undefined, supported: string[] = []): void {
  if (!header) return;
  const jsonapi = parseRanges(header).filter((r) => r.type === MEDIA_TYPE);
  if (jsonapi.length === 0) return;
  if (jsonapi.every((r) => extensions(r, supported) === null)) {
    throw new ApiError(
      406,
      'not-acceptable',
      'Not acceptable',
      `${header}: every ${MEDIA_TYPE} you accept carries parameters this server does not support`,
      { header: 'Accept' },
    );
  }
}
