/**
 * The APIServices of the group versions this server serves itself (built-ins and CRDs),
 * as kube-apiserver's autoregister and CRD registration controllers keep them: no
 * spec.service, always Available (reason Local). Pure; the aggregator applies them.
 */
import type { APIService, APIServiceCondition } from '../../api/apiregistration/v1/api-service.js';
import { builtinGroupVersions, type GroupVersion } from '../../api/registry.js';

/** upstream's label on APIServices it manages: `onstart` (built-ins) or `true` (CRD groups, removed with them). */
export const AUTOMANAGED_LABEL = 'kube-aggregator.kubernetes.io/automanaged';

/** Group priorities of kube-apiserver's built-in groups (its apiVersionPriorities table). */
const GROUP_PRIORITY: Readonly<Record<string, number>> = {
  '': 18000,
  'apiregistration.k8s.io': 18000,
  apps: 17800,
  'events.k8s.io': 17750,
  'authentication.k8s.io': 17700,
  'authorization.k8s.io': 17600,
  autoscaling: 17500,
  batch: 17400,
  'certificates.k8s.io': 17300,
  'networking.k8s.io': 17200,
  policy: 17100,
  'rbac.authorization.k8s.io': 17000,
  'storage.k8s.io': 16800,
  'apiextensions.k8s.io': 16700,
  'admissionregistration.k8s.io': 16700,
  'scheduling.k8s.io': 16600,
  'coordination.k8s.io': 16500,
  'node.k8s.io': 16300,
  'discovery.k8s.io': 16200,
  'flowcontrol.apiserver.k8s.io': 16100,
  // What metrics-server's own APIService asks for.
  'metrics.k8s.io': 100,
};

/** Version priorities where upstream's differ from 15 (core v1 at 1, autoscaling/v2 over v1). */
const VERSION_PRIORITY: Readonly<Record<string, number>> = { '/v1': 1, 'autoscaling/v2': 30, 'metrics.k8s.io/v1beta1': 100 };

/** CRD groups, as upstream's CRD registration controller registers them. */
const CRD_GROUP_PRIORITY = 1000;
const CRD_VERSION_PRIORITY = 100;

export const LOCAL_AVAILABLE: Readonly<Pick<APIServiceCondition, 'type' | 'status' | 'reason' | 'message'>> = {
  type: 'Available',
  status: 'True',
  reason: 'Local',
  message: 'Local APIServices are always available',
};

export const apiServiceName = (group: string, version: string): string => `${version}.${group}`;

const isBuiltin = (gv: Pick<GroupVersion, 'group' | 'version'>): boolean => builtinGroupVersions.some((b) => b.group === gv.group && b.version === gv.version);

/** The local APIService for one served group version (spec and labels; status is written separately). */
export function localApiService(gv: Pick<GroupVersion, 'group' | 'version'>): APIService {
  const builtin = isBuiltin(gv);
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: apiServiceName(gv.group, gv.version), labels: { [AUTOMANAGED_LABEL]: builtin ? 'onstart' : 'true' } },
    spec: {
      group: gv.group,
      version: gv.version,
      groupPriorityMinimum: builtin ? (GROUP_PRIORITY[gv.group] ?? CRD_GROUP_PRIORITY) : CRD_GROUP_PRIORITY,
      versionPriority: builtin ? (VERSION_PRIORITY[`${gv.group}/${gv.version}`] ?? 15) : CRD_VERSION_PRIORITY,
    },
  };
}

/** One local APIService per served group version that has kinds, by name. */
export function localApiServices(served: readonly GroupVersion[]): APIService[] {
  const seen = new Set<string>();
  const out: APIService[] = [];
  for (const gv of served) {
    const name = apiServiceName(gv.group, gv.version);
    if (gv.kinds.length === 0 || seen.has(name)) continue;
    seen.add(name);
    out.push(localApiService(gv));
  }
  return out.sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

/** Whether the aggregator may delete this stored APIService because its group version is gone (CRD groups only). */
export function isRemovable(svc: APIService, served: ReadonlySet<string>): boolean {
  return svc.metadata?.labels?.[AUTOMANAGED_LABEL] === 'true' && !svc.spec?.service && !served.has(svc.metadata?.name ?? '');
}
