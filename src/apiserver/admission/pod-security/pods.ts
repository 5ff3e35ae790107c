/**
 * Where a pod spec lives in each kind PodSecurity looks at, and which pod updates are worth
 * checking again (upstream's DefaultPodSpecExtractor and isSignificantPodUpdate).
 */
import type { KubeObject } from '../../watch-cache/cached-object.js';
import type { Container, PodMeta, PodSpec } from './check-kit.js';

/** `group/resource` of the workload kinds whose pod template is checked (warn and audit only). */
export const POD_TEMPLATE_RESOURCES: ReadonlySet<string> = new Set([
  '/replicationcontrollers',
  '/podtemplates',
  'apps/replicasets',
  'apps/deployments',
  'apps/statefulsets',
  'apps/daemonsets',
  'batch/jobs',
  'batch/cronjobs',
]);

export interface PodParts {
  meta: PodMeta;
  spec: PodSpec;
}

const asObject = (v: unknown): Record<string, any> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : undefined);

/** A pod's own metadata and spec. */
export function podParts(pod: KubeObject): PodParts {
  return { meta: asObject(pod.metadata) ?? {}, spec: asObject(pod.spec) ?? {} };
}

/** The pod template of a workload object; undefined when it has none (a ReplicationController's is optional). */
export function templateParts(resource: string, obj: KubeObject): PodParts | undefined {
  const template = resource === '/podtemplates'
    ? asObject(obj.template)
    : resource === 'batch/cronjobs'
      ? asObject(asObject(asObject(asObject(obj.spec)?.jobTemplate)?.spec)?.template)
      : asObject(asObject(obj.spec)?.template);
  if (!template) return undefined;
  return { meta: asObject(template.metadata) ?? {}, spec: asObject(template.spec) ?? {} };
}

const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/**
 * Whether an update can change what the checks see. Pod specs are immutable but for
 * images (and ephemeral containers), so metadata-only updates — labels, finalizers, the
 * deletion of a terminating pod — are let through unchecked, as upstream does.
 */
export function isSignificantPodUpdate(pod: KubeObject, old: KubeObject): boolean {
  const [next, prev] = [podParts(pod), podParts(old)];
  const list = (s: PodSpec, k: 'containers' | 'initContainers' | 'ephemeralContainers'): Container[] => (Array.isArray(s[k]) ? (s[k] as Container[]) : []);
  const annotations = (m: PodMeta): Record<string, string> => m.annotations ?? {};
  const changed = (c: Container, o: Container): boolean => {
    const key = SECCOMP_CONTAINER_ANNOTATION_PREFIX + String(c.name ?? '');
    return c.image !== o.image || annotations(next.meta)[key] !== annotations(prev.meta)[key];
  };
  for (const k of ['containers', 'initContainers'] as const) {
    const [a, b] = [list(next.spec, k), list(prev.spec, k)];
    if (a.length !== b.length) return true;
    if (a.some((c, i) => changed(c, b[i] as Container))) return true;
  }
  const oldEphemeral = list(prev.spec, 'ephemeralContainers');
  return list(next.spec, 'ephemeralContainers').some((c) => {
    const o = oldEphemeral.find((e) => e.name === c.name);
    return !o || changed(c, o);
  });
}
