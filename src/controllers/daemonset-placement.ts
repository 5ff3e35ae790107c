/**
 * Where a DaemonSet's pod belongs (upstream NodeShouldRunDaemonPod) and how its pods are
 * made to stay there: the default daemon tolerations and the required node affinity on
 * `metadata.name` that pins a pod to its node. Pure; table-tested in daemonset.test.ts.
 */
import type { Node } from '../api/core/v1/node.js';
import type { Pod } from '../api/core/v1/pod.js';
import type { Toleration } from '../api/core/v1/toleration.js';
import { nodeMatchesPodNodeAffinity, toleratesTaint } from '../scheduler/helpers.js';

/** Tolerations every daemon pod gets (AddOrUpdateDaemonPodTolerations). */
export function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const out: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork) out.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return out;
}

/** The template's tolerations plus the daemon defaults it lacks. */
export function withDaemonTolerations(tolerations: readonly Toleration[] | undefined, hostNetwork: boolean): Toleration[] {
  const out = [...(tolerations ?? [])];
  for (const d of daemonTolerations(hostNetwork)) if (!out.some((t) => t.key === d.key && t.effect === d.effect)) out.push(d);
  return out;
}

/**
 * Required node affinity pinning the pod to `nodeName` (ReplaceDaemonSetPodNodeNameNodeAffinity):
 * every existing term gets matchFields `metadata.name In [node]` (label expressions kept);
 * with no terms, one term holding just that.
 */
export function pinToNode(affinity: NonNullable<Pod['spec']>['affinity'], nodeName: string): NonNullable<NonNullable<Pod['spec']>['affinity']> {
  const a = structuredClone(affinity ?? {});
  const na = (a.nodeAffinity ??= {});
  const req = (na.requiredDuringSchedulingIgnoredDuringExecution ??= { nodeSelectorTerms: [] });
  const field = { key: 'metadata.name', operator: 'In' as const, values: [nodeName] };
  const terms = req.nodeSelectorTerms ?? [];
  req.nodeSelectorTerms = terms.length ? terms.map((t) => ({ ...t, matchFields: [field] })) : [{ matchFields: [field] }];
  return a;
}

/** The node a daemon pod is for: spec.nodeName, else its pinning matchFields. */
export function daemonPodNode(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const t of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of t.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}

/**
 * shouldRun: the node passes nodeSelector/affinity and every NoSchedule/NoExecute taint is
 * tolerated (new pods go there). shouldContinueRunning: affinity holds and every NoExecute
 * taint is tolerated (existing pods stay).
 */
export function nodeShouldRunDaemonPod(template: Pod, node: Node): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const tolerations = withDaemonTolerations(template.spec?.tolerations, template.spec?.hostNetwork === true);
  if (!nodeMatchesPodNodeAffinity(template, node)) return { shouldRun: false, shouldContinueRunning: false };
  let shouldRun = true;
  let shouldContinueRunning = true;
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect === 'PreferNoSchedule') continue;
    if (tolerations.some((t) => toleratesTaint(t, { key: taint.key ?? '', value: taint.value, effect: taint.effect }))) continue;
    shouldRun = false;
    if (taint.effect === 'NoExecute') shouldContinueRunning = false;
  }
  return { shouldRun, shouldContinueRunning };
}
