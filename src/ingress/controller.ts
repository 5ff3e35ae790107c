import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createSecureContext } from 'node:tls';
import { createCa, issueServerCertificate } from '../apiserver/tls/pki.js';
import { SecretKind, type Secret } from '../api/core/v1/secret.js';
import { ServiceKind, type Service } from '../api/core/v1/service.js';
import { EndpointSliceKind, type EndpointSlice } from '../api/discovery/v1/endpoint-slice.js';
import { IngressKind, type Ingress } from '../api/networking/v1/ingress.js';
import { IngressClassKind, type IngressClass } from '../api/networking/v1/ingress-class.js';
import { SharedInformerFactory } from '../client/informer-factory.js';
import { jsonLogger, type Logger } from '../client/logger.js';
import type { RestClient } from '../client/rest-client.js';
import { RoundRobin } from '../proxy/endpoints.js';
import { syncLoop } from '../proxy/sync-loop.js';
import { certificateStore } from './certificates.js';
import { forward, reply } from './forward.js';
import { tunnel } from './tunnel.js';
import { DEFAULT_INGRESS_CLASS } from './ingress-class.js';
import { requestHost, requestPath } from './match.js';
import { buildRouteTable, type RouteTable } from './route-table.js';
import { ingressStatusWriter } from './status.js';

/** One address, or several served on the same port. */
export interface ListenAt {
  address: string | readonly string[];
  port: number;
}

export interface IngressControllerConfig {
  client: RestClient;
  /** Shared informers (the caller starts them); default: the controller's own, started and stopped with it. */
  informers?: SharedInformerFactory;
  /** Where HTTP is served (one listener per address); port 0 picks a free one (see `port`). */
  listen: ListenAt;
  /** Where HTTPS is served (certificates from the Ingresses' `spec.tls` Secrets); absent: no HTTPS. */
  listenTls?: ListenAt;
  /** The address written to served Ingresses' status.loadBalancer; '' (or a wildcard) writes none. */
  ingressIP: string;
  /** The IngressClass served; default "skiff". */
  className?: string;
  log?: Logger;
  /** Delay that coalesces bursts of events into one status sync; default 20 ms. */
  syncDelayMs?: number;
}

export interface IngressController {
  /** The port actually listened on (useful with port 0). */
  readonly port: number;
  /** The HTTPS port listened on, with `listenTls`. */
  readonly tlsPort?: number;
  /** Resolves once the four caches have synced: from then on requests are routed (before, 503). */
  ready(): Promise<void>;
  /** Closes the listener (open connections too) and the informers it started; idempotent. */
  stop(): Promise<void>;
}

const RETRY_MS = 1000;

/**
 * The built-in HTTP ingress controller (k3s ships Traefik in this role). Requests are
 * routed on a table rebuilt lazily from the informer caches after any change to Ingresses,
 * IngressClasses, Services or EndpointSlices — so a change applies to the next request —
 * and proxied to the backend's ready endpoints round-robin. A level-triggered loop writes
 * the ingress IP into each served Ingress's status.
 */
export async function startIngressController(config: IngressControllerConfig): Promise<IngressController> {
  const log = config.log ?? jsonLogger('ingress');
  const className = config.className ?? DEFAULT_INGRESS_CLASS;
  const ownFactory = !config.informers;
  const factory = config.informers ?? new SharedInformerFactory({ client: config.client, logger: log });
  const ingresses = factory.informerFor<Ingress>(IngressKind);
  const classes = factory.informerFor<IngressClass>(IngressClassKind);
  const services = factory.informerFor<Service>(ServiceKind);
  const slices = factory.informerFor<EndpointSlice>(EndpointSliceKind);
  const secrets = config.listenTls ? factory.informerFor<Secret>(SecretKind) : undefined;
  const informers = [ingresses, classes, services, slices, ...(secrets ? [secrets] : [])];
  const synced = (): boolean => informers.every((i) => i.hasSynced());

  let table: RouteTable | undefined;
  const currentTable = (): RouteTable =>
    (table ??= buildRouteTable({ className, ingresses: ingresses.list(), classes: classes.list(), services: services.list(), slices: slices.list() }));
  // Cursors outlive tables, so endpoint churn does not reset balancing to the first backend.
  const cursors = new Map<string, RoundRobin>();
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });

  /** Where a request goes: a backend endpoint, or the status and text the proxy answers itself. */
  function route(req: IncomingMessage): { ip: string; port: number } | { status: number; text: string } {
    if (!synced()) return { status: 503, text: 'ingress controller starting\n' };
    const t = currentTable();
    const match = t.route(requestHost(req.headers.host), requestPath(req.url));
    if (!match) return { status: 404, text: '404 page not found\n' };
    const r = t.resolve(match.ingress.metadata?.namespace ?? '', match.backend);
    if ('problem' in r) {
      log.warn('no backend for request', { ingress: `${match.ingress.metadata?.namespace}/${match.ingress.metadata?.name}`, problem: r.problem });
      return { status: 503, text: 'Service Unavailable\n' };
    }
    const cursor = cursors.get(r.key) ?? cursors.set(r.key, new RoundRobin()).get(r.key)!;
    return cursor.pick(r.backends)!;
  }

  const handle = (proto: 'http' | 'https') => (req: IncomingMessage, res: ServerResponse): void => {
    const to = route(req);
    if ('status' in to) return reply(res, to.status, to.text);
    forward(req, res, to, { agent, log, proto });
  };

  const upgrade = (proto: 'http' | 'https') => (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const to = route(req);
    if ('status' in to) {
      socket.end(`HTTP/1.1 ${to.status} ${to.status === 404 ? 'Not Found' : 'Service Unavailable'}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(to.text)}\r\nconnection: close\r\n\r\n${to.text}`);
      return;
    }
    tunnel(req, socket, head, to, { log, proto });
  };

  const writeStatus = ingressStatusWriter({ client: config.client, ip: config.ingressIP, log });
  const loop = syncLoop({
    sync: async () => (synced() ? writeStatus(currentTable().ingresses) : false),
    delayMs: config.syncDelayMs ?? 20,
    retryMs: RETRY_MS,
    log,
  });
  const onChange = (): void => {
    table = undefined;
    loop.schedule();
  };
  const handler = { onAdd: onChange, onUpdate: onChange, onDelete: onChange };
  const unsubscribe = informers.map((i) => i.addEventHandler(handler));

  const servers: Server[] = [];
  /** Listens on every address of `at` (port 0: the first one's pick for all); resolves with the port. */
  const serve = async (make: () => Server, at: ListenAt, proto: 'http' | 'https'): Promise<number> => {
    let port = at.port;
    for (const address of typeof at.address === 'string' ? [at.address] : at.address) {
      const server = make();
      servers.push(server);
      // A stalled client must not hold a socket forever; streaming bodies keep the default request timeout off.
      server.headersTimeout = 30_000;
      server.requestTimeout = 0;
      server.on('clientError', (_err, socket) => socket.destroy());
      server.on('upgrade', upgrade(proto));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, address, () => {
          server.off('error', reject);
          resolve();
        });
      });
      port = (server.address() as AddressInfo).port;
      log.info('ingress controller listening', { address, port, proto, className });
    }
    return port;
  };
  const closeAll = (): Promise<unknown> =>
    Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            if (!server.listening) return resolve();
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  let port: number;
  let tlsPort: number | undefined;
  try {
    port = await serve(() => createServer(handle('http')), config.listen, 'http');
    if (config.listenTls) {
      const own = await defaultCertificate();
      const certs = certificateStore({ ingresses: () => (synced() ? currentTable().ingresses : []), secret: (ns, name) => secrets?.get(`${ns}/${name}`), fallback: createSecureContext(own), log });
      // Clients that send no server name get the default certificate.
      tlsPort = await serve(() => createTlsServer({ SNICallback: (name, cb) => cb(null, certs.contextFor(name)), ...own }, handle('https')), config.listenTls, 'https');
    }
  } catch (err) {
    for (const u of unsubscribe) u();
    await loop.stop();
    await closeAll();
    throw err;
  }

  if (ownFactory) factory.start();
  void Promise.all(informers.map((i) => i.waitForSync())).then(() => {
    table = undefined;
    loop.schedule(0);
  });

  let stopped: Promise<void> | undefined;
  return {
    port,
    ...(tlsPort !== undefined ? { tlsPort } : {}),
    ready: async () => {
      await Promise.all(informers.map((i) => i.waitForSync()));
    },
    stop: () =>
      (stopped ??= (async () => {
        for (const u of unsubscribe) u();
        await loop.stop();
        await closeAll();
        agent.destroy();
        if (ownFactory) await factory.stop();
      })()),
  };
}

/** The certificate served to names no Ingress has one for: self-signed, made at start (as ingress controllers do). */
async function defaultCertificate(): Promise<{ cert: string; key: string }> {
  const ca = await createCa('skiff-ingress-default');
  const c = await issueServerCertificate(ca, { dns: ['skiff-ingress-default.invalid'], ips: [] });
  return { cert: c.certPem, key: c.keyPem };
}
