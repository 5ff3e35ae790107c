/**
 * Dry-running a namespace's new enforce level against the pods already in it, to warn the
 * user who sets it (upstream's EvaluatePodsInNamespace). Nothing is refused: the pods keep
 * running; only new ones are held to the level.
 */
import type { KubeObject } from '../../watch-cache/cached-object.js';
import { aggregate, forbiddenReason } from './check-kit.js';
import { podParts } from './pods.js';
import { levelVersionString, type LevelVersion } from './policy.js';
import { evaluatePod } from './registry.js';

export interface NamespacePodsOptions {
  /** At most this many pods are checked (upstream: 3000). */
  maxPods: number;
  /** Stop checking after this long (upstream: 1 s) and say how far it got. */
  timeoutMs: number;
  /** Milliseconds now (a test clock may stand in). */
  now: () => number;
  /** Pods of these runtime classes are skipped. */
  exemptRuntimeClasses: ReadonlySet<string>;
}

const controllerUid = (pod: KubeObject): string | undefined => {
  const refs = pod.metadata?.ownerReferences;
  const ref = Array.isArray(refs) ? refs.find((r) => r?.controller === true) : undefined;
  return ref ? String(ref.uid ?? '') : undefined;
};

/** One pod per controller first, so a big ReplicaSet cannot use up the budget; exempt runtime classes dropped. */
function prioritize(pods: readonly KubeObject[], exempt: ReadonlySet<string>): KubeObject[] {
  const first: KubeObject[] = [];
  const replicas: KubeObject[] = [];
  const seen = new Set<string>();
  for (const pod of pods) {
    const rc = pod.spec?.runtimeClassName;
    if (typeof rc === 'string' && rc !== '' && exempt.has(rc)) continue;
    const uid = controllerUid(pod);
    if (uid === undefined) first.push(pod);
    else if (seen.has(uid)) replicas.push(pod);
    else {
      seen.add(uid);
      first.push(pod);
    }
  }
  return [...first, ...replicas];
}

/**
 * The warnings for setting `enforce` on `namespace`: which existing pods would violate it,
 * grouped by their short reasons (`p1 (and 2 other pods): privileged`), sorted.
 */
export function evaluatePodsInNamespace(namespace: string, enforce: LevelVersion, pods: readonly KubeObject[], opts: NamespacePodsOptions): string[] {
  const deadline = opts.now() + opts.timeoutMs;
  const all = prioritize(pods, opts.exemptRuntimeClasses);
  const candidates = all.slice(0, opts.maxPods);
  const byWarning = new Map<string, { name: string; count: number }>();
  let checked = candidates.length;
  for (let i = 0; i < candidates.length; i++) {
    const pod = candidates[i] as KubeObject;
    const { meta, spec } = podParts(pod);
    const result = aggregate(evaluatePod(enforce, meta, spec));
    if (!result.allowed) {
      const warning = forbiddenReason(result);
      const name = String(pod.metadata?.name ?? '');
      const entry = byWarning.get(warning);
      if (!entry) byWarning.set(warning, { name, count: 1 });
      else {
        entry.count++;
        if (name < entry.name) entry.name = name;
      }
    }
    if (opts.now() > deadline) {
      checked = i + 1;
      break;
    }
  }
  const warnings: string[] = [];
  if (checked < all.length) warnings.push(`new PodSecurity enforce level only checked against the first ${checked} of ${all.length} existing pods`);
  if (byWarning.size) warnings.push(`existing pods in namespace "${namespace}" violate the new PodSecurity enforce level "${levelVersionString(enforce)}"`);
  const podWarnings = [...byWarning].map(([warning, { name, count }]) => {
    if (count === 1) return `${name}: ${warning}`;
    return count === 2 ? `${name} (and 1 other pod): ${warning}` : `${name} (and ${count - 1} other pods): ${warning}`;
  });
  return [...warnings, ...podWarnings.sort()];
}
