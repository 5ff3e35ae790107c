import type { Endpoints } from '../api/core/v1/endpoints.js';
import { EndpointsKind } from '../api/core/v1/endpoints.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import type { Service } from '../api/core/v1/service.js';
import { ServiceKind } from '../api/core/v1/service.js';
import { controller } from '../client/controller.js';
import { NAMESPACE_INDEX } from '../client/indexer.js';
import { splitKey } from '../client/object-key.js';
import { isAlreadyExists, isNotFound } from '../client/status-error.js';
import { LabelSelector } from '../machinery/label-selector.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';
import { managesEndpoints, sameLabels, servicesSelectingPod, portsKey, serviceBackends } from './service-endpoints.js';

/**
 * The legacy Endpoints subsets for a Service: backends grouped by port set; ready ones in
 * addresses, the others in notReadyAddresses; terminating pods left out unless
 * publishNotReadyAddresses.
 */
export function desiredSubsets(svc: Service, pods: readonly Pod[]): NonNullable<Endpoints['subsets']> {
  const groups = new Map<string, { ports: any[]; addresses: any[]; notReadyAddresses: any[] }>();
  for (const b of serviceBackends(svc, pods)) {
    if (b.terminating && !svc.spec?.publishNotReadyAddresses) continue;
    const k = portsKey(b.ports);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ports: b.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol, ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) })), addresses: [], notReadyAddresses: [] }));
    const addr = {
      ip: b.ip,
      ...(b.hostname ? { hostname: b.hostname } : {}),
      ...(b.nodeName ? { nodeName: b.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: b.pod.metadata?.namespace ?? '', name: b.pod.metadata?.name ?? '', uid: b.pod.metadata?.uid ?? '' },
    };
    (b.ready ? g.addresses : g.notReadyAddresses).push(addr);
  }
  // Addresses in IP order (then pod UID), as upstream's RepackSubsets leaves them.
  const byIp = (a: { ip: string; targetRef: { uid: string } }, b: { ip: string; targetRef: { uid: string } }) =>
    a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.targetRef.uid < b.targetRef.uid ? -1 : a.targetRef.uid > b.targetRef.uid ? 1 : 0;
  return [...groups.values()].map((g) => ({
    ...(g.addresses.length ? { addresses: g.addresses.sort(byIp) } : {}),
    ...(g.notReadyAddresses.length ? { notReadyAddresses: g.notReadyAddresses.sort(byIp) } : {}),
    ...(g.ports.length ? { ports: g.ports } : {}),
  })) as NonNullable<Endpoints['subsets']>;
}

/** The Endpoints controller: the legacy core/v1 Endpoints object named after each selecting Service. */
export const endpointsController: ControllerDescriptor = {
  name: 'endpoints',
  create: (ctx) => newEndpointsController(ctx),
};

export function newEndpointsController(ctx: ControllerContext): RunningController {
  const svcInformer = ctx.informers.informerFor<Service>(ServiceKind);
  const podInformer = ctx.informers.informerFor<Pod>(PodKind);
  const epInformer = ctx.informers.informerFor<Endpoints>(EndpointsKind);
  const endpoints = ctx.client.resource<Endpoints>(EndpointsKind);

  const servicesForPod = (pod: Pod): string[] => servicesSelectingPod(svcInformer, pod);

  const reconcile = async (key: string) => {
    const { namespace, name } = splitKey(key);
    const svc = svcInformer.indexer.get(key);
    const current = epInformer.indexer.get(key);
    if (!svc) {
      if (current) await endpoints.delete(name, { namespace }).catch((err: unknown) => { if (!isNotFound(err)) throw err; });
      return;
    }
    if (!managesEndpoints(svc)) return; // user-managed Endpoints, or an ExternalName alias (left as it is, as upstream does)
    const selector = LabelSelector.fromSet(svc.spec?.selector ?? {});
    const pods = podInformer.indexer.byIndex(NAMESPACE_INDEX, namespace).filter((p) => selector.matches(p.metadata?.labels));
    const subsets = desiredSubsets(svc, pods);
    const labels: Record<string, string> = { ...(svc.metadata?.labels ?? {}) };
    if (svc.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
    if (current && JSON.stringify(current.subsets ?? []) === JSON.stringify(subsets) && sameLabels(current.metadata?.labels, labels)) return;
    const meta: NonNullable<Endpoints['metadata']> = { ...(current ? structuredClone(current.metadata) : { name, namespace }), labels };
    // No `labels: {}` on the object: Kubernetes' omitempty drops an empty map.
    if (Object.keys(labels).length === 0) delete meta.labels;
    const body = { apiVersion: 'v1', kind: 'Endpoints', metadata: meta, subsets } as Endpoints;
    if (current) await endpoints.update(body, { namespace });
    else {
      try {
        await endpoints.create(body, { namespace });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        throw new Error(`endpoints ${key} appeared meanwhile; retrying`);
      }
    }
  };

  const c = controller('endpoints', { reconcile, workers: 3, clock: ctx.clock, logger: ctx.log })
    .watches(svcInformer)
    .watches(podInformer, servicesForPod)
    .watches(epInformer);
  return { start: () => c.start(), stop: () => c.stop() };
}
