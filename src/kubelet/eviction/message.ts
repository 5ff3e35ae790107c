/**
 * The status message and event annotations of an evicted pod, in upstream's words
 * (eviction helpers' evictionMessage), so tools that parse them keep working.
 */
import type { Pod } from '../../api/core/v1/pod.js';
import { Quantity } from '../../machinery/quantity.js';
import type { StatsFn } from './ranking.js';
import type { Observations } from './signals.js';
import { SIGNAL_RESOURCE, thresholdQuantity, type ReclaimResource, type Threshold } from './thresholds.js';

export const EVICTED_REASON = 'Evicted';

const bytes = (n: number): string => Quantity.fromValue(BigInt(Math.trunc(n)), 'BinarySI').toString();

const ZERO = Quantity.fromValue(0);

/** A container's request (zero when it has none), printed as the spec wrote it. */
function requestOf(pod: Pod, container: string, resource: ReclaimResource): Quantity {
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const v = (all.find((x) => x.name === container)?.resources?.requests as Record<string, string> | undefined)?.[resource];
  try {
    return v === undefined ? ZERO : Quantity.parse(String(v));
  } catch {
    return ZERO; // validated on create: only a corrupt object gets here
  }
}

/**
 * "The node was low on resource: R. Threshold quantity: Q, available: A. " then, for memory
 * and ephemeral storage, one "Container C was using U, request is Q, has larger consumption
 * of R. " per container above its request. Annotations name the starved resource and the
 * offending containers, as upstream's event annotations.
 */
export function evictionMessage(resource: ReclaimResource, pod: Pod, stats: StatsFn, thresholds: readonly Threshold[], observations: Observations): { message: string; annotations: Record<string, string> } {
  let message = `The node was low on resource: ${resource}. `;
  const met = thresholds.find((t) => SIGNAL_RESOURCE[t.signal] === resource && observations[t.signal]);
  const observed = met ? observations[met.signal] : undefined;
  if (met && observed) message += `Threshold quantity: ${thresholdQuantity(met.value, observed.capacity).toString()}, available: ${observed.available.toString()}. `;
  const annotations: Record<string, string> = {};
  const s = stats(pod);
  if (!s) return { message, annotations };
  const containerNames = new Set([...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c) => c.name));
  const offending: string[] = [];
  const usages: string[] = [];
  for (const c of s.containers) {
    if (!containerNames.has(c.name)) continue; // ephemeral containers have no requests to compare with
    const used = resource === 'memory' ? c.workingSetBytes : resource === 'ephemeral-storage' ? c.diskBytes : undefined;
    if (used === undefined) continue;
    const request = requestOf(pod, c.name, resource);
    if (Quantity.fromValue(BigInt(Math.trunc(used))).cmp(request) > 0) {
      message += `Container ${c.name} was using ${bytes(used)}, request is ${request.toString()}, has larger consumption of ${resource}. `;
      offending.push(c.name);
      usages.push(bytes(used));
    }
  }
  annotations['offending_containers'] = offending.join(',');
  annotations['offending_containers_usage'] = usages.join(',');
  annotations['starved_resource'] = resource;
  return { message, annotations };
}
