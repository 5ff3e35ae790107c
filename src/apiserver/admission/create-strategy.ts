import type { KubeObject } from '../watch-cache/cached-object.js';
import type { AdmissionPlugin } from './types.js';

/** Kinds whose status a client may set on create (the kubelet registers a Node with its status). */
const KEEP_STATUS_ON_CREATE = new Set(['/nodes', 'apiextensions.k8s.io/customresourcedefinitions']);

type Resources = { requests?: Record<string, unknown>; limits?: Record<string, unknown> };

/** The pod's QoS class, as Kubernetes computes it from requests and limits. */
export function podQosClass(pod: KubeObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...((pod.spec?.containers as { resources?: Resources }[] | undefined) ?? []), ...((pod.spec?.initContainers as { resources?: Resources }[] | undefined) ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    const names = new Set([...Object.keys(req), ...Object.keys(lim)].filter((n) => n === 'cpu' || n === 'memory'));
    if (names.size > 0) any = true;
    for (const n of ['cpu', 'memory']) {
      if (lim[n] === undefined) guaranteed = false;
      else if (req[n] !== undefined && String(req[n]) !== String(lim[n])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/**
 * What kube-apiserver's strategies do on create: status set by clients is dropped for
 * kinds with a status subresource (a controller or the kubelet owns it), pods start
 * `Pending` with their QoS class, namespaces `Active` with the `kubernetes` finalizer,
 * claims and volumes `Pending`; every namespace carries `kubernetes.io/metadata.name`.
 */
export const createStrategy: AdmissionPlugin = {
  name: 'CreateStrategy',
  admit(attrs, obj) {
    if (!obj || attrs.subresource) return;
    const spec = attrs.spec;
    const id = `${spec.group}/${spec.plural}`;
    if (spec.group === '' && spec.plural === 'namespaces') {
      const meta = (obj.metadata ??= {}) as Record<string, any>;
      meta.labels = { ...(meta.labels ?? {}), 'kubernetes.io/metadata.name': String(meta.name ?? attrs.name) };
    }
    if (attrs.operation !== 'CREATE') return;
    if (spec.subresources?.status && !KEEP_STATUS_ON_CREATE.has(id)) delete obj.status;
    switch (id) {
      case '/pods':
        obj.status = { phase: 'Pending', qosClass: podQosClass(obj) };
        break;
      case '/namespaces':
        obj.status = { phase: 'Active' };
        obj.spec = { ...(obj.spec ?? {}), finalizers: Array.isArray(obj.spec?.finalizers) ? obj.spec.finalizers : ['kubernetes'] };
        break;
      case 'batch/jobs':
        generateJobSelector(obj);
        break;
      case '/persistentvolumeclaims':
      case '/persistentvolumes':
        obj.status = { phase: 'Pending' };
        break;
      default:
        break;
    }
  },
};

/**
 * A Job without `manualSelector` gets a selector on its own uid, and its pod template the
 * matching labels, as the Job strategy does on create.
 */
export function generateJobSelector(job: KubeObject): void {
  const spec = (job.spec ??= {}) as Record<string, any>;
  if (spec.manualSelector === true) return;
  const uid = String(job.metadata?.uid ?? '');
  const name = String(job.metadata?.name ?? '');
  if (!uid) return;
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const template = (spec.template ??= {}) as Record<string, any>;
  const meta = (template.metadata ??= {}) as Record<string, any>;
  meta.labels = {
    ...(meta.labels ?? {}),
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
}
