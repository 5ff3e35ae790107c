/**
 * A StatefulSet's pod identity: ordinal names, stable hostname/subdomain, identity labels,
 * and the per-pod claims `<claim>-<set>-<ordinal>` referenced from the pod's volumes. Pure.
 */
import type { StatefulSet } from '../api/apps/v1/stateful-set.js';
import type { PersistentVolumeClaim } from '../api/core/v1/persistent-volume-claim.js';
import type { Pod } from '../api/core/v1/pod.js';
import { REVISION_HASH_LABEL } from './controller-revisions.js';
import { newControllerRef } from './owner-refs.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/** The ordinal in `<set>-<n>`, or undefined when the name is not one of the set's. */
export function ordinalOf(setName: string, podName: string | undefined): number | undefined {
  if (!podName?.startsWith(`${setName}-`)) return undefined;
  const rest = podName.slice(setName.length + 1);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

export function claimName(claim: string, setName: string, ordinal: number): string {
  return `${claim}-${setName}-${ordinal}`;
}

/** The pod for one ordinal from `template` (the set's, or an older revision's), labelled with `hash`. */
export function statefulPod(set: StatefulSet, ordinal: number, template: NonNullable<NonNullable<StatefulSet['spec']>['template']>, hash: string): Pod {
  const name = `${set.metadata?.name ?? ''}-${ordinal}`;
  const spec = structuredClone(template.spec ?? {}) as NonNullable<Pod['spec']>;
  spec.hostname = name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  const volumes = (spec.volumes ?? []).filter((v) => !(set.spec?.volumeClaimTemplates ?? []).some((c) => c.metadata?.name === v.name));
  for (const c of set.spec?.volumeClaimTemplates ?? []) {
    const cn = c.metadata?.name ?? '';
    volumes.push({ name: cn, persistentVolumeClaim: { claimName: claimName(cn, set.metadata?.name ?? '', ordinal) } } as (typeof volumes)[number]);
  }
  if (volumes.length) spec.volumes = volumes;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata?.namespace,
      labels: { ...(template.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [newControllerRef(set, 'apps/v1', 'StatefulSet')],
    },
    spec,
  } as Pod;
}

/** The claims an ordinal needs (labelled with the set's selector labels, as upstream). */
export function statefulClaims(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  const sel = (set.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {};
  return (set.spec?.volumeClaimTemplates ?? []).map(
    (c) =>
      ({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name: claimName(c.metadata?.name ?? '', set.metadata?.name ?? '', ordinal),
          namespace: set.metadata?.namespace,
          labels: { ...(c.metadata?.labels ?? {}), ...sel },
          ...(c.metadata?.annotations ? { annotations: { ...c.metadata.annotations } } : {}),
        },
        spec: structuredClone(c.spec ?? {}),
      }) as PersistentVolumeClaim,
  );
}
