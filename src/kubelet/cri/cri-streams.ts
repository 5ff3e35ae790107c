/**
 * The client side of the CRI streaming server (containerd's, the kubelet's
 * remotecommand server vendored): CRI Exec/Attach answer with a URL, which is dialled
 * here as SPDY/3.1 with the v4.channel.k8s.io stream protocol. SPDY rather than
 * WebSocket because only SPDY can half-close stdin (`echo hi | kubectl exec -i -- cat`
 * must end). The SPDY framing is the kubelet's own (port-forward-spdy.ts).
 */
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { SpdySession, type SpdyStream } from '../port-forward-spdy.js';
import type { ContainerAttach, ExecSession } from '../runtime.js';

const PROTOCOL = 'v4.channel.k8s.io';
const DIAL_TIMEOUT_MS = 10_000;

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** The streaming server's answer was not an upgrade (an expired token: 404; a refused handshake: 400/403). */
export class StreamDialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamDialError';
  }
}

/** HTTP/1.1 upgrade to SPDY/3.1 at `url`; resolves with a client session once the server answered 101. */
export function dialSpdy(url: string, timeoutMs = DIAL_TIMEOUT_MS): Promise<SpdySession> {
  const u = new URL(url);
  if (u.protocol !== 'http:') return Promise.reject(new StreamDialError(`streaming URL ${url}: only http is supported (no TLS streaming)`));
  return new Promise((resolve, reject) => {
    // GET: a POST would send an (empty) chunked body that the server reads as SPDY frames.
    const req = request({
      host: u.hostname,
      port: u.port || 80,
      path: `${u.pathname}${u.search}`,
      method: 'GET',
      agent: false,
      headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': PROTOCOL },
    });
    req.setTimeout(timeoutMs, () => req.destroy(new StreamDialError(`streaming server ${u.host} did not answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.on('upgrade', (res, socket: Socket, head: Buffer) => {
      socket.setTimeout(0);
      if (res.statusCode !== 101 || String(res.headers.upgrade).toLowerCase() !== 'spdy/3.1') {
        socket.destroy();
        return reject(new StreamDialError(`streaming server ${u.host} answered ${res.statusCode} without a SPDY/3.1 upgrade`));
      }
      socket.setNoDelay(true);
      if (head.length > 0) socket.unshift(head);
      resolve(new SpdySession({ transport: socket, isServer: false }));
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d.slice(0, 1000)));
      res.on('end', () => reject(new StreamDialError(`streaming server ${u.host} answered ${res.statusCode}: ${body.trim() || res.statusMessage}`)));
    });
    req.end();
  });
}

/**
 * The exit code in a v4 error stream: nothing or a Success Status is 0, a NonZeroExitCode
 * Status carries the code in its ExitCode cause; any other Status (or text) is thrown.
 */
export function exitCodeOf(text: string): number {
  const trimmed = text.trim();
  if (!trimmed) return 0;
  let status: { status?: string; reason?: string; message?: string; details?: { causes?: { reason?: string; message?: string }[] } };
  try {
    status = JSON.parse(trimmed) as typeof status;
  } catch {
    throw new Error(trimmed);
  }
  if (status.status === 'Success') return 0;
  if (status.reason === 'NonZeroExitCode') {
    const code = Number(status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message);
    if (Number.isInteger(code)) return code;
  }
  throw new Error(status.message || trimmed);
}

/** One remotecommand session: the streams the server waits for, opened in the order kubectl opens them. */
export class RemoteCommand {
  readonly stdin?: SpdyStream;
  readonly stdout?: PassThrough;
  readonly stderr?: PassThrough;
  private readonly resizeStream?: SpdyStream;
  private readonly status: Promise<string>;

  private constructor(
    readonly session: SpdySession,
    streams: Map<string, SpdyStream>,
  ) {
    // Writes racing the server's hang-up fail on a destroyed stream: not an error of ours.
    for (const s of streams.values()) s.on('error', () => {});
    const error = streams.get('error') as SpdyStream;
    this.status = new Promise((resolve) => {
      const chunks: Buffer[] = [];
      error.on('data', (d: Buffer) => chunks.push(d));
      const done = (): void => resolve(Buffer.concat(chunks).toString('utf8'));
      error.on('end', done);
      error.on('close', done);
    });
    this.stdin = streams.get('stdin');
    // The server never writes on stdin: its readable side is drained so it cannot stall the connection.
    this.stdin?.resume();
    this.stdout = output(streams.get('stdout'));
    this.stderr = output(streams.get('stderr'));
    this.resizeStream = streams.get('resize');
    this.resizeStream?.resume();
  }

  /** Dials `url` and opens error, stdin, stdout, stderr, resize as `opts` asks (each answered by SYN_REPLY). */
  static async open(url: string, opts: StreamOptions): Promise<RemoteCommand> {
    const session = await dialSpdy(url);
    const wanted = ['error', ...(opts.stdin ? ['stdin'] : []), ...(opts.stdout ? ['stdout'] : []), ...(opts.stderr && !opts.tty ? ['stderr'] : []), ...(opts.tty ? ['resize'] : [])];
    const streams = new Map<string, SpdyStream>();
    try {
      for (const type of wanted) streams.set(type, await session.openStream({ streamType: type }));
    } catch (err) {
      session.close();
      throw err;
    }
    return new RemoteCommand(session, streams);
  }

  /** Resolves with the exit code once the server wrote its status (or hung up); rejects on a failure Status. */
  async wait(): Promise<number> {
    return exitCodeOf(await this.status);
  }

  /** The terminal's size, one JSON object per line as the server decodes it (a no-op without a TTY). */
  resize(width: number, height: number): void {
    const s = this.resizeStream;
    if (s && !s.destroyed && !s.writableEnded) s.write(`${JSON.stringify({ Width: width, Height: height })}\n`);
  }

  close(): void {
    this.session.close();
  }
}

/** A SPDY stream's data as a plain readable that always ends (a reset stream only closes). */
function output(stream: SpdyStream | undefined): PassThrough | undefined {
  if (!stream) return undefined;
  const out = new PassThrough();
  stream.on('data', (d: Buffer) => out.write(d));
  const end = (): void => void (out.writableEnded || out.end());
  stream.on('end', end);
  stream.on('close', end);
  return out;
}

/** CRI Exec's URL as an ExecSession: stdin's end() half-closes it, kill() drops the connection. */
export async function openExecSession(url: string, opts: { stdin: boolean; tty: boolean }): Promise<ExecSession> {
  const rc = await RemoteCommand.open(url, { stdin: opts.stdin, stdout: true, stderr: !opts.tty, tty: opts.tty });
  const stdin = rc.stdin ?? new Writable({ write: (_c, _e, cb) => cb() });
  const stdout = rc.stdout as PassThrough;
  return {
    stdin,
    stdout,
    ...(rc.stderr ? { stderr: rc.stderr } : {}),
    resize: (w, h) => rc.resize(w, h),
    wait: () => rc.wait(),
    kill: () => rc.close(),
  };
}

/**
 * CRI Attach's URL as a ContainerAttach for stdin and the terminal only (output is read
 * from the container's log). Without stdin a TTY session still needs one output stream
 * (the server insists on one); what arrives there is drained and dropped.
 */
export async function openAttachSession(url: string, opts: { stdin: boolean; tty: boolean }): Promise<ContainerAttach> {
  const rc = await RemoteCommand.open(url, { stdin: opts.stdin, stdout: !opts.stdin, stderr: false, tty: opts.tty });
  rc.stdout?.resume();
  // The status matters to nobody here: the container's exit is seen by the kubelet's relist.
  rc.wait().catch(() => {});
  let ended = false;
  return {
    ...(rc.stdin ? { stdin: rc.stdin } : {}),
    end: () => {
      if (ended) return;
      ended = true;
      // FIN first (with stdinOnce the container's stdin closes on it), then the connection.
      if (rc.stdin && !rc.stdin.destroyed && !rc.stdin.writableEnded) {
        rc.stdin.end(() => rc.close());
        setTimeout(() => rc.close(), 2000).unref();
      } else rc.close();
    },
    resize: (cols, rows) => rc.resize(cols, rows),
  };
}
