/** Partition logs on their own: offsets, reads, a torn tail cut off on reopen, retention by size. */
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PartitionLog, DEFAULT_LOG_OPTIONS } from '../../src/kafka/broker/partition-log.js';
import { readBatches } from '../../src/kafka/protocol/batch.js';
import { crc32c } from '../../src/kafka/protocol/crc32c.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alsx-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** a valid record batch of `records` empty records (enough for the log, which stores batches as sent) */
function batch(records: number, payload = 0, timestamp = Date.now()): Buffer {
  const b = Buffer.alloc(61 + payload);
  b.writeInt32BE(b.length - 12, 8);
  b.writeInt8(2, 16);
  b.writeInt32BE(records - 1, 23); // lastOffsetDelta
  b.writeBigInt64BE(BigInt(timestamp), 27);
  b.writeBigInt64BE(BigInt(timestamp), 35);
  b.writeBigInt64BE(-1n, 43);
  b.writeInt16BE(-1, 51);
  b.writeInt32BE(-1, 53);
  b.writeInt32BE(records, 57);
  b.writeUInt32BE(crc32c(b, 21), 17);
  return b;
}

const append = (log: PartitionLog, b: Buffer) => log.append(b, readBatches(b)).offset;

describe('a partition log', () => {
  it('assigns offsets batch by batch and reads from any offset inside a batch', () => {
    const log = new PartitionLog(join(dir, 't-0'));
    expect(append(log, batch(3))).toBe(0);
    expect(append(log, batch(2))).toBe(3);
    expect(log.endOffset).toBe(5);
    const fromFour = log.read(4, 1 << 20);
    expect(readBatches(fromFour).length).toBe(1);
    expect(fromFour.readBigInt64BE(0)).toBe(3n); // the batch holding offset 4 starts at 3
    expect(log.read(5, 1 << 20).length).toBe(0);
    log.close();
  });

  it('cuts a torn tail (a write a crash interrupted) on reopen, keeping every whole batch', () => {
    const path = join(dir, 't-0');
    const log = new PartitionLog(path);
    append(log, batch(3, 100));
    append(log, batch(2, 100));
    log.close();
    const file = join(path, readdirSync(path).find((f) => f.endsWith('.log'))!);
    const whole = statSync(file).size;
    appendFileSync(file, batch(4, 100).subarray(0, 90)); // half a batch
    const reopened = new PartitionLog(path);
    expect(reopened.endOffset).toBe(5);
    expect(reopened.recovery[0]).toMatch(/cut a torn tail of 90 bytes/);
    expect(statSync(file).size).toBe(whole);
    expect(append(reopened, batch(1))).toBe(5);
    reopened.close();
  });

  it('drops a corrupted tail batch too (its CRC does not match)', () => {
    const path = join(dir, 't-0');
    const log = new PartitionLog(path);
    append(log, batch(1, 50));
    log.close();
    const bad = batch(1, 50);
    bad[70] = bad[70]! ^ 0xff;
    appendFileSync(join(path, readdirSync(path).find((f) => f.endsWith('.log'))!), bad);
    const reopened = new PartitionLog(path);
    expect(reopened.endOffset).toBe(1);
    reopened.close();
  });

  it('keeps to its retention size by dropping whole old segments', () => {
    const log = new PartitionLog(join(dir, 't-0'), { ...DEFAULT_LOG_OPTIONS, fsync: 'none', segmentBytes: 1000, retentionBytes: 3000 });
    for (let i = 0; i < 40; i++) append(log, batch(1, 200));
    expect(log.endOffset).toBe(40);
    expect(log.startOffset).toBeGreaterThan(0);
    expect(log.read(0, 1 << 20).readBigInt64BE(0)).toBe(BigInt(log.startOffset));
    const total = readdirSync(join(dir, 't-0')).reduce((n, f) => n + statSync(join(dir, 't-0', f)).size, 0);
    expect(total).toBeLessThanOrEqual(3000 + 1000);
    log.close();
  });

  it('drops whole segments whose newest record is older than the retention time', () => {
    const log = new PartitionLog(join(dir, 't-0'), { ...DEFAULT_LOG_OPTIONS, fsync: 'none', segmentBytes: 500, retentionMs: 60_000 });
    const old = Date.now() - 3_600_000;
    for (let i = 0; i < 10; i++) append(log, batch(1, 200, old));
    for (let i = 0; i < 3; i++) append(log, batch(1, 200));
    expect(log.startOffset).toBeGreaterThanOrEqual(9); // the hour-old records are gone (the active segment stays)
    expect(log.endOffset).toBe(13);
    log.close();
  });

  it('opens from its index, and falls back to reading the log when the index is damaged', () => {
    const path = join(dir, 't-0');
    const log = new PartitionLog(path);
    for (let i = 0; i < 20; i++) append(log, batch(2, 30));
    log.close();
    const index = join(path, readdirSync(path).find((f) => f.endsWith('.index'))!);
    expect(statSync(index).size).toBe(20 * 28);
    const fromIndex = new PartitionLog(path);
    expect([fromIndex.startOffset, fromIndex.endOffset]).toEqual([0, 40]);
    expect(fromIndex.read(17, 1 << 20).readBigInt64BE(0)).toBe(16n);
    fromIndex.close();
    writeFileSync(index, Buffer.alloc(100, 0xab)); // garbage
    const rebuilt = new PartitionLog(path);
    expect(rebuilt.endOffset).toBe(40);
    expect(rebuilt.read(39, 1 << 20).readBigInt64BE(0)).toBe(38n);
    rebuilt.close();
    expect(statSync(index).size).toBe(20 * 28); // rewritten whole
  });
});
