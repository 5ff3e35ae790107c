/**
 * The aggregation layer (kube-aggregator inside kube-apiserver), in the API server process:
 * - keeps one Local APIService per group version served here (autoregister);
 * - checks every remote APIService (Service, ready endpoints, discovery) and writes its
 *   Available condition; the discovery answer feeds the merged discovery documents;
 * - proxies requests for a remote group version to its server (after authentication and
 *   authorization, which the pipeline did).
 * It reads APIServices, Services and EndpointSlices through informers over the in-process
 * transport (as the admin, like the CRD feed), so lists come from the watch cache.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { APIServiceKind, type APIService } from '../../api/apiregistration/v1/api-service.js';
import { ServiceKind, type Service } from '../../api/core/v1/service.js';
import { EndpointSliceKind, serviceNameLabel, type EndpointSlice } from '../../api/discovery/v1/endpoint-slice.js';
import type { Registry } from '../../api/registry.js';
import { InProcessTransport } from '../../client/in-process-transport.js';
import { Informer } from '../../client/informer.js';
import type { Logger } from '../../client/logger.js';
import { RestClient } from '../../client/rest-client.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/status-error.js';
import type { ResourceClient } from '../../client/resource-client.js';
import { serviceUnavailable } from '../../machinery/status.js';
import type { RemoteDiscovery, RemoteGroupVersion } from '../discovery/remote.js';
import { writeStatus } from '../http/respond.js';
import type { ParsedRequest } from '../request-info.js';
import type { UserInfo } from '../types.js';
import { checkAvailability, type CheckResult, type RemoteFetch } from './availability.js';
import { statusUpdate, type WantedCondition } from './conditions.js';
import { LOCAL_AVAILABLE, isRemovable, localApiServices } from './local-api-services.js';
import { proxyRequest, proxyUpgrade, UNAVAILABLE_MESSAGE } from './proxy.js';
import { resolveService, type ServiceLookup } from '../service-resolver.js';
import { AgentPool, remoteGet, targetOf } from './transport.js';

export interface AggregatorConfig {
  registry: Registry;
  logger: Logger;
  /** How often every APIService is re-checked (default 5 s); changes trigger a check at once. */
  checkIntervalMs?: number;
  /** Deadline of one discovery check (default 5 s, as upstream). */
  discoveryTimeoutMs?: number;
  /** How discovery checks reach servers (tests replace it); default HTTPS through the agent pool. */
  fetch?: RemoteFetch;
  now?: () => Date;
}

/** What the request pipeline asks of the aggregator. */
export interface AggregatedApis {
  /** The name of the remote APIService serving this request's group version, or undefined (served here). */
  remoteFor(parsed: ParsedRequest): string | undefined;
  /** Proxies an ordinary request; writes the whole response (503 Status when unavailable). */
  serve(req: IncomingMessage, res: ServerResponse, apiService: string, user: UserInfo): Promise<void>;
  /** Proxies an upgrade request; owns the socket from then on. */
  serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, apiService: string, user: UserInfo): Promise<void>;
}

const SLICE_INDEX = 'service';

export class Aggregator implements AggregatedApis, RemoteDiscovery {
  private readonly config: AggregatorConfig;
  private readonly agents = new AgentPool();
  private readonly fetch: RemoteFetch;
  /** `<group>/<version>` → remote APIService name. */
  private routes = new Map<string, string>();
  private readonly results = new Map<string, CheckResult & { stale?: boolean }>();
  private gen = 1;
  private apiServices?: Informer<APIService>;
  private services?: Informer<Service>;
  private slices?: Informer<EndpointSlice>;
  private client?: ResourceClient<APIService>;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(config: AggregatorConfig) {
    this.config = config;
    const timeout = config.discoveryTimeoutMs ?? 5000;
    this.fetch = config.fetch ?? ((target, path) => remoteGet(target, this.agents.get(target), path, timeout));
  }

  /** Starts the informers and the check loop; requests go through `handler` as the admin. */
  start(handler: RequestListener, adminToken: string): void {
    const rest = new RestClient({ transport: new InProcessTransport({ handler, headers: { authorization: `Bearer ${adminToken}` } }) });
    const logger = this.config.logger;
    this.client = rest.resource<APIService>(APIServiceKind);
    this.apiServices = new Informer<APIService>({ listerWatcher: this.client, logger });
    this.services = new Informer<Service>({ listerWatcher: rest.resource<Service>(ServiceKind), logger });
    this.slices = new Informer<EndpointSlice>({ listerWatcher: rest.resource<EndpointSlice>(EndpointSliceKind), logger });
    this.slices.addIndexer(SLICE_INDEX, (s) => [`${s.metadata?.namespace ?? ''}/${s.metadata?.labels?.[serviceNameLabel] ?? ''}`]);
    const changed = (): void => {
      this.rebuildRoutes();
      this.kick();
    };
    this.apiServices.addEventHandler({ onAdd: changed, onUpdate: (a, b) => a.metadata?.generation !== b.metadata?.generation && changed(), onDelete: changed });
    for (const inf of [this.services, this.slices] as Array<Informer<Service> | Informer<EndpointSlice>>) {
      inf.addEventHandler({ onAdd: () => this.kick(), onUpdate: () => this.kick(), onDelete: () => this.kick() });
    }
    this.apiServices.start();
    this.services.start();
    this.slices.start();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all([this.apiServices?.stop(), this.services?.stop(), this.slices?.stop()]);
    await this.running?.catch(() => {});
    this.agents.close();
  }

  // ---- discovery ----

  generation(): number {
    return this.gen;
  }

  groupVersions(): RemoteGroupVersion[] {
    const out: RemoteGroupVersion[] = [];
    for (const svc of this.remoteApiServices()) {
      const r = this.results.get(svc.metadata?.name ?? '');
      out.push({
        group: svc.spec?.group ?? '',
        version: svc.spec?.version ?? '',
        groupPriorityMinimum: svc.spec?.groupPriorityMinimum ?? 0,
        versionPriority: svc.spec?.versionPriority ?? 0,
        ...(r?.resources ? { resources: r.resources } : {}),
        ...(r?.stale ? { stale: true } : {}),
      });
    }
    return out;
  }

  // ---- proxy ----

  remoteFor(parsed: ParsedRequest): string | undefined {
    if (this.routes.size === 0) return undefined;
    if (parsed.kind === 'resource') return parsed.info.group ? this.routes.get(`${parsed.info.group}/${parsed.info.version}`) : undefined;
    const [root, group, version] = parsed.segments;
    return root === 'apis' && parsed.segments.length === 3 ? this.routes.get(`${group}/${version}`) : undefined;
  }

  async serve(req: IncomingMessage, res: ServerResponse, apiService: string, user: UserInfo): Promise<void> {
    const target = this.targetFor(apiService);
    if (!target) {
      writeStatus(res, serviceUnavailable(UNAVAILABLE_MESSAGE));
      if (!req.readableEnded) req.resume();
      return;
    }
    await proxyRequest(req, res, target, this.agents.get(target), user, req.url ?? '/', (err) => {
      this.config.logger.warn('extension API server unreachable', { apiService, error: err.message });
      this.kick();
    });
  }

  async serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, apiService: string, user: UserInfo): Promise<void> {
    const target = this.targetFor(apiService);
    if (!target) {
      const body = JSON.stringify(serviceUnavailable(UNAVAILABLE_MESSAGE).status);
      socket.end(`HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    await proxyUpgrade(req, socket, head, target, user, req.url ?? '/');
  }

  /** Where to send a request for this APIService now; undefined when it is unavailable. */
  private targetFor(name: string) {
    const svc = this.apiServices?.get(name);
    const last = this.results.get(name);
    if (!svc?.spec?.service || (last && !last.available)) return undefined;
    const resolved = resolveService(svc.spec.service, this.lookup(), (n) => Math.floor(Math.random() * n));
    return resolved.ok ? targetOf(svc, resolved) : undefined;
  }

  // ---- the check loop ----

  private lookup(): ServiceLookup {
    return {
      service: (ns, name) => this.services?.get(`${ns}/${name}`),
      endpointSlices: (ns, name) => this.slices?.byIndex(SLICE_INDEX, `${ns}/${name}`) ?? [],
    };
  }

  private remoteApiServices(): APIService[] {
    return (this.apiServices?.list() ?? []).filter((s) => s.spec?.service);
  }

  private rebuildRoutes(): void {
    const routes = new Map<string, string>();
    for (const svc of this.remoteApiServices()) routes.set(`${svc.spec?.group ?? ''}/${svc.spec?.version ?? ''}`, svc.metadata?.name ?? '');
    this.routes = routes;
    for (const name of [...this.results.keys()]) if (![...routes.values()].includes(name)) this.results.delete(name);
    this.gen++;
  }

  /** Runs a round soon (now, or right after the current one); rounds never overlap. */
  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.round()
      .catch((err: unknown) => this.config.logger.warn('aggregator round failed', { error: String(err) }))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.timer = setTimeout(() => this.kick(), 50);
        } else this.timer = setTimeout(() => this.kick(), this.config.checkIntervalMs ?? 5000);
      });
  }

  private async round(): Promise<void> {
    if (!this.apiServices?.hasSynced()) {
      await this.apiServices?.waitForSync(2000);
      if (!this.apiServices?.hasSynced()) return;
    }
    await this.reconcileLocal();
    const remote = this.remoteApiServices();
    await Promise.all(remote.map((svc) => this.checkRemote(svc)));
    this.agents.retain(remote.flatMap((svc) => {
      const r = resolveService(svc.spec?.service ?? {}, this.lookup());
      return r.ok ? [targetOf(svc, r)] : [];
    }));
  }

  /** Creates missing Local APIServices, marks them Available, deletes those of removed CRD groups. */
  private async reconcileLocal(): Promise<void> {
    const client = this.client;
    const informer = this.apiServices;
    if (!client || !informer) return;
    const wanted = localApiServices(this.config.registry.list());
    const names = new Set(wanted.map((s) => s.metadata?.name ?? ''));
    // Independent objects: written concurrently, so a fresh server has them all at once.
    await Promise.all(
      wanted.map(async (svc) => {
        if (this.stopped) return;
        const name = svc.metadata?.name ?? '';
        const stored = informer.get(name);
        if (!stored) {
          // Its status is written in a later round, from the informer's copy.
          await client.create(svc).catch((err: unknown) => {
            if (!this.stopped && !isAlreadyExists(err)) this.config.logger.warn('creating a local APIService failed', { name, error: String(err) });
          });
          return;
        }
        if (stored.spec?.service) return; // taken over by an extension server (metrics-server)
        await this.writeStatus(stored, LOCAL_AVAILABLE);
      }),
    );
    for (const stored of informer.list()) {
      if (!isRemovable(stored, names)) continue;
      await client.delete(stored.metadata?.name ?? '').catch((err: unknown) => {
        if (!isNotFound(err)) this.config.logger.warn('deleting a local APIService failed', { name: stored.metadata?.name, error: String(err) });
      });
    }
  }

  private async checkRemote(svc: APIService): Promise<void> {
    const name = svc.metadata?.name ?? '';
    const result = await checkAvailability(svc, this.lookup(), this.fetch);
    if (this.routes.get(`${svc.spec?.group ?? ''}/${svc.spec?.version ?? ''}`) !== name) return; // deleted meanwhile
    const previous = this.results.get(name);
    const next = result.resources || !previous?.resources ? result : { ...result, resources: previous.resources, stale: true };
    if (JSON.stringify(previous) !== JSON.stringify(next)) {
      this.results.set(name, next);
      this.gen++;
      if (previous?.available !== next.available) this.config.logger.info('APIService availability', { name, available: next.available, reason: next.reason, message: next.message });
    }
    await this.writeStatus(svc, { status: result.available ? 'True' : 'False', reason: result.reason, message: result.message });
  }

  private async writeStatus(svc: APIService, wanted: WantedCondition): Promise<void> {
    const latest = this.apiServices?.get(svc.metadata?.name ?? '') ?? svc;
    const update = statusUpdate(latest, wanted, (this.config.now ?? (() => new Date()))());
    if (!update || !this.client || this.stopped) return;
    await this.client.updateStatus(update).catch((err: unknown) => {
      if (!this.stopped && !isConflict(err) && !isNotFound(err)) this.config.logger.warn('writing APIService status failed', { name: svc.metadata?.name, error: String(err) });
    });
  }
}
