import { connect, type Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../client/logger.js';
import { SpdySession, type SpdyStream } from './port-forward-spdy.js';
import { webSocketDuplex } from './port-forward-ws.js';

/** Where a pod's ports are: its IP (reachable from the kubelet's process) and uid. */
export interface PortForwardTarget {
  ip: string;
  uid: string;
}

export interface PortForwardConfig {
  /** The running pod's address, or undefined when this node has no such pod. */
  resolve(namespace: string, pod: string): Promise<PortForwardTarget | undefined>;
  logger: Logger;
  /** How long the second stream of a data/error pair may keep us waiting (default 30 s, as the kubelet). */
  pairTimeoutMs?: number;
}

const SPDY_OVER_WS = 'SPDY/3.1+portforward.k8s.io';
const CHANNELS_V4 = 'v4.channel.k8s.io';
const PORT_FORWARD_V1 = 'portforward.k8s.io';

function refuse(socket: Duplex, code: number, reason: string, message: string): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  const text = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' }[code] ?? 'Error';
  socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

const offered = (v: string | string[] | undefined): string[] =>
  ([] as string[]).concat(v ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);

/**
 * The kubelet's /portForward/{ns}/{pod}, in the three ways clients speak it:
 * - `Upgrade: SPDY/3.1` (kubectl ≤ 1.29, and newer kubectl's fallback): SPDY streams in
 *   data/error pairs, each pair one TCP connection to podIP:port;
 * - WebSocket `SPDY/3.1+portforward.k8s.io` (kubectl ≥ 1.30): the same SPDY, tunnelled;
 * - WebSocket `v4.channel.k8s.io` (client-node): channel 2i data / 2i+1 error for the
 *   i-th `ports` value, each channel opening with the port as 2 little-endian bytes.
 */
export class PortForwardServer {
  private readonly live = new Set<{ close(): void }>();
  private wss: Promise<WebSocketServer> | undefined;
  /** Upgrades answered with the SPDY tunnel subprotocol (added to ws's 101 headers). */
  private readonly tunnelled = new WeakSet<IncomingMessage>();

  constructor(private readonly config: PortForwardConfig) {}

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ns: string, pod: string, query: URLSearchParams): Promise<void> {
    const target = await this.config.resolve(ns, pod);
    if (!target) return refuse(socket, 404, 'NotFound', `pod "${pod}" in namespace "${ns}" is not running on this node`);
    const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
    const key = `${ns}/${pod}`;
    if (upgrade === 'websocket') {
      const protocols = offered(req.headers['sec-websocket-protocol']);
      const ports = query.getAll('ports').flatMap((p) => p.split(',')).filter(Boolean).map(Number);
      if (!protocols.includes(SPDY_OVER_WS)) {
        if (!protocols.includes(CHANNELS_V4)) return refuse(socket, 400, 'BadRequest', `unsupported port-forward protocols [${protocols.join(', ')}]; supported: ${SPDY_OVER_WS}, ${CHANNELS_V4}`);
        if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) return refuse(socket, 400, 'BadRequest', 'query parameter "ports" must list ports between 1 and 65535');
      }
      const tunnel = protocols.includes(SPDY_OVER_WS);
      // ws refuses "/" in a subprotocol (not an RFC 7230 token): negotiate that one here.
      if (tunnel) {
        delete req.headers['sec-websocket-protocol'];
        this.tunnelled.add(req);
      }
      const wss = await this.webSockets();
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (tunnel) this.serveSpdy(webSocketDuplex(ws), target, key, 'websocket-spdy');
        else this.serveChannels(ws, ports, target, key);
      });
      return;
    }
    if (upgrade.startsWith('spdy/3.1')) {
      const protocols = offered(req.headers['x-stream-protocol-version']);
      // A client that names no protocol is an old one speaking the only one there is.
      if (protocols.length > 0 && !protocols.includes(PORT_FORWARD_V1)) {
        return refuse(socket, 403, 'Forbidden', `unable to upgrade: unable to negotiate protocol: client supports [${protocols.join(', ')}], server supports [${PORT_FORWARD_V1}]`);
      }
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n${protocols.length ? `X-Stream-Protocol-Version: ${PORT_FORWARD_V1}\r\n` : ''}\r\n`);
      if (head.length > 0) socket.unshift(head);
      this.serveSpdy(socket, target, key, 'spdy');
      return;
    }
    refuse(socket, 400, 'BadRequest', 'port-forward needs a WebSocket or SPDY/3.1 upgrade');
  }

  private webSockets(): Promise<WebSocketServer> {
    return (this.wss ??= import('ws').then(({ WebSocketServer: Wss }) => {
      const wss = new Wss({ noServer: true, handleProtocols: (p) => (p.has(CHANNELS_V4) ? CHANNELS_V4 : false) });
      wss.on('headers', (headers: string[], req: IncomingMessage) => {
        if (this.tunnelled.delete(req)) headers.push(`Sec-WebSocket-Protocol: ${SPDY_OVER_WS}`);
      });
      return wss;
    }));
  }

  /** Ends every port-forward connection (kubelet shutdown). */
  close(): void {
    for (const c of [...this.live]) c.close();
  }

  private track(c: { close(): void }, done: Promise<unknown>, key: string, protocol: string, counts: { connections: number }): void {
    const started = Date.now();
    this.live.add(c);
    void done.then(() => {
      this.live.delete(c);
      this.config.logger.info('port-forward ended', { pod: key, protocol, connections: counts.connections, durationMs: Date.now() - started });
    });
  }

  private serveSpdy(transport: Duplex, target: PortForwardTarget, key: string, protocol: string): void {
    const pairs = new Map<string, { data?: SpdyStream; error?: SpdyStream; timer: NodeJS.Timeout }>();
    const counts = { connections: 0 };
    const session = new SpdySession({
      transport,
      isServer: true,
      onStream: (stream) => {
        const type = stream.headers.get('streamtype');
        if (type !== 'data' && type !== 'error') return void stream.destroy();
        // Clients before requestID opened error then data, ids two apart: pair them as the kubelet does.
        const rid = stream.headers.get('requestid') ?? String(type === 'error' ? stream.id : stream.id - 2);
        let pair = pairs.get(rid);
        if (!pair) {
          const timer = setTimeout(() => {
            pairs.delete(rid);
            const p = pair as { data?: SpdyStream; error?: SpdyStream };
            p.error?.end(`timed out waiting for the data and error streams of request ${rid}`);
            p.data?.destroy();
          }, this.config.pairTimeoutMs ?? 30_000);
          timer.unref();
          pair = { timer };
          pairs.set(rid, pair);
        }
        if (pair[type]) return void stream.destroy();
        pair[type] = stream;
        if (pair.data && pair.error) {
          clearTimeout(pair.timer);
          pairs.delete(rid);
          counts.connections++;
          forward(target, key, pair.data, pair.error);
        }
      },
    });
    void session.done.then(() => {
      for (const p of pairs.values()) clearTimeout(p.timer);
    });
    this.track(session, session.done, key, protocol, counts);
  }

  private serveChannels(ws: WebSocket, ports: number[], target: PortForwardTarget, key: string): void {
    const counts = { connections: ports.length };
    const sockets: Socket[] = [];
    const send = (ch: number, data: Buffer | string): void => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([ch]), Buffer.isBuffer(data) ? data : Buffer.from(data)]));
    };
    let open = ports.length;
    ports.forEach((port, i) => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16LE(port);
      send(2 * i, prefix);
      send(2 * i + 1, prefix);
      const tcp = connect({ host: target.ip, port });
      sockets.push(tcp);
      tcp.on('data', (d: Buffer) => send(2 * i, d));
      tcp.on('error', (err) => send(2 * i + 1, forwardError(port, key, target, err)));
      tcp.on('close', () => {
        if (--open === 0) ws.close(1000);
      });
    });
    ws.on('message', (data: Buffer) => {
      const ch = data[0] ?? 255;
      const tcp = ch % 2 === 0 ? sockets[ch / 2] : undefined;
      if (tcp && data.length > 1) tcp.write(data.subarray(1));
    });
    const done = new Promise<void>((resolve) => ws.on('close', () => resolve()));
    void done.then(() => sockets.forEach((s) => s.destroy()));
    this.track({ close: () => ws.terminate() }, done, key, CHANNELS_V4, counts);
  }
}

function forwardError(port: number, key: string, target: PortForwardTarget, err: Error): string {
  return `error forwarding port ${port} to pod ${key}, uid ${target.uid}: ${err.message}`;
}

/**
 * One forwarded connection: the data stream is spliced to a TCP connection to
 * podIP:port; a failure is written as text on the error stream. Both streams end when
 * the pod side closes; a reset or a client FIN ends the pod side.
 */
function forward(target: PortForwardTarget, key: string, data: SpdyStream, error: SpdyStream): void {
  const port = Number(data.headers.get('port'));
  error.on('error', () => {});
  data.on('error', () => {});
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    error.end(`invalid port ${data.headers.get('port') ?? '(none)'}`);
    data.end();
    return;
  }
  const tcp = connect({ host: target.ip, port });
  let failed = false;
  tcp.on('error', (err) => {
    failed = true;
    error.end(forwardError(port, key, target, err));
    data.end();
  });
  tcp.on('connect', () => {
    tcp.pipe(data);
    data.pipe(tcp);
  });
  tcp.on('close', () => {
    if (!failed) {
      if (!data.writableEnded) data.end();
      if (!error.writableEnded) error.end();
    }
  });
  data.on('close', () => {
    if (data.reset) tcp.destroy();
  });
  error.resume();
}
