import { Duplex } from 'node:stream';
import { createDeflate, createInflate, constants as zc, type Deflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './port-forward-spdy-dictionary.js';

/**
 * A small SPDY/3.1 session, as much as Kubernetes' port-forward needs (the peer is Go's
 * spdystream inside kubectl): streams opened by SYN_STREAM and answered with SYN_REPLY,
 * DATA with FIN half-closes, RST_STREAM, PING echo, GOAWAY, zlib header blocks primed with
 * the SPDY dictionary. No flow control, like spdystream, which never sends WINDOW_UPDATE:
 * a sender that honoured the 64 KiB window would stall. Instead a stream whose reader is
 * slow pauses the whole transport, as spdystream's blocking frame handler does.
 */

const VERSION = 3;
const SYN_STREAM = 1;
const SYN_REPLY = 2;
const RST_STREAM = 3;
const PING = 6;
const GOAWAY = 7;
const HEADERS = 8;
const FLAG_FIN = 1;
export const RST_PROTOCOL_ERROR = 1;
const RST_REFUSED_STREAM = 3;
const RST_CANCEL = 5;
const MAX_DATA = 32 * 1024;
const MAX_HEADER_BLOCK = 64 * 1024;

/** One zlib stream for the life of the connection: header blocks share its window. */
class HeaderZlib {
  private chunks: Buffer[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  constructor(private readonly z: Deflate | Inflate) {
    z.on('data', (c: Buffer) => this.chunks.push(c));
    z.on('error', () => {});
  }

  /** Runs one block through and returns what came out by the sync flush (in call order). */
  run(input: Buffer): Promise<Buffer> {
    const next = this.chain.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          this.z.write(input);
          this.z.flush(zc.Z_SYNC_FLUSH, () => {
            const out = Buffer.concat(this.chunks);
            this.chunks = [];
            if (out.length > MAX_HEADER_BLOCK) reject(new Error('SPDY header block too large'));
            else resolve(out);
          });
        }),
    );
    this.chain = next.catch(() => {});
    return next;
  }

  close(): void {
    this.z.destroy();
  }
}

export function encodeHeaders(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const entries = Object.entries(headers);
  parts.push(u32(entries.length));
  for (const [k, v] of entries) {
    const name = Buffer.from(k.toLowerCase());
    const value = Buffer.from(v);
    parts.push(u32(name.length), name, u32(value.length), value);
  }
  return Buffer.concat(parts);
}

/** Name/value pairs of a decompressed block; names lowercased, several values (NUL-separated) keep the first. */
export function decodeHeaders(block: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let off = 0;
  const u32 = (): number => {
    if (off + 4 > block.length) throw new Error('truncated SPDY header block');
    const n = block.readUInt32BE(off);
    off += 4;
    return n;
  };
  const str = (): string => {
    const n = u32();
    if (off + n > block.length) throw new Error('truncated SPDY header block');
    const s = block.subarray(off, off + n).toString('utf8');
    off += n;
    return s;
  };
  const count = u32();
  for (let i = 0; i < count; i++) {
    const name = str().toLowerCase();
    const value = str().split('\0')[0] ?? '';
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

function controlFrame(type: number, flags: number, body: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(0x8000 | VERSION, 0);
  h.writeUInt16BE(type, 2);
  h.writeUInt32BE(body.length, 4);
  h[4] = flags;
  return Buffer.concat([h, body]);
}

function u32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

/** One SPDY stream: readable = the peer's DATA, writable = our DATA; end() sends FIN. */
export class SpdyStream extends Duplex {
  /** True once the peer reset the stream (RST_STREAM). */
  reset = false;
  remoteFin = false;
  localFin = false;
  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    readonly headers: Map<string, string>,
  ) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {
    this.session.readable(this);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.session.sendData(this.id, chunk, false, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.localFin = true;
    this.session.sendData(this.id, Buffer.alloc(0), true, cb);
    this.session.settle(this);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.reset && !(this.localFin && this.remoteFin)) this.session.sendRst(this.id, RST_CANCEL);
    this.session.forget(this);
    cb(err);
  }
}

export interface SpdySessionOptions {
  /** The upgraded connection: a socket, or a Duplex over WebSocket messages. */
  transport: Duplex;
  /** The server answers odd (client-opened) streams; a client opens them. */
  isServer: boolean;
  /** A stream the peer opened, already answered with SYN_REPLY. */
  onStream?: (stream: SpdyStream) => void;
}

export class SpdySession {
  private readonly transport: Duplex;
  private readonly streams = new Map<number, SpdyStream>();
  private readonly full = new Set<SpdyStream>();
  private readonly replies = new Map<number, () => void>();
  private readonly deflate = new HeaderZlib(createDeflate({ dictionary: SPDY3_DICTIONARY }));
  private readonly inflate = new HeaderZlib(createInflate({ dictionary: SPDY3_DICTIONARY }));
  private buf: Buffer = Buffer.alloc(0);
  private pumping = false;
  private lastRemoteId = 0;
  private nextId: number;
  private goingAway = false;
  /** The transport ended: the frames already buffered are still read, then the session closes. */
  private peerGone = false;
  closed = false;
  readonly done: Promise<void>;
  private markDone!: () => void;

  constructor(private readonly opts: SpdySessionOptions) {
    this.transport = opts.transport;
    this.nextId = opts.isServer ? 2 : 1;
    this.done = new Promise((r) => (this.markDone = r));
    this.transport.on('data', (c: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, c]) : c;
      void this.pump();
    });
    // A peer often writes its last frames and hangs up at once (the CRI streaming server
    // sends the exit status, resets its streams and closes): those frames still count.
    this.transport.on('end', () => this.drainThenClose());
    this.transport.on('close', () => this.drainThenClose());
    this.transport.on('error', () => this.close());
  }

  /** Client side: opens a stream and resolves once the peer's SYN_REPLY arrived. */
  async openStream(headers: Record<string, string>): Promise<SpdyStream> {
    const id = this.nextId;
    this.nextId += 2;
    const stream = new SpdyStream(this, id, new Map(Object.entries(headers)));
    this.streams.set(id, stream);
    const replied = new Promise<void>((r) => this.replies.set(id, r));
    const block = await this.deflate.run(encodeHeaders(headers));
    this.write(controlFrame(SYN_STREAM, 0, Buffer.concat([u32s(id, 0), Buffer.from([0, 0]), block])));
    await Promise.race([replied, this.done.then(() => Promise.reject(new Error('SPDY connection closed')))]);
    return stream;
  }

  /** Ends every stream and the connection (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.streams.values()]) this.abort(s);
    this.deflate.close();
    this.inflate.close();
    this.transport.destroy();
    this.markDone();
  }

  // ---- used by SpdyStream ----

  sendData(id: number, data: Buffer, fin: boolean, cb: (err?: Error | null) => void): void {
    if (this.closed) return cb(new Error('SPDY connection closed'));
    let ok = true;
    for (let off = 0; off < data.length || (fin && off === 0); off += MAX_DATA) {
      const part = data.subarray(off, off + MAX_DATA);
      const last = off + MAX_DATA >= data.length;
      const h = Buffer.alloc(8);
      h.writeUInt32BE(id & 0x7fffffff, 0);
      h.writeUInt32BE(part.length, 4);
      h[4] = fin && last ? FLAG_FIN : 0;
      ok = this.transport.write(Buffer.concat([h, part]));
      if (data.length === 0) break;
    }
    if (ok) cb();
    else this.transport.once('drain', () => cb());
  }

  sendRst(id: number, status: number): void {
    this.write(controlFrame(RST_STREAM, 0, u32s(id, status)));
  }

  readable(stream: SpdyStream): void {
    if (this.full.delete(stream) && this.full.size === 0) this.transport.resume();
  }

  settle(stream: SpdyStream): void {
    if (stream.localFin && stream.remoteFin) this.streams.delete(stream.id);
  }

  forget(stream: SpdyStream): void {
    this.streams.delete(stream.id);
    this.readable(stream);
  }

  // ---- reading ----

  private drainThenClose(): void {
    this.peerGone = true;
    if (!this.pumping) this.close();
  }

  /**
   * The peer reset the stream, or the connection is gone: what already arrived is still
   * delivered (then the readable side ends), and the stream is destroyed once it has been read.
   */
  private abort(stream: SpdyStream): void {
    stream.reset = true;
    if (!stream.remoteFin) {
      stream.remoteFin = true;
      stream.push(null);
    }
    if (stream.readableEnded || stream.readableLength === 0) stream.destroy();
    else stream.once('end', () => stream.destroy());
  }

  private write(frame: Buffer): void {
    if (!this.closed) this.transport.write(frame);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && this.buf.length >= 8) {
        const len = this.buf.readUInt32BE(4) & 0xffffff;
        if (this.buf.length < 8 + len) break;
        const head = this.buf.subarray(0, 8);
        const body = this.buf.subarray(8, 8 + len);
        this.buf = this.buf.subarray(8 + len);
        const flags = head[4] ?? 0;
        if ((head[0] ?? 0) & 0x80) {
          if ((head.readUInt16BE(0) & 0x7fff) !== VERSION) throw new Error('unsupported SPDY version');
          await this.onControl(head.readUInt16BE(2), flags, body);
        } else {
          this.onData(head.readUInt32BE(0) & 0x7fffffff, flags, body);
        }
      }
    } catch {
      // A malformed frame or header block: the connection cannot be trusted any more.
      this.write(controlFrame(GOAWAY, 0, u32s(this.lastRemoteId, 1)));
      this.close();
    } finally {
      this.pumping = false;
      if (this.peerGone) this.close();
    }
  }

  private async onControl(type: number, flags: number, body: Buffer): Promise<void> {
    const id = body.length >= 4 ? body.readUInt32BE(0) & 0x7fffffff : 0;
    switch (type) {
      case SYN_STREAM: {
        // Inflate even a refused stream's block: the zlib window is shared by all frames.
        const headers = decodeHeaders(await this.inflate.run(body.subarray(10)));
        const peerOpened = this.opts.isServer ? id % 2 === 1 : id % 2 === 0;
        if (!peerOpened || id <= this.lastRemoteId) return this.sendRst(id, RST_PROTOCOL_ERROR);
        this.lastRemoteId = id;
        if (this.goingAway || !this.opts.onStream) return this.sendRst(id, RST_REFUSED_STREAM);
        const stream = new SpdyStream(this, id, headers);
        this.streams.set(id, stream);
        if (flags & FLAG_FIN) this.remoteEnd(stream);
        const block = await this.deflate.run(encodeHeaders({}));
        this.write(controlFrame(SYN_REPLY, 0, Buffer.concat([u32s(id), block])));
        this.opts.onStream(stream);
        return;
      }
      case SYN_REPLY:
      case HEADERS: {
        await this.inflate.run(body.subarray(4));
        const stream = this.streams.get(id);
        if (type === SYN_REPLY) this.replies.get(id)?.();
        this.replies.delete(id);
        if (stream && flags & FLAG_FIN) this.remoteEnd(stream);
        return;
      }
      case RST_STREAM: {
        const stream = this.streams.get(id);
        if (stream) this.abort(stream);
        return;
      }
      case PING: {
        const ours = this.opts.isServer ? id % 2 === 0 : id % 2 === 1;
        if (!ours) this.write(controlFrame(PING, 0, body.subarray(0, 4)));
        return;
      }
      case GOAWAY:
        this.goingAway = true;
        return;
      default:
        // SETTINGS, WINDOW_UPDATE and unknown control frames carry nothing we act on.
        return;
    }
  }

  private onData(id: number, flags: number, body: Buffer): void {
    // Data for a stream that is gone (reset, finished) is dropped, as spdystream does.
    const stream = this.streams.get(id);
    if (!stream || stream.remoteFin) return;
    if (body.length > 0 && !stream.push(body)) {
      this.full.add(stream);
      this.transport.pause();
    }
    if (flags & FLAG_FIN) this.remoteEnd(stream);
  }

  private remoteEnd(stream: SpdyStream): void {
    stream.remoteFin = true;
    stream.push(null);
    this.settle(stream);
  }
}
