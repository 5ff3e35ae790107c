/**
 * A lean HTTP/1.1 keep-alive client over one TLS connection, for the create benchmark.
 *
 * Node's https client costs about 0.5 ms of CPU per request here, on the same two cores
 * the server runs on, so at 100 in flight the load generator, not the server, would set
 * the pace. This one writes a prebuilt request and reads back only the status line,
 * Content-Length and body: one request at a time per connection (no pipelining), as
 * kubectl and client-go's HTTP/1.1 transport do. Enough for responses with a
 * Content-Length, which is every non-watch response the API server sends.
 */
import { connect, type TLSSocket } from 'node:tls';

export interface LeanResponse {
  code: number;
  body: Buffer;
}

const HEADER_END = Buffer.from('\r\n\r\n');

export class LeanConnection {
  private readonly socket: TLSSocket;
  private buf: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: LeanResponse) => void; reject: (e: Error) => void } | undefined;
  private readonly ready: Promise<void>;

  constructor(url: URL, caPem: string) {
    this.socket = connect({ host: url.hostname, port: Number(url.port), ca: caPem, servername: url.hostname === '127.0.0.1' ? undefined : url.hostname });
    this.socket.setNoDelay(true);
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('secureConnect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('data', (d: Buffer) => this.onData(d));
    this.socket.on('error', (e) => this.fail(e));
    this.socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /** Sends one request (method, path, headers, body) and resolves with its response. */
  async send(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<LeanResponse> {
    await this.ready;
    if (this.waiting) throw new Error('one request at a time per connection');
    const head = [`${method} ${path} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), ...(body ? [`content-length: ${body.length}`] : []), '', ''].join('\r\n');
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(body ? Buffer.concat([Buffer.from(head), body]) : head);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    const end = this.buf.indexOf(HEADER_END);
    if (end < 0 || !this.waiting) return;
    const head = this.buf.subarray(0, end).toString('latin1');
    const code = Number(head.slice(9, 12));
    const m = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!m) return this.fail(new Error(`response without Content-Length: ${head.split('\r\n')[0]}`));
    const total = end + 4 + Number(m[1]);
    if (this.buf.length < total) return;
    const body = this.buf.subarray(end + 4, total);
    this.buf = this.buf.subarray(total);
    const w = this.waiting;
    this.waiting = undefined;
    w.resolve({ code, body });
  }

  private fail(e: Error): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(e);
  }
}
