/**
 * Where a webhook's clientConfig points: a URL as given, or a Service resolved to an
 * address the API server can reach — a ready endpoint of its EndpointSlices, the Service
 * port mapped to the endpoint port (by port name, else the numeric targetPort) — verified
 * as `<svc>.<ns>.svc`.
 */
import type { KubeObject } from '../../watch-cache/cached-object.js';
import type { WebhookTarget } from './client.js';

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
  const svc = lookup.service(ref.namespace, ref.name);
  if (!svc) throw new ResolveError(`service "${ref.name}" not found`);
  const svcPort = ((svc.spec?.ports ?? []) as Array<Record<string, any>>).find((p) => p.port === port);
  if (!svcPort) throw new ResolveError(`no service port ${port} found for service "${ref.name}"`);
  const portName = typeof svcPort.name === 'string' ? svcPort.name : '';
  const candidates: Array<{ host: string; port: number }> = [];
  for (const slice of lookup.endpointSlices(ref.namespace, ref.name)) {
    const slicePort = ((slice.ports ?? []) as Array<Record<string, any>>).find((p) => (p.name ?? '') === portName);
    const target = typeof slicePort?.port === 'number' ? slicePort.port : typeof svcPort.targetPort === 'number' ? svcPort.targetPort : typeof svcPort.targetPort === 'undefined' ? port : undefined;
    if (target === undefined) continue;
    for (const ep of (slice.endpoints ?? []) as Array<Record<string, any>>) {
      if (ep.conditions?.ready === false) continue;
      for (const address of (ep.addresses ?? []) as string[]) candidates.push({ host: address, port: target });
    }
  }
  if (candidates.length === 0) throw new ResolveError(`service "${ref.name}" has no ready endpoints`);
  const chosen = candidates[pick(candidates.length)] ?? candidates[0]!;
  return { url, connectHost: chosen.host, connectPort: chosen.port, serverName, ...caOf(cc) };
}
