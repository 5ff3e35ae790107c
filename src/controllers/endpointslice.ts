import type { EndpointSlice } from '../api/discovery/v1/endpoint-slice.js';
import { EndpointSliceKind } from '../api/discovery/v1/endpoint-slice.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import type { Service } from '../api/core/v1/service.js';
import { ServiceKind } from '../api/core/v1/service.js';
import { controller } from '../client/controller.js';
import { NAMESPACE_INDEX } from '../client/indexer.js';
import { splitKey } from '../client/object-key.js';
import { isNotFound } from '../client/status-error.js';
import { LabelSelector } from '../machinery/label-selector.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';
import { newControllerRef } from './owner-refs.js';
import { managesEndpoints, sameLabels, servicesSelectingPod, portsKey, serviceBackends, type Backend } from './service-endpoints.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
const RESERVED_LABELS = new Set([SERVICE_NAME_LABEL, MANAGED_BY_LABEL, HEADLESS_LABEL]);
/** Endpoints per slice (--max-endpoints-per-slice default). */
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** Desired slices for a Service: one per (address type, port set), split at 100 endpoints. */
export function desiredSlices(svc: Service, pods: readonly Pod[]): Array<Pick<EndpointSlice, 'addressType' | 'endpoints' | 'ports'>> {
  const groups = new Map<string, Backend[]>();
  for (const b of serviceBackends(svc, pods)) {
    const type = b.ip.includes(':') ? 'IPv6' : 'IPv4';
    const k = `${type}|${portsKey(b.ports)}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(b);
  }
  const out: Array<Pick<EndpointSlice, 'addressType' | 'endpoints' | 'ports'>> = [];
  for (const [k, backends] of groups) {
    const addressType = k.slice(0, k.indexOf('|')) as 'IPv4' | 'IPv6';
    const ports = (backends[0]?.ports ?? []).map((p) => ({ name: p.name, port: p.port, protocol: p.protocol as 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));
    for (let i = 0; i < backends.length; i += MAX_ENDPOINTS_PER_SLICE) {
      out.push({
        addressType,
        ports,
        endpoints: backends.slice(i, i + MAX_ENDPOINTS_PER_SLICE).map((b) => ({
          addresses: [b.ip],
          conditions: { ready: b.ready, serving: b.serving, terminating: b.terminating },
          ...(b.hostname ? { hostname: b.hostname } : {}),
          ...(b.nodeName ? { nodeName: b.nodeName } : {}),
          targetRef: { kind: 'Pod', namespace: b.pod.metadata?.namespace ?? '', name: b.pod.metadata?.name ?? '', uid: b.pod.metadata?.uid ?? '' },
        })),
      });
    }
  }
  // A Service with no backends still gets one empty slice (as Kubernetes' placeholder).
  if (out.length === 0) out.push({ addressType: 'IPv4', endpoints: [], ports: [] });
  return out;
}

/**
 * A slice's labels: the Service's own, except the keys the controller reserves, then the
 * service name, managed-by and, for a headless Service, `service.kubernetes.io/headless`
 * (as the upstream controller sets them; clients select headless slices by it).
 */
export function sliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) if (!RESERVED_LABELS.has(k)) labels[k] = v;
  const clusterIP = svc.spec?.clusterIP ?? '';
  if (clusterIP === '' || clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  labels[SERVICE_NAME_LABEL] = svc.metadata?.name ?? '';
  labels[MANAGED_BY_LABEL] = MANAGED_BY;
  return labels;
}

/**
 * The EndpointSlice controller: for each Service with a selector, managed slices
 * (labelled with the service name and managed-by) listing the selected pods that have an
 * IP, with ready/serving/terminating, node, targetRef, hostname and resolved ports.
 */
export const endpointSliceController: ControllerDescriptor = {
  name: 'endpointslice',
  create: (ctx) => newEndpointSliceController(ctx),
};

export function newEndpointSliceController(ctx: ControllerContext): RunningController {
  const svcInformer = ctx.informers.informerFor<Service>(ServiceKind);
  const podInformer = ctx.informers.informerFor<Pod>(PodKind);
  const sliceInformer = ctx.informers.informerFor<EndpointSlice>(EndpointSliceKind);
  const slices = ctx.client.resource<EndpointSlice>(EndpointSliceKind);

  const servicesForPod = (pod: Pod): string[] => servicesSelectingPod(svcInformer, pod);

  const reconcile = async (key: string) => {
    const { namespace, name } = splitKey(key);
    const svc = svcInformer.indexer.get(key);
    const mine = sliceInformer.indexer
      .byIndex(NAMESPACE_INDEX, namespace)
      .filter((s) => s.metadata?.labels?.[SERVICE_NAME_LABEL] === name && s.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY);
    const remove = async (s: EndpointSlice) => {
      await slices.delete(s.metadata?.name ?? '', { namespace }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    };
    // Upstream leaves the slices of a Service turned ExternalName in place; removing them is tidier and nothing reads them.
    if (!svc || !managesEndpoints(svc) || svc.metadata?.deletionTimestamp) {
      for (const s of mine) await remove(s);
      return;
    }
    const selector = LabelSelector.fromSet(svc.spec?.selector ?? {});
    const pods = podInformer.indexer.byIndex(NAMESPACE_INDEX, namespace).filter((p) => selector.matches(p.metadata?.labels));
    const want = desiredSlices(svc, pods);
    const labels = sliceLabels(svc);
    const unused = [...mine];
    const sig = (s: Pick<EndpointSlice, 'addressType' | 'endpoints' | 'ports'>) => JSON.stringify([s.addressType, s.ports ?? [], s.endpoints ?? []]);
    // Keep slices that already hold exactly what we want; reuse the others (same address type) for the rest.
    const pending = want.filter((w) => {
      const i = unused.findIndex((s) => sig(s) === sig(w) && sameLabels(s.metadata?.labels, labels));
      if (i < 0) return true;
      unused.splice(i, 1);
      return false;
    });
    for (const w of pending) {
      const i = unused.findIndex((s) => s.addressType === w.addressType);
      if (i >= 0) {
        const [s] = unused.splice(i, 1);
        if (!s) continue;
        await slices.update({ ...structuredClone(s), metadata: { ...structuredClone(s.metadata ?? {}), labels }, ports: w.ports ?? [], endpoints: w.endpoints ?? [] } as EndpointSlice, { namespace });
      } else {
        await slices.create(
          {
            apiVersion: 'discovery.k8s.io/v1',
            kind: 'EndpointSlice',
            metadata: { generateName: `${name}-`, namespace, labels, ownerReferences: [newControllerRef(svc, 'v1', 'Service')] },
            addressType: w.addressType,
            ports: w.ports ?? [],
            endpoints: w.endpoints ?? [],
          } as EndpointSlice,
          { namespace },
        );
      }
    }
    for (const s of unused) await remove(s);
  };

  const c = controller('endpointslice', { reconcile, workers: 3, clock: ctx.clock, logger: ctx.log })
    .watches(svcInformer)
    .watches(podInformer, servicesForPod)
    .watches(sliceInformer, (s) => {
      const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
      return svc && s.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY ? `${s.metadata?.namespace ?? ''}/${svc}` : undefined;
    });
  return { start: () => c.start(), stop: () => c.stop() };
}
