/**
 * Values from PostgreSQL in the shapes the engine already knows from SQLite (types.ts `Value`):
 * numbers for numeric and int8 (a bigint only above 2^53), ISO text for dates and times, 0/1 for
 * booleans, a Buffer for bytea, and the server's own text for everything else (uuid, json, arrays,
 * intervals …: no JS objects or arrays, which `Value` does not allow).
 *
 * Given to each pool (`new pg.Pool({ types: pgTypes })`), never set globally on `pg.types`, so another
 * library in the same process that uses `pg` keeps its defaults.
 */
import pg from 'pg';

/** type OIDs (pg_type.oid, fixed for built-in types) */
export const PgOid = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  float4: 700,
  float8: 701,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
} as const;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** int8 (count(*), sum(int), bigint keys): a number while it is exact, a bigint beyond */
export function parseInt8(text: string): number | bigint {
  const n = Number(text);
  if (Number.isSafeInteger(n)) return n;
  const big = BigInt(text);
  return big > MAX_SAFE || big < -MAX_SAFE ? big : n;
}

/** numeric: a number, as SQLite's REAL holds DECIMAL today (the engine computes with decimals and rounds to scale) */
export function parseNumeric(text: string): number {
  return Number(text);
}

/** timestamp without time zone: `2024-01-02 03:04:05[.ffffff]` → `2024-01-02T03:04:05[.ffffff]` */
export function parseTimestamp(text: string): string {
  return text.length >= 19 && text[10] === ' ' ? `${text.slice(0, 10)}T${text.slice(11)}` : text; // 'infinity', BC dates: as they are
}

const TZ = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?$/;

/**
 * timestamp with time zone, shown in the session's TimeZone (`2024-01-02 05:04:05.5+02`) → the same
 * instant in UTC, `2024-01-02T03:04:05.5Z` (fraction kept to the digits the server sent)
 */
export function parseTimestamptz(text: string): string {
  const m = TZ.exec(text);
  if (!m) return text; // 'infinity', '-infinity', BC dates
  const [, y, mo, d, h, mi, s, fraction = '', sign, oh, om = '0', os = '0'] = m;
  const offset = (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60 + Number(os));
  const utc = new Date(0);
  utc.setUTCFullYear(Number(y), Number(mo) - 1, Number(d)); // not Date.UTC, which reads years 0–99 as 1900–1999
  utc.setUTCHours(Number(h), Number(mi), Number(s) - offset, 0);
  const iso = utc.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  return `${iso.slice(0, 19)}${fraction}Z`;
}

export function parseBool(text: string): number {
  return text === 't' ? 1 : 0;
}

const own: Record<number, (text: string) => unknown> = {
  [PgOid.bool]: parseBool,
  [PgOid.int8]: parseInt8,
  [PgOid.numeric]: parseNumeric,
  [PgOid.date]: (text) => text,
  [PgOid.timestamp]: parseTimestamp,
  [PgOid.timestamptz]: parseTimestamptz,
};
/** pg's own parsers are right for these (numbers, and bytea's `\x…` into a Buffer) */
const pgDefault = new Set<number>([PgOid.bytea, PgOid.int2, PgOid.int4, PgOid.oid, PgOid.float4, PgOid.float8]);
const asText = (text: string) => text;

/** the type parsers of every alsx pool (text format; binary results are left to pg) */
export const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary');
    const parser = own[oid];
    if (parser) return parser;
    if (pgDefault.has(oid)) return pg.types.getTypeParser(oid, 'text');
    return asText; // json, uuid, arrays, intervals, enums …: the server's text
  }) as pg.CustomTypesConfig['getTypeParser'],
};
