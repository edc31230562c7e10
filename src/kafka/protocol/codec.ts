/**
 * Kafka wire-protocol encoding and decoding, driven by message specs written in the shape of the
 * Apache Kafka project's JSON message descriptions (clients/src/main/resources/common/message):
 * one description per message, every version in it, no byte fiddling per request.
 *
 *   { apiKey: 3, type: 'request', name: 'MetadataRequest', validVersions: '0-6', flexibleVersions: '9+',
 *     fields: [{ name: 'Topics', type: '[]MetadataRequestTopic', versions: '0+', nullableVersions: '1+',
 *                fields: [{ name: 'Name', type: 'string', versions: '0+' }] }, …] }
 *
 * Versions are "N+", "N-M" or "none". Flexible versions use compact strings/arrays/bytes (unsigned
 * varint length + 1) and tagged fields after every struct.
 */

export interface FieldSpec {
  name: string;
  /** int8 int16 int32 int64 uint16 uint32 float64 string bytes bool uuid records, or []T / []Struct with `fields` */
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: unknown;
  ignorable?: boolean;
  fields?: FieldSpec[];
  about?: string;
}

export interface MessageSpec {
  apiKey: number;
  type: 'request' | 'response';
  name: string;
  validVersions: string;
  flexibleVersions: string;
  fields: FieldSpec[];
}

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** "3+" / "0-5" / "none" → does `v` fall in it */
export function inVersions(range: string | undefined, v: number): boolean {
  if (range === undefined || range === 'none') return false;
  const plus = /^(\d+)\+$/.exec(range);
  if (plus) return v >= Number(plus[1]);
  const span = /^(\d+)-(\d+)$/.exec(range);
  if (span) return v >= Number(span[1]) && v <= Number(span[2]);
  if (/^\d+$/.test(range)) return v === Number(range);
  throw new Error(`bad version range ${range}`);
}

export function versionBounds(range: string): [number, number] {
  const plus = /^(\d+)\+$/.exec(range);
  if (plus) return [Number(plus[1]), Number.MAX_SAFE_INTEGER];
  const span = /^(\d+)-(\d+)$/.exec(range);
  if (span) return [Number(span[1]), Number(span[2])];
  return [Number(range), Number(range)];
}

// ── writing ──────────────────────────────────────────────────────────────────────────────────

export class Writer {
  private buf: Buffer;
  length = 0;

  constructor(size = 256) {
    this.buf = Buffer.allocUnsafe(size);
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  int8(v: number): this {
    this.room(1);
    this.buf.writeInt8(v, this.length);
    this.length += 1;
    return this;
  }
  int16(v: number): this {
    this.room(2);
    this.buf.writeInt16BE(v, this.length);
    this.length += 2;
    return this;
  }
  uint16(v: number): this {
    this.room(2);
    this.buf.writeUInt16BE(v, this.length);
    this.length += 2;
    return this;
  }
  int32(v: number): this {
    this.room(4);
    this.buf.writeInt32BE(v, this.length);
    this.length += 4;
    return this;
  }
  uint32(v: number): this {
    this.room(4);
    this.buf.writeUInt32BE(v, this.length);
    this.length += 4;
    return this;
  }
  int64(v: bigint | number): this {
    this.room(8);
    this.buf.writeBigInt64BE(BigInt(v), this.length);
    this.length += 8;
    return this;
  }
  float64(v: number): this {
    this.room(8);
    this.buf.writeDoubleBE(v, this.length);
    this.length += 8;
    return this;
  }
  raw(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  uvarint(v: number): this {
    this.room(5);
    let n = v >>> 0;
    while (n >= 0x80) {
      this.buf[this.length++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.length++] = n;
    return this;
  }

  varint(v: number): this {
    return this.uvarint((v << 1) ^ (v >> 31));
  }

  varlong(v: bigint): this {
    let n = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    this.room(10);
    while (n >= 0x80n) {
      this.buf[this.length++] = Number((n & 0x7fn) | 0x80n);
      n >>= 7n;
    }
    this.buf[this.length++] = Number(n);
    return this;
  }

  toBuffer(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

// ── reading ──────────────────────────────────────────────────────────────────────────────────

export class Reader {
  offset = 0;
  constructor(
    readonly buf: Buffer,
    offset = 0,
  ) {
    this.offset = offset;
  }

  private need(n: number): void {
    if (this.offset + n > this.buf.length)
      throw new ProtocolError(`truncated: needs ${n} more bytes at ${this.offset} of ${this.buf.length}`);
  }
  int8(): number {
    this.need(1);
    const v = this.buf.readInt8(this.offset);
    this.offset += 1;
    return v;
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  uint16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  int64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }
  float64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }
  raw(n: number): Buffer {
    if (n < 0) throw new ProtocolError(`negative length ${n}`);
    this.need(n);
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }

  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      this.need(1);
      const b = this.buf[this.offset++]!;
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
    throw new ProtocolError('varint longer than 5 bytes');
  }

  varint(): number {
    const n = this.uvarint();
    return (n >>> 1) ^ -(n & 1);
  }

  varlong(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      this.need(1);
      const b = BigInt(this.buf[this.offset++]!);
      result |= (b & 0x7fn) << shift;
      if ((b & 0x80n) === 0n) return (result >> 1n) ^ -(result & 1n);
      shift += 7n;
    }
    throw new ProtocolError('varlong longer than 10 bytes');
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }
}

// ── messages ─────────────────────────────────────────────────────────────────────────────────

export type Struct = Record<string, any>;
const MAX_ARRAY = 1_000_000;

export function encode(spec: MessageSpec, version: number, value: Struct, w = new Writer()): Writer {
  const flexible = inVersions(spec.flexibleVersions, version);
  writeStruct(spec.fields, version, flexible, value, w);
  return w;
}

export function decode(spec: MessageSpec, version: number, r: Reader): Struct {
  return readStruct(spec.fields, version, inVersions(spec.flexibleVersions, version), r);
}

function writeStruct(fields: FieldSpec[], v: number, flexible: boolean, value: Struct, w: Writer): void {
  for (const f of fields) {
    if (!inVersions(f.versions, v) || (flexible && f.taggedVersions && inVersions(f.taggedVersions, v))) continue;
    writeField(f, v, flexible, value?.[f.name] ?? defaultOf(f, v), w);
  }
  if (flexible) {
    const tagged = fields.filter(
      (f) => f.taggedVersions && inVersions(f.taggedVersions, v) && inVersions(f.versions, v) && value?.[f.name] !== undefined,
    );
    w.uvarint(tagged.length);
    for (const f of tagged.sort((a, b) => a.tag! - b.tag!)) {
      const inner = new Writer();
      writeField(f, v, flexible, value[f.name], inner);
      w.uvarint(f.tag!).uvarint(inner.length).raw(inner.toBuffer());
    }
  }
}

function defaultOf(f: FieldSpec, v: number): unknown {
  if (f.default !== undefined) return f.default;
  if (f.nullableVersions && inVersions(f.nullableVersions, v)) return null;
  if (f.type.startsWith('[]')) return [];
  if (f.fields) return Object.fromEntries(f.fields.map((x) => [x.name, defaultOf(x, v)])); // a struct: its fields' defaults
  switch (f.type) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'int64':
      return 0n;
    case 'uuid':
      return Buffer.alloc(16);
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    default:
      return 0;
  }
}

function writeField(f: FieldSpec, v: number, flexible: boolean, x: unknown, w: Writer): void {
  const nullable = inVersions(f.nullableVersions, v) || f.type === 'records';
  if (f.type.startsWith('[]')) {
    const items = x as unknown[] | null;
    if (items === null || items === undefined) {
      if (!nullable) throw new ProtocolError(`${f.name} cannot be null in version ${v}`);
      return void (flexible ? w.uvarint(0) : w.int32(-1));
    }
    flexible ? w.uvarint(items.length + 1) : w.int32(items.length);
    const element = f.type.slice(2);
    for (const item of items) {
      if (f.fields) writeStruct(f.fields, v, flexible, item as Struct, w);
      else writePrimitive(element, item, flexible, false, w, f.name, v);
    }
    return;
  }
  if (f.fields) return writeStruct(f.fields, v, flexible, x as Struct, w);
  writePrimitive(f.type, x, flexible, nullable, w, f.name, v);
}

function writePrimitive(type: string, x: unknown, flexible: boolean, nullable: boolean, w: Writer, name: string, v: number): void {
  switch (type) {
    case 'int8':
      return void w.int8(Number(x));
    case 'int16':
      return void w.int16(Number(x));
    case 'uint16':
      return void w.uint16(Number(x));
    case 'int32':
      return void w.int32(Number(x));
    case 'uint32':
      return void w.uint32(Number(x));
    case 'int64':
      return void w.int64(typeof x === 'bigint' ? x : BigInt(Math.trunc(Number(x))));
    case 'float64':
      return void w.float64(Number(x));
    case 'bool':
      return void w.int8(x ? 1 : 0);
    case 'uuid':
      return void w.raw((x as Uint8Array) ?? Buffer.alloc(16));
    case 'string': {
      if (x === null || x === undefined) {
        if (!nullable) throw new ProtocolError(`${name} cannot be null in version ${v}`);
        return void (flexible ? w.uvarint(0) : w.int16(-1));
      }
      const b = Buffer.from(String(x), 'utf8');
      flexible ? w.uvarint(b.length + 1) : w.int16(b.length);
      return void w.raw(b);
    }
    case 'bytes':
    case 'records': {
      if (x === null || x === undefined) {
        if (!nullable) throw new ProtocolError(`${name} cannot be null in version ${v}`);
        return void (flexible ? w.uvarint(0) : w.int32(-1));
      }
      const b = x as Uint8Array;
      flexible ? w.uvarint(b.length + 1) : w.int32(b.length);
      return void w.raw(b);
    }
    default:
      throw new Error(`unknown type ${type} for ${name}`);
  }
}

function readStruct(fields: FieldSpec[], v: number, flexible: boolean, r: Reader): Struct {
  const out: Struct = {};
  for (const f of fields) {
    if (!inVersions(f.versions, v) || (flexible && f.taggedVersions && inVersions(f.taggedVersions, v))) {
      out[f.name] = defaultOf(f, v);
      continue;
    }
    out[f.name] = readField(f, v, flexible, r);
  }
  if (flexible) {
    const count = r.uvarint();
    for (let i = 0; i < count; i++) {
      const tag = r.uvarint();
      const size = r.uvarint();
      const body = r.raw(size);
      const f = fields.find((x) => x.tag === tag && x.taggedVersions && inVersions(x.taggedVersions, v));
      if (f) out[f.name] = readField(f, v, flexible, new Reader(body));
    }
  }
  return out;
}

function readField(f: FieldSpec, v: number, flexible: boolean, r: Reader): unknown {
  const nullable = inVersions(f.nullableVersions, v) || f.type === 'records';
  if (f.type.startsWith('[]')) {
    const n = flexible ? r.uvarint() - 1 : r.int32();
    if (n < 0) {
      if (!nullable) throw new ProtocolError(`${f.name}: null where version ${v} allows none`);
      return null;
    }
    if (n > MAX_ARRAY || n > r.remaining) throw new ProtocolError(`${f.name}: array of ${n} elements in ${r.remaining} bytes`);
    const items: unknown[] = [];
    const element = f.type.slice(2);
    for (let i = 0; i < n; i++)
      items.push(f.fields ? readStruct(f.fields, v, flexible, r) : readPrimitive(element, flexible, false, r, f.name));
    return items;
  }
  if (f.fields) return readStruct(f.fields, v, flexible, r);
  return readPrimitive(f.type, flexible, nullable, r, f.name);
}

function readPrimitive(type: string, flexible: boolean, nullable: boolean, r: Reader, name: string): unknown {
  switch (type) {
    case 'int8':
      return r.int8();
    case 'int16':
      return r.int16();
    case 'uint16':
      return r.uint16();
    case 'int32':
      return r.int32();
    case 'uint32':
      return r.uint32();
    case 'int64':
      return r.int64();
    case 'float64':
      return r.float64();
    case 'bool':
      return r.int8() !== 0;
    case 'uuid':
      return r.raw(16);
    case 'string': {
      const n = flexible ? r.uvarint() - 1 : r.int16();
      if (n < 0) {
        if (!nullable) throw new ProtocolError(`${name}: null string where none is allowed`);
        return null;
      }
      return r.raw(n).toString('utf8');
    }
    case 'bytes':
    case 'records': {
      const n = flexible ? r.uvarint() - 1 : r.int32();
      if (n < 0) {
        if (!nullable) throw new ProtocolError(`${name}: null bytes where none are allowed`);
        return null;
      }
      return r.raw(n);
    }
    default:
      throw new Error(`unknown type ${type} for ${name}`);
  }
}
