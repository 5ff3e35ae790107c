import { NamespaceKind, type Namespace } from '../api/core/v1/namespace.js';
import { ServiceKind, type Service } from '../api/core/v1/service.js';
import { EndpointSliceKind, serviceNameLabel, type EndpointSlice } from '../api/discovery/v1/endpoint-slice.js';
import { SharedInformerFactory } from '../client/informer-factory.js';
import { jsonLogger, type Logger } from '../client/logger.js';
import type { RestClient } from '../client/rest-client.js';
import type { DnsCatalog } from './records.js';
import { serviceIPKeys, sliceIPKeys } from './reverse.js';
import { startDnsServer } from './server.js';

const SLICE_BY_SERVICE = 'dns-service-name';
const SERVICE_BY_IP = 'dns-cluster-ip';
const SLICE_BY_IP = 'dns-endpoint-ip';

/** Adds an index unless an earlier startDns on the same factory already did. */
function ensureIndexer<T>(informer: { addIndexer(name: string, fn: (o: T) => string[]): void }, name: string, fn: (o: T) => string[]): void {
  try {
    informer.addIndexer(name, fn);
  } catch {
    // Already there.
  }
}

export interface DnsConfig {
  client: RestClient;
  /** Shared informers (these two are started here if the caller has not yet); default: the server's own, started and stopped with it. */
  informers?: SharedInformerFactory;
  listen: { address: string; port: number };
  clusterDomain?: string;
  /** Resolver for names outside the cluster domain; null/absent → REFUSED. */
  upstream?: { address: string; port: number } | null;
  log?: Logger;
}

/**
 * Cluster DNS (what CoreDNS's kubernetes plugin serves) from Service and EndpointSlice
 * informers. Resolves once the caches have synced, so its first answers are complete.
 */
export async function startDns(config: DnsConfig): Promise<{ port: number; stop(): Promise<void> }> {
  const log = config.log ?? jsonLogger('dns');
  const ownFactory = !config.informers;
  const factory = config.informers ?? new SharedInformerFactory({ client: config.client, logger: log });
  const services = factory.informerFor<Service>(ServiceKind);
  const slices = factory.informerFor<EndpointSlice>(EndpointSliceKind);
  // CoreDNS watches Namespaces too: names under one that does not exist are NXDOMAIN.
  const namespaces = factory.informerFor<Namespace>(NamespaceKind);
  ensureIndexer<EndpointSlice>(slices, SLICE_BY_SERVICE, (s) => {
    const name = s.metadata?.labels?.[serviceNameLabel];
    return name ? [`${s.metadata?.namespace ?? ''}/${name}`] : [];
  });
  // Reverse (PTR) lookups go from an address to its Service or endpoints.
  ensureIndexer<Service>(services, SERVICE_BY_IP, serviceIPKeys);
  ensureIndexer<EndpointSlice>(slices, SLICE_BY_IP, sliceIPKeys);
  if (ownFactory) factory.start();
  // Started here too (idempotent) so awaiting startDns before factory.start() cannot deadlock.
  for (const i of [services, slices, namespaces]) i.start();
  await Promise.all([services.waitForSync(), slices.waitForSync(), namespaces.waitForSync()]);
  const catalog: DnsCatalog = {
    service: (ns, name) => services.get(`${ns}/${name}`),
    slices: (ns, name) => slices.byIndex(SLICE_BY_SERVICE, `${ns}/${name}`),
    namespaceExists: (ns) => namespaces.get(ns) !== undefined,
    servicesByIP: (ip) => services.byIndex(SERVICE_BY_IP, ip),
    slicesByIP: (ip) => slices.byIndex(SLICE_BY_IP, ip),
  };
  try {
    const server = await startDnsServer({
      catalog,
      listen: config.listen,
      ...(config.clusterDomain ? { clusterDomain: config.clusterDomain } : {}),
      upstream: config.upstream ?? null,
      log,
    });
    return {
      port: server.port,
      async stop() {
        await server.stop();
        if (ownFactory) await factory.stop();
      },
    };
  } catch (err) {
    if (ownFactory) await factory.stop();
    throw err;
  }
}
