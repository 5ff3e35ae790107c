import { request as httpRequest, type IncomingMessage, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import type { KindSpec } from '../../api/schema/dsl.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import type { RequestInfo } from '../types.js';
import type { ResourceContext, VerbArgs } from './context.js';
import { badRequest, notFound, statusError } from './errors.js';
import { mustReadObject } from './object-store.js';
import { stripBearerProtocols } from '../authn/websocket-protocol.js';

/** How the API server reaches kubelets (their API on each node's kubelet port). */
export interface KubeletClientConfig {
  /** Default 'https' (the kubelet's API); tests use 'http'. */
  scheme?: 'https' | 'http';
  /** Client certificate and key (PEM) presented to kubelets, and the CA to verify them. */
  cert?: string;
  key?: string;
  ca?: string;
  /** Default false: kubelet serving certificates are self-signed unless a CA is given. */
  rejectUnauthorized?: boolean;
}

/** The pod subresources that are proxied to the kubelet, with the kubelet path of each. */
export const KUBELET_SUBRESOURCES = new Set(['log', 'exec', 'attach', 'portforward']);
const STREAMING = new Set(['exec', 'attach', 'portforward']);
const LOG_PARAMS = ['follow', 'previous', 'sinceSeconds', 'sinceTime', 'timestamps', 'tailLines', 'limitBytes', 'insecureSkipTLSVerifyBackend'];

interface Target {
  url: URL;
}

function containerNames(pod: KubeObject): string[] {
  const names = (list: unknown) => (Array.isArray(list) ? list.map((c: { name?: string }) => String(c?.name ?? '')) : []);
  return [...names(pod.spec?.containers), ...names(pod.spec?.initContainers), ...names(pod.spec?.ephemeralContainers)];
}

/** The container a request is about: `?container=`, else the only (or default-annotated) one; 400 otherwise. */
function pickContainer(pod: KubeObject, requested: string | null): string {
  const name = String(pod.metadata?.name ?? '');
  const all = containerNames(pod);
  const main = Array.isArray(pod.spec?.containers) ? (pod.spec.containers as { name?: string }[]).map((c) => String(c.name ?? '')) : [];
  if (requested) {
    if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const annotated = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  if (typeof annotated === 'string' && main.includes(annotated)) return annotated;
  if (main.length === 1) return main[0] as string;
  if (main.length === 0) throw badRequest(`pod ${name} does not have any containers`);
  throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${main.join(' ')}]`);
}

/** Finds the node's kubelet endpoint: an InternalIP (else ExternalIP, Hostname) and daemonEndpoints' port. */
async function kubeletBase(ctx: ResourceContext, nodeName: string, scheme: string): Promise<string> {
  const nodeSpec = ctx.registry.byGroupVersionResource('', 'v1', 'nodes');
  if (!nodeSpec) throw statusError(503, 'ServiceUnavailable', 'nodes are not served');
  const got = await ctx.store.get(`/registry/core/nodes/${nodeName}`);
  if (!got) throw notFound(nodeSpec, nodeName);
  const node = JSON.parse(Buffer.from(got.value).toString('utf8')) as KubeObject;
  const base = kubeletBaseOf(node, scheme);
  if (!base) throw badRequest(`node ${nodeName} has no address`);
  return base;
}

/** A node's kubelet URL (no path), or undefined when it has no address. Also used by the metrics API's scraper. */
export function kubeletBaseOf(node: KubeObject, scheme: string): string | undefined {
  const addresses = (node.status?.addresses ?? []) as { type?: string; address?: string }[];
  const pick = (t: string) => addresses.find((a) => a.type === t && a.address)?.address;
  const host = pick('InternalIP') ?? pick('ExternalIP') ?? pick('Hostname');
  if (!host) return undefined;
  const port = Number(node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250) || 10250;
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Resolves the kubelet URL for a log/exec/attach/portforward request. */
async function resolveTarget(ctx: ResourceContext, spec: KindSpec, info: RequestInfo, scheme: string): Promise<Target> {
  const name = info.name as string;
  const ns = info.namespace ?? '';
  const { obj: pod } = await mustReadObject(ctx, spec, info.namespace, name);
  const sub = info.subresource as string;
  const container = sub === 'portforward' ? '' : pickContainer(pod, info.query.get('container'));
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  const base = await kubeletBase(ctx, String(nodeName), scheme);
  const q = new URLSearchParams();
  let path: string;
  const seg = (s: string) => encodeURIComponent(s);
  if (sub === 'log') {
    path = `/containerLogs/${seg(ns)}/${seg(name)}/${seg(container)}`;
    for (const p of LOG_PARAMS) for (const v of info.query.getAll(p)) q.append(p, v);
  } else if (sub === 'portforward') {
    path = `/portForward/${seg(ns)}/${seg(name)}`;
    for (const v of info.query.getAll('ports')) q.append('ports', v);
  } else {
    path = `/${sub}/${seg(ns)}/${seg(name)}/${seg(container)}`;
    for (const [k, v] of info.query) if (k !== 'container') q.append(k, v);
  }
  const qs = q.toString();
  return { url: new URL(`${base}${path}${qs ? `?${qs}` : ''}`) };
}

/** A GET to a kubelet with the API server's client certificate. */
export function openKubelet(cfg: KubeletClientConfig, url: URL, headers: Record<string, string | string[]>): ClientRequest {
  const common = { method: 'GET', headers, timeout: 30_000 } as const;
  if (url.protocol === 'http:') return httpRequest(url, common);
  return httpsRequest(url, {
    ...common,
    rejectUnauthorized: cfg.rejectUnauthorized ?? false,
    ...(cfg.ca ? { ca: cfg.ca } : {}),
    ...(cfg.cert ? { cert: cfg.cert } : {}),
    ...(cfg.key ? { key: cfg.key } : {}),
  });
}

function unreachable(err: unknown, url: URL): Error {
  return statusError(503, 'ServiceUnavailable', `error dialing backend: ${err instanceof Error ? err.message : String(err)} (${url.host})`);
}

/**
 * GET pods/<name>/log: streamed from the kubelet's /containerLogs (text/plain), status and
 * body passed through. exec/attach/portforward without an Upgrade header are 400.
 */
export async function handleKubeletProxy(a: VerbArgs, cfg: KubeletClientConfig): Promise<void> {
  const { info, spec, ctx, res } = a;
  const sub = info.subresource as string;
  if (STREAMING.has(sub)) throw badRequest('Upgrade request required');
  if (info.verb !== 'get') throw statusError(405, 'MethodNotAllowed', `${info.verb} is not supported on resources of kind "pods/log"`);
  const { url } = await resolveTarget(ctx, spec, info, cfg.scheme ?? 'https');
  await new Promise<void>((resolve, reject) => {
    const up = openKubelet(cfg, url, { accept: '*/*' });
    up.on('timeout', () => up.destroy(new Error('timeout')));
    up.on('error', (err) => (res.headersSent ? (res.destroy(), resolve()) : reject(unreachable(err, url))));
    up.on('response', (kres: IncomingMessage) => {
      up.setTimeout(0);
      const headers: Record<string, string> = { 'content-type': String(kres.headers['content-type'] ?? 'text/plain') };
      res.writeHead(kres.statusCode ?? 502, headers);
      res.flushHeaders();
      kres.pipe(res);
      kres.on('end', () => resolve());
      kres.on('error', () => {
        res.destroy();
        resolve();
      });
      res.on('close', () => {
        kres.destroy();
        resolve();
      });
    });
    up.end();
  });
}

/** Headers of an upgrade request that the kubelet must see (the protocol negotiation). */
const FORWARD_HEADERS = ['connection', 'upgrade', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions', 'x-stream-protocol-version'];

/**
 * exec/attach/portforward (WebSocket or SPDY): relays the upgrade to the kubelet and, once
 * it answers 101, splices the two sockets together byte for byte (as kube-apiserver's
 * upgrade-aware proxy), so every channel protocol passes through unchanged.
 */
export async function proxyUpgrade(ctx: ResourceContext, spec: KindSpec, req: IncomingMessage, socket: Duplex, head: Buffer, info: RequestInfo, cfg: KubeletClientConfig): Promise<void> {
  const { url } = await resolveTarget(ctx, spec, info, cfg.scheme ?? 'https');
  // A browser's token subprotocol is for us alone (when another credential authenticated, it is still here).
  stripBearerProtocols(req.headers);
  const headers: Record<string, string | string[]> = {};
  for (const h of FORWARD_HEADERS) {
    const v = req.headers[h];
    if (v !== undefined) headers[h] = v;
  }
  await new Promise<void>((resolve, reject) => {
    const up = openKubelet(cfg, url, headers);
    up.on('timeout', () => up.destroy(new Error('timeout')));
    up.on('error', (err) => reject(unreachable(err, url)));
    up.on('upgrade', (kres: IncomingMessage, ksock: Duplex, khead: Buffer) => {
      up.setTimeout(0);
      let text = `HTTP/1.1 ${kres.statusCode ?? 101} ${kres.statusMessage ?? 'Switching Protocols'}\r\n`;
      for (let i = 0; i + 1 < kres.rawHeaders.length; i += 2) text += `${kres.rawHeaders[i]}: ${kres.rawHeaders[i + 1]}\r\n`;
      socket.write(`${text}\r\n`);
      if (khead.length > 0) socket.write(khead);
      if (head.length > 0) ksock.write(head);
      ksock.pipe(socket);
      socket.pipe(ksock);
      const close = () => {
        ksock.destroy();
        socket.destroy();
        resolve();
      };
      ksock.on('close', close);
      socket.on('close', close);
      ksock.on('error', close);
      socket.on('error', close);
    });
    up.on('response', (kres: IncomingMessage) => {
      // The kubelet refused the upgrade: pass its answer on (the client may fall back).
      let text = `HTTP/1.1 ${kres.statusCode ?? 502} ${kres.statusMessage ?? ''}\r\n`;
      for (let i = 0; i + 1 < kres.rawHeaders.length; i += 2) {
        const k = (kres.rawHeaders[i] as string).toLowerCase();
        if (k === 'connection' || k === 'transfer-encoding' || k === 'keep-alive') continue;
        text += `${kres.rawHeaders[i]}: ${kres.rawHeaders[i + 1]}\r\n`;
      }
      const chunks: Buffer[] = [];
      kres.on('data', (c: Buffer) => chunks.push(c));
      kres.on('end', () => {
        const body = Buffer.concat(chunks);
        socket.end(`${text}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.toString('latin1')}`, 'latin1');
        resolve();
      });
    });
    up.end();
  });
}
