/**
 * One partition's log: append-only segment files of record batches as the producers sent them
 * (offsets assigned by the broker), an in-memory index of batches rebuilt on open, recovery of a
 * torn tail after a crash, fsync per append by default, and retention by size and age.
 *
 *   <data>/<topic>-<partition>/00000000000000000000.log (+ .index), 00000000000000052311.log, …
 *
 * The index is written after the data and never fsynced: on open it is trusted as far as it agrees
 * with the log (and the last indexed batch's CRC checks out); anything after that is read and
 * checked batch by batch, and the index rewritten.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE, privateDir } from '../../private-files.js';
import { crc32c } from '../protocol/crc32c.js';
import { readBatches, setBaseOffset, type BatchInfo } from '../protocol/batch.js';

export interface LogOptions {
  /** 'batch': fsync after every append (nothing acknowledged is lost, even on power loss); 'none': leave it to the OS */
  fsync: 'batch' | 'none';
  /** roll to a new segment file past this size */
  segmentBytes: number;
  /** delete whole old segments past this total size (-1: keep everything) */
  retentionBytes: number;
  /** delete whole old segments whose newest record is older than this (-1: keep everything) */
  retentionMs: number;
}

export const DEFAULT_LOG_OPTIONS: LogOptions = {
  fsync: 'batch',
  segmentBytes: 64 * 1024 * 1024,
  retentionBytes: -1,
  retentionMs: 7 * 24 * 3600 * 1000,
};

interface Segment {
  base: number;
  file: string;
  fd: number;
  size: number;
  sync: GroupSync;
  /** the segment's index file: one entry per batch, so opening a log need not read its data */
  indexFd: number;
  indexSize: number;
}

/** index entry: baseOffset int64 | position int32 | size int32 | lastOffsetDelta int32 | maxTimestamp int64 */
const ENTRY = 28;

/**
 * Group commit: appends wait for an fsync that covers them, and one fsync covers every append made
 * while the previous one ran — so concurrent producers share the disk's flushes, and the event loop
 * never blocks on them.
 */
class GroupSync {
  private waiting: (() => void)[] = [];
  private failed: ((e: Error) => void)[] = [];
  private running = false;

  constructor(private readonly fd: () => number) {}

  request(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      this.failed.push(reject);
      this.kick();
    });
  }

  /** the file was fsynced and closed: whatever still waits is on disk */
  closed(): void {
    this.isClosed = true;
    for (const d of this.waiting) d();
    this.waiting = [];
    this.failed = [];
  }

  private isClosed = false;

  private kick(): void {
    if (this.isClosed) return this.closed();
    if (this.running || this.waiting.length === 0) return;
    const [done, fail] = [this.waiting, this.failed];
    this.waiting = [];
    this.failed = [];
    this.running = true;
    fsync(this.fd(), (err) => {
      this.running = false;
      // closing fsyncs first, so a flush cut short by close still left the data on disk
      if (err && !this.isClosed) for (const f of fail) f(err);
      else for (const d of done) d();
      this.kick();
    });
  }
}

const SYNCED = Promise.resolve();

interface Entry {
  base: number;
  last: number;
  segment: Segment;
  position: number;
  size: number;
  maxTimestamp: number;
}

export class PartitionLog {
  private readonly segments: Segment[] = [];
  private readonly index: Entry[] = [];
  private next = 0;
  /** what recovery found and did, for the broker's log */
  readonly recovery: string[] = [];

  constructor(
    readonly dir: string,
    private readonly options: LogOptions = DEFAULT_LOG_OPTIONS,
  ) {
    privateDir(dir);
    const files = readdirSync(dir)
      .filter((f) => /^\d{20}\.log$/.test(f))
      .sort();
    for (const f of files) this.recover(Number(f.slice(0, 20)), join(dir, f));
    if (this.segments.length === 0) this.roll(0);
  }

  /** the first offset still held */
  get startOffset(): number {
    return this.index[0]?.base ?? this.next;
  }

  /** the offset the next record gets (the high watermark: this single node acknowledges what it wrote) */
  get endOffset(): number {
    return this.next;
  }

  /**
   * Appends checked batches (from readBatches) of `records`: the first offset assigned, and when
   * the records are on disk (acknowledge after that).
   */
  append(records: Buffer, batches: BatchInfo[]): { offset: number; durable: Promise<void> } {
    const first = this.next;
    let segment = this.segments[this.segments.length - 1]!;
    if (segment.size > 0 && segment.size + records.length > this.options.segmentBytes) segment = this.roll(this.next);
    for (const b of batches) {
      const base = this.next;
      setBaseOffset(records, b.start, BigInt(base));
      this.index.push({
        base,
        last: base + b.lastOffsetDelta,
        segment,
        position: segment.size + b.start,
        size: b.size,
        maxTimestamp: Number(b.maxTimestamp),
      });
      this.next = base + b.lastOffsetDelta + 1;
    }
    const entries = Buffer.allocUnsafe(batches.length * ENTRY);
    batches.forEach((b, i) => {
      const e = this.index[this.index.length - batches.length + i]!;
      entries.writeBigInt64BE(BigInt(e.base), i * ENTRY);
      entries.writeInt32BE(e.position, i * ENTRY + 8);
      entries.writeInt32BE(b.size, i * ENTRY + 12);
      entries.writeInt32BE(b.lastOffsetDelta, i * ENTRY + 16);
      entries.writeBigInt64BE(b.maxTimestamp, i * ENTRY + 20);
    });
    writeSync(segment.fd, records, 0, records.length, segment.size);
    segment.size += records.length;
    writeSync(segment.indexFd, entries, 0, entries.length, segment.indexSize);
    segment.indexSize += entries.length;
    const durable = this.options.fsync === 'batch' ? segment.sync.request() : SYNCED;
    this.retain();
    return { offset: first, durable };
  }

  /** batches holding `offset` and after, up to `maxBytes` (at least one batch, as Kafka does) */
  read(offset: number, maxBytes: number): Buffer {
    let i = this.find(offset);
    if (i < 0) return Buffer.alloc(0);
    const parts: Buffer[] = [];
    let total = 0;
    while (i < this.index.length) {
      const e = this.index[i]!;
      if (parts.length > 0 && total + e.size > maxBytes) break;
      const b = Buffer.allocUnsafe(e.size);
      readSync(e.segment.fd, b, 0, e.size, e.position);
      parts.push(b);
      total += e.size;
      i++;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
  }

  /** the first offset whose batch has a timestamp ≥ `ms` (ListOffsets by time), or the end */
  offsetForTime(ms: number): number {
    const e = this.index.find((x) => x.maxTimestamp >= ms);
    return e ? e.base : this.next;
  }

  close(): void {
    for (const s of this.segments) {
      if (this.options.fsync === 'batch') fsyncSync(s.fd);
      s.sync.closed();
      closeSync(s.fd);
      closeSync(s.indexFd);
    }
    this.segments.length = 0;
  }

  /** removes the partition's files (topic deleted) */
  destroy(): void {
    this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** index of the batch holding `offset`, or -1 past the end */
  private find(offset: number): number {
    let lo = 0;
    let hi = this.index.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = this.index[mid]!;
      if (e.last < offset) lo = mid + 1;
      else if (e.base > offset) hi = mid - 1;
      else return mid;
    }
    return lo < this.index.length ? lo : -1;
  }

  private roll(base: number): Segment {
    const file = join(this.dir, `${String(base).padStart(20, '0')}.log`);
    const fd = openSync(file, existsSync(file) ? 'r+' : 'w+', PRIVATE_FILE);
    const indexFile = file.replace(/\.log$/, '.index');
    const indexFd = openSync(indexFile, existsSync(indexFile) ? 'r+' : 'w+', PRIVATE_FILE);
    const segment: Segment = {
      base,
      file,
      fd,
      size: fstatSync(fd).size,
      sync: new GroupSync(() => segment.fd),
      indexFd,
      indexSize: fstatSync(indexFd).size,
    };
    this.segments.push(segment);
    return segment;
  }

  /** reads a segment batch by batch; a torn or corrupt tail (a crash mid-write) is cut off */
  private recover(base: number, file: string): void {
    const segment = this.roll(base);
    const header = Buffer.alloc(12);
    let position = this.trustIndex(segment);
    while (position < segment.size) {
      const ok = (() => {
        if (segment.size - position < 12 || readSync(segment.fd, header, 0, 12, position) < 12) return 0;
        const size = header.readInt32BE(8) + 12;
        if (size < 61 || position + size > segment.size) return 0;
        const batch = Buffer.allocUnsafe(size);
        readSync(segment.fd, batch, 0, size, position);
        if (crc32c(batch, 21) !== batch.readUInt32BE(17)) return 0;
        const [info] = readBatches(batch, { checkCrc: false });
        const first = Number(batch.readBigInt64BE(0));
        this.index.push({
          base: first,
          last: first + info!.lastOffsetDelta,
          segment,
          position,
          size,
          maxTimestamp: Number(info!.maxTimestamp),
        });
        this.next = first + info!.lastOffsetDelta + 1;
        return size;
      })();
      if (ok === 0) {
        this.recovery.push(
          `${file}: cut a torn tail of ${segment.size - position} bytes at ${position} (a write the crash interrupted; it was never acknowledged)`,
        );
        truncateSync(file, position);
        segment.size = position;
        break;
      }
      position += ok;
    }
    if (segment.size === 0 && this.segments.length === 1 && this.next === 0) this.next = base;
    this.rewriteIndex(segment);
  }

  /** takes the index's entries that agree with the log; returns where reading must go on from */
  private trustIndex(segment: Segment): number {
    const count = Math.floor(segment.indexSize / ENTRY);
    if (count === 0) return 0;
    const raw = Buffer.allocUnsafe(count * ENTRY);
    readSync(segment.indexFd, raw, 0, raw.length, 0);
    const trusted: Entry[] = [];
    let position = 0;
    for (let i = 0; i < count; i++) {
      const e = {
        base: Number(raw.readBigInt64BE(i * ENTRY)),
        position: raw.readInt32BE(i * ENTRY + 8),
        size: raw.readInt32BE(i * ENTRY + 12),
        lastDelta: raw.readInt32BE(i * ENTRY + 16),
        maxTimestamp: Number(raw.readBigInt64BE(i * ENTRY + 20)),
      };
      if (e.position !== position || e.size < 61 || position + e.size > segment.size) break;
      trusted.push({ base: e.base, last: e.base + e.lastDelta, segment, position, size: e.size, maxTimestamp: e.maxTimestamp });
      position += e.size;
    }
    // the last indexed batch must be whole and the one the index says, or nothing is trusted
    const last = trusted[trusted.length - 1];
    if (last) {
      const batch = Buffer.allocUnsafe(last.size);
      readSync(segment.fd, batch, 0, last.size, last.position);
      if (crc32c(batch, 21) !== batch.readUInt32BE(17) || Number(batch.readBigInt64BE(0)) !== last.base) return 0;
      this.index.push(...trusted);
      this.next = last.last + 1;
    }
    return position;
  }

  /** the index as recovery found the log: exact, whatever state the crash left it in */
  private rewriteIndex(segment: Segment): void {
    const entries = this.index.filter((e) => e.segment === segment);
    const buf = Buffer.allocUnsafe(entries.length * ENTRY);
    entries.forEach((e, i) => {
      buf.writeBigInt64BE(BigInt(e.base), i * ENTRY);
      buf.writeInt32BE(e.position, i * ENTRY + 8);
      buf.writeInt32BE(e.size, i * ENTRY + 12);
      buf.writeInt32BE(e.last - e.base, i * ENTRY + 16);
      buf.writeBigInt64BE(BigInt(e.maxTimestamp), i * ENTRY + 20);
    });
    if (segment.indexSize !== buf.length) ftruncateSync(segment.indexFd, 0);
    writeSync(segment.indexFd, buf, 0, buf.length, 0);
    ftruncateSync(segment.indexFd, buf.length);
    segment.indexSize = buf.length;
  }

  /** drops whole old segments (never the active one) past the size or age limit */
  private retain(): void {
    const { retentionBytes, retentionMs } = this.options;
    const now = Date.now();
    while (this.segments.length > 1) {
      const oldest = this.segments[0]!;
      const total = this.segments.reduce((n, s) => n + s.size, 0);
      const entries = this.index.filter((e) => e.segment === oldest);
      const newest = entries.reduce((m, e) => Math.max(m, e.maxTimestamp), 0);
      const tooBig = retentionBytes >= 0 && total > retentionBytes;
      const tooOld = retentionMs >= 0 && newest > 0 && now - newest > retentionMs;
      if (!tooBig && !tooOld) break;
      oldest.sync.closed(); // its data is being dropped: nothing to wait for
      closeSync(oldest.fd);
      closeSync(oldest.indexFd);
      rmSync(oldest.file, { force: true });
      rmSync(oldest.file.replace(/\.log$/, '.index'), { force: true });
      this.segments.shift();
      this.index.splice(0, entries.length);
    }
  }
}
