import type { Pod } from '../api/core/v1/pod.js';
import type { Service } from '../api/core/v1/service.js';
import type { Informer } from '../client/informer.js';
import { NAMESPACE_INDEX } from '../client/indexer.js';
import { objectKey } from '../client/object-key.js';
import { LabelSelector } from '../machinery/label-selector.js';
import { isPodReady } from './pod-util.js';

/** One backend of a Service, as both the EndpointSlice and Endpoints controllers see it. */
export interface Backend {
  ip: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName?: string;
  hostname?: string;
  pod: Pod;
  /** Resolved ports, in Service port order. */
  ports: Array<{ name: string; port: number; protocol: string; appProtocol?: string }>;
}

/**
 * A Service port's target on one pod: a number, or a named container port looked up
 * (FindPort) in the containers, then in the sidecars (init containers with
 * restartPolicy Always), which serve for the pod's whole life.
 */
export function resolveTargetPort(pod: Pod, port: { port?: number; targetPort?: number | string; protocol?: string }): number | undefined {
  const tp = port.targetPort ?? port.port;
  if (typeof tp === 'number') return tp;
  if (typeof tp === 'string' && /^\d+$/.test(tp)) return Number(tp);
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const c of [...(pod.spec?.containers ?? []), ...sidecars]) {
    for (const cp of c.ports ?? []) {
      if (cp.name === tp && (cp.protocol ?? 'TCP') === (port.protocol ?? 'TCP')) return cp.containerPort;
    }
  }
  return undefined;
}

/**
 * The Service's backends among `pods` (already selected by its selector): pods with an IP
 * that have not finished. Ready = pod Ready and not terminating; serving = pod Ready, always
 * (consumers fall back to serving terminating endpoints on it); publishNotReadyAddresses
 * makes every backend ready, not serving. A named port a pod does not declare leaves that
 * port out for that pod.
 */
export function serviceBackends(svc: Service, pods: readonly Pod[]): Backend[] {
  const out: Backend[] = [];
  const publishAll = svc.spec?.publishNotReadyAddresses === true;
  for (const pod of pods) {
    const ip = pod.status?.podIP;
    const phase = pod.status?.phase;
    if (!ip || phase === 'Succeeded' || phase === 'Failed') continue;
    const terminating = Boolean(pod.metadata?.deletionTimestamp);
    const podReady = isPodReady(pod);
    const ports: Backend['ports'] = [];
    for (const p of svc.spec?.ports ?? []) {
      const n = resolveTargetPort(pod, p);
      if (n === undefined) continue;
      ports.push({ name: p.name ?? '', port: n, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) });
    }
    const hostname = pod.spec?.hostname && pod.spec?.subdomain === svc.metadata?.name ? pod.spec.hostname : undefined;
    out.push({
      ip,
      ready: publishAll || (podReady && !terminating),
      serving: podReady,
      terminating,
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      ...(hostname ? { hostname } : {}),
      pod,
      ports,
    });
  }
  return out.sort((a, b) => (a.pod.metadata?.name ?? '').localeCompare(b.pod.metadata?.name ?? ''));
}

/** A stable signature of a port list (backends with equal signatures share a slice/subset). */
export function portsKey(ports: Backend['ports']): string {
  return JSON.stringify([...ports].sort((a, b) => a.name.localeCompare(b.name) || a.port - b.port));
}

export function hasSelector(svc: Service): boolean {
  return Object.keys(svc.spec?.selector ?? {}).length > 0;
}

/**
 * Whether the controllers keep endpoints for this Service: it has a selector and is not
 * an ExternalName Service (a DNS alias has no endpoints, even with a selector).
 */
export function managesEndpoints(svc: Service): boolean {
  return hasSelector(svc) && svc.spec?.type !== 'ExternalName';
}

/** Keys of the Services in the pod's namespace whose selector matches the pod. */
export function servicesSelectingPod(services: Informer<Service>, pod: Pod): string[] {
  return services.indexer
    .byIndex(NAMESPACE_INDEX, pod.metadata?.namespace ?? '')
    .filter((s) => hasSelector(s) && LabelSelector.fromSet(s.spec?.selector ?? {}).matches(pod.metadata?.labels))
    .map(objectKey);
}

/** Whether two label maps hold the same pairs, in whatever key order the server returned them. */
export function sameLabels(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  return ka.length === Object.keys(b ?? {}).length && ka.every((k) => b?.[k] === a?.[k]);
}
