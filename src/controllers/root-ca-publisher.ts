import type { ConfigMap } from '../api/core/v1/config-map.js';
import { ConfigMapKind } from '../api/core/v1/config-map.js';
import type { Namespace } from '../api/core/v1/namespace.js';
import { NamespaceKind } from '../api/core/v1/namespace.js';
import { controller } from '../client/controller.js';
import { ApiError, isAlreadyExists, isNotFound } from '../client/status-error.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';

export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';
const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

/**
 * Upstream's root-ca-cert-publisher: a `kube-root-ca.crt` ConfigMap in every active
 * namespace holding the cluster CA (`ca.crt`), so pods can verify the API server at
 * kubernetes.default.svc; recreated when deleted, corrected when changed. Runs only when
 * the manager knows the CA (`options.rootCaPem`).
 */
export const rootCaPublisherController: ControllerDescriptor = {
  name: 'root-ca-cert-publisher',
  create: (ctx) => newRootCaPublisher(ctx),
};

export function newRootCaPublisher(ctx: ControllerContext): RunningController {
  const caPem = (ctx.options as { rootCaPem?: string }).rootCaPem;
  if (!caPem) {
    ctx.log.info('root-ca-cert-publisher: no cluster CA given, not publishing kube-root-ca.crt');
    return { start: async () => {}, stop: async () => {} };
  }
  const nsInformer = ctx.informers.informerFor<Namespace>(NamespaceKind);
  const cmInformer = ctx.informers.informerFor<ConfigMap>(ConfigMapKind);
  const configMaps = ctx.client.resource<ConfigMap>(ConfigMapKind);
  const reconcile = async (ns: string) => {
    const namespace = nsInformer.indexer.get(ns);
    if (!namespace || namespace.metadata?.deletionTimestamp || namespace.status?.phase === 'Terminating') return;
    const cur = cmInformer.indexer.get(`${ns}/${ROOT_CA_CONFIG_MAP}`);
    try {
      if (!cur) {
        const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIG_MAP, namespace: ns, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data: { 'ca.crt': caPem } } as ConfigMap;
        await configMaps.create(cm, { namespace: ns });
        return;
      }
      const data = cur.data ?? {};
      const annotations = cur.metadata?.annotations ?? {};
      if (data['ca.crt'] === caPem && Object.keys(data).length === 1 && annotations[DESCRIPTION_ANNOTATION] === DESCRIPTION) return;
      // As upstream: the data is replaced whole, the annotation put back; the rest is left alone.
      await configMaps.update({ ...cur, metadata: { ...cur.metadata, annotations: { ...annotations, [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data: { 'ca.crt': caPem } }, { namespace: ns });
    } catch (err) {
      if (isAlreadyExists(err) || isNotFound(err)) return;
      // The namespace started terminating meanwhile.
      if (err instanceof ApiError && err.status.code === 403) return;
      throw err;
    }
  };
  const c = controller('root-ca-cert-publisher', { reconcile, workers: 1, clock: ctx.clock, logger: ctx.log })
    .watches(nsInformer)
    .watches(cmInformer, (cm) => (cm.metadata?.name === ROOT_CA_CONFIG_MAP ? cm.metadata?.namespace : undefined));
  return { start: () => c.start(), stop: () => c.stop() };
}
