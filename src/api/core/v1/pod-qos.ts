import { Quantity } from '../../../machinery/quantity.js';
import type { PodSpec } from './pod-spec.js';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const QOS_RESOURCES = new Set(['cpu', 'memory']);

function positive(v: string | number): Quantity | undefined {
  try {
    const q = Quantity.parse(String(v));
    return q.sign() > 0 ? q : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Kubernetes' quality-of-service class (ComputePodQOS): BestEffort without any cpu/memory
 * request or limit, Guaranteed when every container limits both cpu and memory and the
 * pod's summed requests equal its summed limits, Burstable otherwise. Pure.
 */
export function computeQOSClass(spec: PodSpec | undefined): QOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    for (const [name, v] of Object.entries(c.resources?.requests ?? {})) {
      const q = QOS_RESOURCES.has(name) ? positive(v) : undefined;
      if (q) requests.set(name, requests.has(name) ? requests.get(name)!.add(q) : q);
    }
    const limited = new Set<string>();
    for (const [name, v] of Object.entries(c.resources?.limits ?? {})) {
      const q = QOS_RESOURCES.has(name) ? positive(v) : undefined;
      if (!q) continue;
      limited.add(name);
      limits.set(name, limits.has(name) ? limits.get(name)!.add(q) : q);
    }
    if (!limited.has('cpu') || !limited.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || lim.cmp(req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
