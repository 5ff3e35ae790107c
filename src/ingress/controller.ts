import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceKind, type Service } from '../api/core/v1/service.js';
import { EndpointSliceKind, type EndpointSlice } from '../api/discovery/v1/endpoint-slice.js';
import { IngressKind, type Ingress } from '../api/networking/v1/ingress.js';
import { IngressClassKind, type IngressClass } from '../api/networking/v1/ingress-class.js';
import { SharedInformerFactory } from '../client/informer-factory.js';
import { jsonLogger, type Logger } from '../client/logger.js';
import type { RestClient } from '../client/rest-client.js';
import { RoundRobin } from '../proxy/endpoints.js';
import { syncLoop } from '../proxy/sync-loop.js';
import { forward, reply } from './forward.js';
import { DEFAULT_INGRESS_CLASS } from './ingress-class.js';
import { requestHost, requestPath } from './match.js';
import { buildRouteTable, type RouteTable } from './route-table.js';
import { ingressStatusWriter } from './status.js';

export interface IngressControllerConfig {
  client: RestClient;
  /** Shared informers (the caller starts them); default: the controller's own, started and stopped with it. */
  informers?: SharedInformerFactory;
  /** Where HTTP is served; port 0 picks a free one (see `port`). */
  listen: { address: string; port: number };
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
  const informers = [ingresses, classes, services, slices];
  const synced = (): boolean => informers.every((i) => i.hasSynced());

  let table: RouteTable | undefined;
  const currentTable = (): RouteTable =>
    (table ??= buildRouteTable({ className, ingresses: ingresses.list(), classes: classes.list(), services: services.list(), slices: slices.list() }));
  // Cursors outlive tables, so endpoint churn does not reset balancing to the first backend.
  const cursors = new Map<string, RoundRobin>();
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (!synced()) return reply(res, 503, 'ingress controller starting\n');
    const t = currentTable();
    const match = t.route(requestHost(req.headers.host), requestPath(req.url));
    if (!match) return reply(res, 404, '404 page not found\n');
    const r = t.resolve(match.ingress.metadata?.namespace ?? '', match.backend);
    if ('problem' in r) {
      log.warn('no backend for request', { ingress: `${match.ingress.metadata?.namespace}/${match.ingress.metadata?.name}`, problem: r.problem });
      return reply(res, 503, 'Service Unavailable\n');
    }
    const cursor = cursors.get(r.key) ?? cursors.set(r.key, new RoundRobin()).get(r.key)!;
    const b = cursor.pick(r.backends)!;
    forward(req, res, b, { agent, log });
  }

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

  const server = createServer(handle);
  // A stalled client must not hold a socket forever; streaming bodies keep the default request timeout off.
  server.headersTimeout = 30_000;
  server.requestTimeout = 0;
  server.on('clientError', (_err, socket) => socket.destroy());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.listen.port, config.listen.address, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    for (const u of unsubscribe) u();
    await loop.stop();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  log.info('ingress controller listening', { address: config.listen.address, port, className });

  if (ownFactory) factory.start();
  void Promise.all(informers.map((i) => i.waitForSync())).then(() => {
    table = undefined;
    loop.schedule(0);
  });

  let stopped: Promise<void> | undefined;
  return {
    port,
    ready: async () => {
      await Promise.all(informers.map((i) => i.waitForSync()));
    },
    stop: () =>
      (stopped ??= (async () => {
        for (const u of unsubscribe) u();
        await loop.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        agent.destroy();
        if (ownFactory) await factory.stop();
      })()),
  };
}
