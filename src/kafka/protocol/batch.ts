/**
 * Record batches (magic 2), as producers send them and consumers read them: the broker checks
 * lengths and CRC-32C, assigns offsets by rewriting baseOffset (outside the CRC), and otherwise
 * stores and serves the bytes as sent — compressed batches included.
 *
 *   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32 |
 *   attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64 |
 *   producerId int64 | producerEpoch int16 | baseSequence int32 | recordCount int32 | records…
 */
import { crc32c } from './crc32c.js';

export const BATCH_HEADER = 61; // bytes up to and including recordCount
const LENGTH_OFFSET = 8;
const MAGIC_OFFSET = 16;
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;

export interface BatchInfo {
  /** where the batch starts in its buffer */
  start: number;
  /** total size, header included */
  size: number;
  lastOffsetDelta: number;
  recordCount: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  maxTimestamp: bigint;
  transactional: boolean;
  control: boolean;
}

export class BatchError extends Error {
  constructor(
    message: string,
    readonly code: 'corrupt' | 'unsupported',
  ) {
    super(message);
    this.name = 'BatchError';
  }
}

/** splits a records blob into checked batches; throws BatchError for anything malformed */
export function readBatches(buf: Buffer, options: { checkCrc?: boolean } = {}): BatchInfo[] {
  const out: BatchInfo[] = [];
  let at = 0;
  while (at < buf.length) {
    if (buf.length - at < BATCH_HEADER)
      throw new BatchError(`a batch header needs ${BATCH_HEADER} bytes, ${buf.length - at} left`, 'corrupt');
    const batchLength = buf.readInt32BE(at + LENGTH_OFFSET);
    const size = batchLength + 12;
    if (batchLength < BATCH_HEADER - 12 || at + size > buf.length)
      throw new BatchError(`batch length ${batchLength} does not fit the ${buf.length - at} bytes left`, 'corrupt');
    const magic = buf.readInt8(at + MAGIC_OFFSET);
    if (magic !== 2) throw new BatchError(`message format v${magic} is not supported (only record batches, magic 2)`, 'unsupported');
    if (options.checkCrc !== false) {
      const expected = buf.readUInt32BE(at + CRC_OFFSET);
      const actual = crc32c(buf, at + ATTRIBUTES_OFFSET, at + size);
      if (expected !== actual) throw new BatchError(`batch CRC-32C mismatch (says ${expected}, is ${actual})`, 'corrupt');
    }
    const attributes = buf.readInt16BE(at + ATTRIBUTES_OFFSET);
    out.push({
      start: at,
      size,
      lastOffsetDelta: buf.readInt32BE(at + 23),
      maxTimestamp: buf.readBigInt64BE(at + 35),
      producerId: buf.readBigInt64BE(at + 43),
      producerEpoch: buf.readInt16BE(at + 51),
      baseSequence: buf.readInt32BE(at + 53),
      recordCount: buf.readInt32BE(at + 57),
      transactional: (attributes & 0x10) !== 0,
      control: (attributes & 0x20) !== 0,
    });
    at += size;
  }
  return out;
}

/** the broker's offset for the batch: written in place (baseOffset is not covered by the CRC) */
export function setBaseOffset(buf: Buffer, start: number, baseOffset: bigint): void {
  buf.writeBigInt64BE(baseOffset, start);
  buf.writeInt32BE(0, start + 12); // partitionLeaderEpoch: this single node's epoch
}
