import http from 'node:http';
import { Duplex } from 'node:stream';
import type { Transport, TransportRequest, TransportResponse } from './transport.js';

/** What the transport needs from the server: an http.Server (it need not listen). */
export interface ConnectionSink {
  emit(event: 'connection', socket: Duplex): boolean;
}

export interface InProcessTransportConfig {
  /**
   * A plain http.Server (it need not listen) to hand in-memory connections to. An
   * https.Server will not do (it expects a TLS handshake): pass its request listener as
   * `handler` instead. Exactly one of server / handler.
   */
  server?: ConnectionSink;
  /** The API server's request listener; served by a private, non-listening http.Server. */
  handler?: http.RequestListener;
  /** Headers added to every request (e.g. a bearer token the server maps to an identity). */
  headers?: Record<string, string>;
  /** Max concurrent in-memory connections (default unlimited; watches hold one each), kept alive and reused as with HTTPS. */
  maxSockets?: number;
}

/**
 * A Transport that speaks HTTP/1.1 to an in-process http.Server over in-memory socket
 * pairs: the same parser, handlers, status codes, headers and streamed bodies as over
 * the network — only TCP and TLS are skipped. Authentication must therefore come from
 * headers (the server decides what an in-process connection may do).
 */
export class InProcessTransport implements Transport {
  private readonly agent: http.Agent;
  private readonly headers: Record<string, string>;

  constructor(config: InProcessTransportConfig) {
    if (!config.server === !config.handler) throw new Error('InProcessTransport: give exactly one of server or handler');
    const server: ConnectionSink = config.server ?? http.createServer(config.handler);
    this.headers = { 'user-agent': 'skiff-client (in-process)', ...config.headers };
    const agent = new http.Agent({ keepAlive: true, maxSockets: config.maxSockets ?? Infinity });
    // The agent asks for a connection; we make an in-memory pair and give the server its end.
    (agent as unknown as { createConnection: (opts: unknown, cb: (err: Error | null, s: Duplex) => void) => Duplex }).createConnection = (_opts, cb) => {
      const [client, serverSide] = socketPair();
      server.emit('connection', serverSide);
      cb(null, client);
      return client;
    };
    this.agent = agent;
  }

  request(req: TransportRequest): Promise<TransportResponse> {
    const query = req.query?.toString();
    return new Promise((resolve, reject) => {
      const r = http.request(
        {
          host: 'in-process',
          method: req.method,
          path: `${req.path}${query ? `?${query}` : ''}`,
          agent: this.agent,
          ...(req.signal ? { signal: req.signal } : {}),
          headers: { ...this.headers, ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) },
        },
        (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }),
      );
      r.on('error', reject);
      r.end(req.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Two connected in-memory sockets. Besides the Duplex API they carry the few net.Socket
 * members Node's HTTP client and server touch (timeouts, keep-alive, addresses).
 */
function socketPair(): [Duplex, Duplex] {
  const ends: MemorySocket[] = [];
  const a = new MemorySocket(() => ends[1]);
  const b = new MemorySocket(() => ends[0]);
  ends.push(a, b);
  return [a, b];
}

class MemorySocket extends Duplex {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 0;
  readonly remoteFamily = 'IPv4';
  readonly localAddress = '127.0.0.1';
  readonly localPort = 0;
  readonly encrypted = false;
  connecting = false;
  private timer: NodeJS.Timeout | undefined;
  private timeoutMs = 0;

  constructor(private readonly peer: () => MemorySocket | undefined) {
    super({ allowHalfOpen: false });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.touch();
    const p = this.peer();
    if (!p || p.destroyed) {
      cb(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      return;
    }
    p.touch();
    p.push(chunk);
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.peer()?.push(null);
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.timer) clearTimeout(this.timer);
    const p = this.peer();
    if (p && !p.destroyed) {
      p.push(null);
      p.destroy();
    }
    cb(err);
  }

  setTimeout(ms: number, cb?: () => void): this {
    this.timeoutMs = ms;
    if (cb) this.once('timeout', cb);
    this.touch();
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  address(): { address: string; family: string; port: number } {
    return { address: '127.0.0.1', family: 'IPv4', port: 0 };
  }

  private touch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.timeoutMs > 0 && !this.destroyed) {
      this.timer = setTimeout(() => this.emit('timeout'), this.timeoutMs);
      this.timer.unref();
    }
  }
}
