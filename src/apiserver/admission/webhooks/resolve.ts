/**
 * Where a webhook's clientConfig points: a URL as given, or a Service resolved to an
 * address the API server can reach (service-resolver.ts, shared with the aggregator),
 * verified as `<svc>.<ns>.svc`.
 */
import type { KubeObject } from '../../watch-cache/cached-object.js';
import type { WebhookTarget } from './client.js';
import { resolveService, type ServiceLookup as ServiceResolverLookup } from '../../service-resolver.js';

/** Reads Services and EndpointSlices (the watch cache in the API server). */
export interface ServiceLookup {
  service(namespace: string, name: string): KubeObject | undefined;
  endpointSlices(namespace: string, service: string): KubeObject[];
}

export interface ClientConfig {
  url?: string | null;
  service?: { namespace?: string; name?: string; path?: string | null; port?: number | null } | null;
  caBundle?: string | null;
}

/** Why a service webhook cannot be reached. */
export class ResolveError extends Error {}

const caOf = (cc: ClientConfig): { caPem?: string } => (cc.caBundle ? { caPem: Buffer.from(cc.caBundle, 'base64').toString('utf8') } : {});

/** The target of a clientConfig; throws ResolveError when a Service has no ready endpoint. */
export function resolveTarget(cc: ClientConfig, lookup: ServiceLookup, pick: (n: number) => number = (n) => Math.floor(Math.random() * n)): WebhookTarget {
  if (cc.url) {
    const u = new URL(cc.url);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    return { url: cc.url, connectHost: host, connectPort: u.port ? Number(u.port) : 443, serverName: host, ...caOf(cc) };
  }
  const ref = cc.service;
  if (!ref?.name || !ref.namespace) throw new ResolveError('the webhook has neither url nor service');
  const port = ref.port ?? 443;
  const serverName = `${ref.name}.${ref.namespace}.svc`;
  const url = `https://${serverName}:${port}${ref.path ?? ''}`;
  const r = resolveService({ namespace: ref.namespace, name: ref.name, port }, lookup as ServiceResolverLookup, pick);
  if (!r.ok) throw new ResolveError(r.message);
  return { url, connectHost: r.host, connectPort: r.port, serverName, ...caOf(cc) };
}
