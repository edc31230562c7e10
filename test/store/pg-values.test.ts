/** pg-values.ts: PostgreSQL values in the shapes SQLite gives the engine, parser by parser and through a real server */
import { describe, expect, it } from 'vitest';
import { parseInt8, parseTimestamp, parseTimestamptz } from '../../src/store/pg-values.js';
import { pgTestDatabase } from '../helpers/postgres.js';

const db = pgTestDatabase();

describe('pg type parsers (no server)', () => {
  it('int8: a number while exact, a bigint beyond 2^53', () => {
    expect(parseInt8('42')).toBe(42);
    expect(parseInt8('-9007199254740991')).toBe(-9007199254740991);
    expect(parseInt8('9007199254740993')).toBe(9007199254740993n);
    expect(parseInt8('-9223372036854775808')).toBe(-9223372036854775808n);
  });

  it('timestamp: ISO with a T, fraction kept; special values as they are', () => {
    expect(parseTimestamp('2024-02-29 13:14:15')).toBe('2024-02-29T13:14:15');
    expect(parseTimestamp('2024-02-29 13:14:15.123456')).toBe('2024-02-29T13:14:15.123456');
    expect(parseTimestamp('infinity')).toBe('infinity');
  });

  it('timestamptz: the same instant in UTC, …Z, whatever the session time zone', () => {
    expect(parseTimestamptz('2024-02-29 13:14:15+00')).toBe('2024-02-29T13:14:15Z');
    expect(parseTimestamptz('2024-03-01 01:14:15.5+02')).toBe('2024-02-29T23:14:15.5Z');
    expect(parseTimestamptz('2024-02-29 18:44:15+05:30')).toBe('2024-02-29T13:14:15Z');
    expect(parseTimestamptz('1883-11-18 12:03:58-04:56:02')).toBe('1883-11-18T17:00:00Z');
    expect(parseTimestamptz('0099-01-01 00:00:00+00')).toBe('0099-01-01T00:00:00Z');
    expect(parseTimestamptz('-infinity')).toBe('-infinity');
  });
});

describe('values read from PostgreSQL through a pool with pgTypes', () => {
  it('numbers, booleans, dates, bytes, and the text of everything else', async () => {
    const { rows } = await db.pool.query(`SELECT
        12.50::numeric(10,2) AS dec, 0.1::numeric + 0.2::numeric AS exact_sum, 42::int8 AS small, 9007199254740993::int8 AS big,
        count(*) AS n, 7::int2 AS i2, 8::int4 AS i4, 1.5::float8 AS f8, 2.5::float4 AS f4,
        true AS t, false AS f, NULL::boolean AS nb,
        '2024-02-29'::date AS d, '2024-02-29 13:14:15.25'::timestamp AS ts, '2024-02-29 15:14:15+02'::timestamptz AS tz,
        '\\x0102ff'::bytea AS b, '{"a": [1, 2]}'::jsonb AS j, ARRAY[1, 2] AS arr,
        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u, '1 day'::interval AS iv, '13:14'::time AS tm`);
    expect(rows[0]).toEqual({
      dec: 12.5,
      exact_sum: 0.3, // numeric adds exactly; the text '0.3' becomes the number 0.3
      small: 42,
      big: 9007199254740993n,
      n: 1, // count(*) is int8: a number, not '1'
      i2: 7,
      i4: 8,
      f8: 1.5,
      f4: 2.5,
      t: 1,
      f: 0,
      nb: null,
      d: '2024-02-29',
      ts: '2024-02-29T13:14:15.25',
      tz: '2024-02-29T13:14:15Z',
      b: Buffer.from([1, 2, 255]),
      j: '{"a": [1, 2]}',
      arr: '{1,2}',
      u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      iv: '1 day',
      tm: '13:14:00',
    });
  });

  it('timestamptz is UTC in any session time zone', async () => {
    const client = await db.pool.connect();
    try {
      await client.query(`SET TimeZone = 'Asia/Kolkata'`);
      const { rows } = await client.query(`SELECT '2024-02-29 13:14:15.5+00'::timestamptz AS tz`);
      expect(rows[0].tz).toBe('2024-02-29T13:14:15.5Z');
    } finally {
      await client.query('RESET TimeZone');
      client.release();
    }
  });

  it('values go back in as the engine holds them: 1/0 for booleans, ISO text for times, bigint', async () => {
    await db.exec(`CREATE TABLE v (flag boolean, at timestamp, atz timestamptz, big bigint, amount numeric(10,2))`);
    await db.pool.query(`INSERT INTO v VALUES ($1, $2, $3, $4, $5)`, [
      1,
      '2026-01-15T10:00:00.000Z',
      '2026-01-15T10:00:00.000Z',
      9007199254740993n,
      12.345,
    ]);
    await db.pool.query(`INSERT INTO v VALUES ($1, NULL, NULL, NULL, NULL)`, [0]);
    const { rows } = await db.pool.query(`SELECT * FROM v ORDER BY flag DESC`);
    expect(rows).toEqual([
      { flag: 1, at: '2026-01-15T10:00:00', atz: '2026-01-15T10:00:00Z', big: 9007199254740993n, amount: 12.35 },
      { flag: 0, at: null, atz: null, big: null, amount: null },
    ]);
  });
});
