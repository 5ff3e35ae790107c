import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { WebSocketServer } from 'ws';
import type { Logger } from '../client/logger.js';
import { serveAttach } from './attach.js';
import { writeLogs } from './log-reader.js';
import { runExec } from './exec-session.js';
import { endSession, webSocketChannels, type StreamChannels } from './stream-channels.js';
import { acceptSpdyStreams } from './stream-spdy.js';
import { PortForwardServer } from './port-forward.js';
import { PROMETHEUS_TEXT } from './resource-metrics.js';
import type { Runtime } from './runtime.js';

/** What the kubelet API needs to find a container. */
export interface ContainerLocator {
  find(namespace: string, pod: string, container: string, previous: boolean): Promise<{ id: string; logPath: string; running: boolean } | undefined>;
}

export interface KubeletServerConfig {
  runtime: Runtime;
  locator: ContainerLocator;
  certPem: string;
  keyPem: string;
  /**
   * When set, only clients with a certificate signed by this CA are served (the API
   * server's kubelet client certificate). When absent every TLS client is served.
   */
  clientCaPem?: string;
  host: string;
  /** 10250 in production; 0 picks a free port. */
  port: number;
  logger: Logger;
  /** `GET /metrics/resource`: the resource metrics text (resource-metrics.ts); absent, 404. */
  resourceMetrics?: () => Promise<string>;
}

const CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
/** Who may use the kubelet API (with a client CA): the API server's kubelet client, or an admin. */
const KUBELET_API_USER = 'kube-apiserver-kubelet-client';
const ADMIN_GROUP = 'system:masters';

/**
 * Why a request is refused, or undefined. TLS already checked the chain against the
 * client CA; this narrows the cluster's many client certificates (nodes, users) to the
 * API server's own, as the kubelet's authorizer does — a node must not exec into another's pods.
 */
function refusedClient(config: KubeletServerConfig, req: IncomingMessage): string | undefined {
  if (!config.clientCaPem) return undefined;
  const subject = (req.socket as TLSSocket).getPeerCertificate?.()?.subject;
  const groups = ([] as string[]).concat(subject?.O ?? []);
  if (subject?.CN === KUBELET_API_USER || groups.includes(ADMIN_GROUP)) return undefined;
  return `user "${String(subject?.CN ?? '')}" may not use the kubelet API`;
}

function status(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

/**
 * The kubelet's HTTPS API as the API server's proxy uses it: /containerLogs/{ns}/{pod}/{c}
 * (follow, tailLines, sinceSeconds, sinceTime, timestamps, limitBytes, previous),
 * /exec|/attach/{ns}/{pod}/{c} over WebSocket (v5/v4.channel.k8s.io framing) or SPDY/3.1
 * (v4.channel.k8s.io streams), /portForward/{ns}/{pod} (SPDY/3.1, SPDY in a WebSocket,
 * or v4.channel.k8s.io), and /metrics/resource (what metrics-server scrapes).
 */
export async function startKubeletServer(config: KubeletServerConfig): Promise<{ port: number; close(): Promise<void> }> {
  // ws loads on the first exec/attach: most kubelets never serve one, and it is a start-up import less.
  let wss: WebSocketServer | undefined;
  let loading: Promise<WebSocketServer> | undefined;
  const webSockets = (): Promise<WebSocketServer> =>
    (loading ??= import('ws').then(({ WebSocketServer: Wss }) => (wss = new Wss({ noServer: true, handleProtocols: (offered) => CHANNEL_PROTOCOLS.find((p) => offered.has(p)) ?? false }))));
  const portForward = new PortForwardServer({ resolve: (ns, pod) => podTarget(config.runtime, ns, pod), logger: config.logger });
  const server: Server = createServer({
    cert: config.certPem,
    key: config.keyPem,
    ...(config.clientCaPem ? { ca: config.clientCaPem, requestCert: true, rejectUnauthorized: true } : {}),
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const denied = refusedClient(config, req);
    if (denied) return void res.writeHead(403, { 'content-type': 'application/json' }).end(status(403, 'Forbidden', denied));
    handleHttp(config, req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(status(500, 'InternalError', String(err)));
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const m = /^\/(exec|attach)\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (refusedClient(config, req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const pf = /^\/portForward\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (pf) {
      const [, ns, pod] = pf.map((s) => decodeURIComponent(s)) as [string, string, string];
      portForward.handleUpgrade(req, socket, head, ns, pod, url.searchParams).catch((err: unknown) => {
        config.logger.warn('port-forward failed', { pod: `${ns}/${pod}`, error: String(err) });
        socket.destroy();
      });
      return;
    }
    if (!m) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const [, verb, ns, pod, container] = m.map((s) => decodeURIComponent(s)) as [string, string, string, string, string];
    const q = url.searchParams;
    const started = Date.now();
    let io: StreamChannels | undefined;
    openStreams(webSockets, req, socket, head, q)
      .then(async (opened) => {
        io = opened;
        if (!opened) return;
        await serveStream(config, opened, verb, ns, pod, container, q);
        const protocol = isSpdy(req) ? 'spdy' : 'websocket';
        config.logger.info(`${verb} ended`, { pod: `${ns}/${pod}`, container, protocol, stdin: q.get('stdin') === 'true', tty: q.get('tty') === 'true', durationMs: Date.now() - started });
      })
      .catch((err: unknown) => {
        config.logger.warn(`${verb} failed`, { pod: `${ns}/${pod}`, container, error: String(err) });
        if (io) io.close();
        else socket.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss?.clients ?? []) c.terminate();
        portForward.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The pod's address for port-forward: its ready sandbox (the newest, should a restart leave two). */
async function podTarget(runtime: Runtime, ns: string, pod: string): Promise<{ ip: string; uid: string } | undefined> {
  const sandboxes = (await runtime.listPodSandboxes()).filter((s) => s.config.namespace === ns && s.config.name === pod && s.state === 'ready' && s.ip);
  const newest = sandboxes.sort((a, b) => b.createdAt - a.createdAt)[0];
  return newest ? { ip: newest.ip, uid: newest.config.uid } : undefined;
}

async function handleHttp(config: KubeletServerConfig, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://kubelet');
  if (url.pathname === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  if (url.pathname === '/metrics/resource' && config.resourceMetrics && req.method === 'GET') {
    return void res.writeHead(200, { 'content-type': PROMETHEUS_TEXT }).end(await config.resourceMetrics());
  }
  if (/^\/(portForward|exec|attach)\//.test(url.pathname)) {
    return void res.writeHead(400, { 'content-type': 'application/json' }).end(status(400, 'BadRequest', 'Upgrade request required'));
  }
  const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  if (!m || req.method !== 'GET') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
  const [, ns, pod, container] = m.map((s) => decodeURIComponent(s)) as [string, string, string, string];
  const q = url.searchParams;
  const previous = q.get('previous') === 'true';
  const ref = await config.locator.find(ns, pod, container, previous);
  if (!ref) {
    const msg = previous ? `previous terminated container "${container}" in pod "${pod}" not found` : `container "${container}" in pod "${pod}" is waiting to start: ContainerCreating`;
    return void res.writeHead(400, { 'content-type': 'application/json' }).end(status(400, 'BadRequest', msg));
  }
  const num = (k: string): number | undefined => (q.has(k) ? Number(q.get(k)) : undefined);
  const sinceSeconds = num('sinceSeconds');
  const sinceTime = q.get('sinceTime');
  const sinceMs = sinceSeconds !== undefined ? Date.now() - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : undefined;
  const tailLines = num('tailLines');
  const limitBytes = num('limitBytes');
  res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
  res.flushHeaders();
  await writeLogs(ref.logPath, res, {
    follow: q.get('follow') === 'true' && !previous,
    timestamps: q.get('timestamps') === 'true',
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
    ...(sinceMs !== undefined ? { sinceMs } : {}),
    running: async () => (await config.locator.find(ns, pod, container, false))?.id === ref.id && ref.running && ((await config.runtime.containerStatus(ref.id))?.state === 'running'),
  });
  res.end();
}

const isSpdy = (req: IncomingMessage): boolean => String(req.headers.upgrade ?? '').toLowerCase().startsWith('spdy/3.1');

/** The session's channels over the transport the client asked for: SPDY/3.1, else WebSocket; undefined when refused. */
async function openStreams(webSockets: () => Promise<WebSocketServer>, req: IncomingMessage, socket: Duplex, head: Buffer, q: URLSearchParams): Promise<StreamChannels | undefined> {
  if (isSpdy(req)) return acceptSpdyStreams(req, socket, head, q);
  const wss = await webSockets();
  return new Promise((resolve) => wss.handleUpgrade(req, socket, head, (ws) => resolve(webSocketChannels(ws))));
}

/** exec or attach on the session's channels, whatever carries them; refusals end it with a Status. */
async function serveStream(config: KubeletServerConfig, io: StreamChannels, verb: string, ns: string, pod: string, container: string, q: URLSearchParams): Promise<void> {
  const ref = await config.locator.find(ns, pod, container, false);
  if (!ref || !ref.running) return endSession(io, { status: 'Failure', message: `container ${container} not found in pod ${pod}`, reason: 'InternalError', code: 500 });
  if (verb === 'attach') return serveAttach(io, config.runtime, { id: ref.id, logPath: ref.logPath, container, pod }, q);
  return runExec(config.runtime, ref.id, io, q);
}
