/**
 * One client connection: size-prefixed frames in, request headers parsed, each request handed to
 * the broker, and responses written back in request order (a long-polling Fetch or a JoinGroup
 * waiting for its rebalance holds back the answers behind it, as Kafka does). A frame that cannot
 * be understood closes this connection only, with a log line saying why.
 */
import type { Socket } from 'node:net';
import { decode, encode, inVersions, ProtocolError, Reader, Writer, type Struct } from '../protocol/codec.js';
import { apiByKey, UNADVERTISED, type ApiDescription } from '../protocol/messages/index.js';

export const MAX_FRAME = 100 * 1024 * 1024;

export interface RequestContext {
  api: ApiDescription;
  version: number;
  clientId: string | null;
  correlationId: number;
  socket: Socket;
}

export type Handler = (request: Struct, ctx: RequestContext) => Struct | Promise<Struct>;

export class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly queue: { done: boolean; bytes?: Buffer }[] = [];
  private closed = false;

  constructor(
    readonly socket: Socket,
    private readonly handle: (api: ApiDescription, version: number, request: Struct, ctx: RequestContext) => Struct | Promise<Struct>,
    private readonly log: (line: string) => void,
    /** ApiVersions with an unsupported version still answers (with the versions we do support) */
    private readonly unsupportedApiVersions: (correlationId: number) => Buffer,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (d) => this.receive(d));
    socket.on('error', () => this.close());
    socket.on('close', () => (this.closed = true));
  }

  close(reason?: string): void {
    if (reason) this.log(`closing connection from ${this.socket.remoteAddress}:${this.socket.remotePort}: ${reason}`);
    this.closed = true;
    this.socket.destroy();
  }

  private receive(data: Buffer): void {
    this.chunks.push(data);
    this.buffered += data.length;
    while (!this.closed && this.buffered >= 4) {
      const head = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      this.chunks = [head];
      const size = head.readInt32BE(0);
      if (size < 8 || size > MAX_FRAME) return this.close(`a frame of ${size} bytes (frames are 8 bytes to ${MAX_FRAME / 1024 / 1024} MB)`);
      if (this.buffered < 4 + size) return;
      const frame = head.subarray(4, 4 + size);
      const rest = head.subarray(4 + size);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
      this.request(frame);
    }
  }

  private request(frame: Buffer): void {
    const r = new Reader(frame);
    let apiKey = -1;
    let correlationId = -1;
    try {
      apiKey = r.int16();
      const version = r.int16();
      correlationId = r.int32();
      const clientLength = r.int16();
      const clientId = clientLength < 0 ? null : r.raw(clientLength).toString('utf8');
      const api = apiByKey.get(apiKey) ?? UNADVERTISED.get(apiKey);
      if (!api) return this.close(`unknown api key ${apiKey} (client ${clientId})`);
      if (version < api.minVersion || version > api.maxVersion) {
        if (apiKey === 18) return this.send(this.slot(), this.unsupportedApiVersions(correlationId));
        return this.close(
          `${api.name} v${version} is not supported (client ${clientId}; this broker serves v${api.minVersion}–${api.maxVersion})`,
        );
      }
      const flexible = inVersions(api.request.flexibleVersions, version);
      if (flexible) {
        // request header v2: tagged fields (tag, size, bytes) we do not use
        for (let n = r.uvarint(); n > 0; n--) {
          r.uvarint();
          r.raw(r.uvarint());
        }
      }
      const body = decode(api.request, version, r);
      const slot = this.slot();
      const ctx: RequestContext = { api, version, clientId, correlationId, socket: this.socket };
      const answer = (response: Struct): void => {
        // ApiVersions answers with response header v0 even when flexible (clients rely on it)
        const headerV1 = inVersions(api.response.flexibleVersions, version) && apiKey !== 18;
        const w = new Writer(256).int32(0).int32(correlationId);
        if (headerV1) w.uvarint(0);
        encode(api.response, version, response, w);
        const bytes = w.toBuffer();
        bytes.writeInt32BE(bytes.length - 4, 0);
        this.send(slot, bytes);
      };
      const result = this.handle(api, version, body, ctx);
      if (result instanceof Promise) result.then(answer, (e: Error) => this.close(`${api.name} failed: ${e.message}`));
      else answer(result);
    } catch (e) {
      if (e instanceof ProtocolError)
        return this.close(`malformed request (api key ${apiKey}, correlation ${correlationId}): ${e.message}`);
      return this.close(`request failed (api key ${apiKey}): ${(e as Error).message}`);
    }
  }

  private slot(): { done: boolean; bytes?: Buffer } {
    const s = { done: false };
    this.queue.push(s);
    return s;
  }

  private send(slot: { done: boolean; bytes?: Buffer }, bytes: Buffer): void {
    slot.done = true;
    slot.bytes = bytes;
    while (this.queue.length && this.queue[0]!.done) {
      const s = this.queue.shift()!;
      if (!this.closed) this.socket.write(s.bytes!);
    }
  }
}
