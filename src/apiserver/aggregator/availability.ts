/**
 * One availability check of a remote APIService, as kube-aggregator's available-condition
 * controller does: the Service exists and listens on the port, it has a ready endpoint,
 * and `/apis/<group>/<version>` answers. The answer's resources are kept for discovery.
 */
import type { APIService } from '../../api/apiregistration/v1/api-service.js';
import type { RemoteResource } from '../discovery/remote.js';
import { resolveService, type ServiceLookup } from '../service-resolver.js';
import { targetOf, type RemoteTarget } from './transport.js';

export type AvailabilityReason = 'Passed' | 'ServiceNotFound' | 'ServicePortError' | 'MissingEndpoints' | 'FailedDiscoveryCheck';

export interface CheckResult {
  available: boolean;
  reason: AvailabilityReason;
  message: string;
  /** The resources the server listed (only when the discovery check passed). */
  resources?: RemoteResource[];
}

export type RemoteFetch = (target: RemoteTarget, path: string) => Promise<{ status: number; body: string }>;

export const discoveryPath = (svc: APIService): string => `/apis/${svc.spec?.group ?? ''}/${svc.spec?.version ?? ''}`;

/** Checks one APIService that has spec.service. Never throws: failures are results. */
export async function checkAvailability(svc: APIService, lookup: ServiceLookup, fetch: RemoteFetch): Promise<CheckResult> {
  const resolved = resolveService(svc.spec?.service ?? {}, lookup);
  if (!resolved.ok) return { available: false, reason: resolved.reason, message: resolved.message };
  const target = targetOf(svc, resolved);
  const path = discoveryPath(svc);
  const url = `https://${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}${path}`;
  let answer: { status: number; body: string };
  try {
    answer = await fetch(target, path);
  } catch (err) {
    return { available: false, reason: 'FailedDiscoveryCheck', message: `failing or missing response from ${url}: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (answer.status < 200 || answer.status >= 300) {
    return { available: false, reason: 'FailedDiscoveryCheck', message: `failing or missing response from ${url}: bad status from ${url}: ${answer.status}` };
  }
  return { available: true, reason: 'Passed', message: 'all checks passed', resources: parseResources(answer.body) };
}

/** The resources of an APIResourceList body; none when it is not one. */
export function parseResources(body: string): RemoteResource[] {
  try {
    const doc = JSON.parse(body) as { resources?: unknown };
    if (!Array.isArray(doc.resources)) return [];
    return doc.resources.filter((r): r is RemoteResource => typeof r === 'object' && r !== null && typeof (r as RemoteResource).name === 'string');
  } catch {
    return [];
  }
}
