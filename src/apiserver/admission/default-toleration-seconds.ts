import type { KubeObject } from '../watch-cache/cached-object.js';
import type { AdmissionPlugin } from './types.js';

/** Kubernetes' --default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds. */
export const DEFAULT_TOLERATION_SECONDS = 300;
const KEYS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'] as const;

interface Tol {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/**
 * Kubernetes' DefaultTolerationSeconds: on pod create, adds
 * `{key: node.kubernetes.io/not-ready|unreachable, operator: Exists, effect: NoExecute,
 * tolerationSeconds: N}` unless the pod already has a toleration that tolerates that
 * NoExecute taint (any toleration with that key or an empty key with Exists, and an empty
 * or NoExecute effect). So a pod is evicted N seconds after its node goes away.
 */
export function defaultTolerationSeconds(config: { notReadySeconds?: number; unreachableSeconds?: number } = {}): AdmissionPlugin {
  const secs = {
    'node.kubernetes.io/not-ready': config.notReadySeconds ?? DEFAULT_TOLERATION_SECONDS,
    'node.kubernetes.io/unreachable': config.unreachableSeconds ?? DEFAULT_TOLERATION_SECONDS,
  };
  return {
    name: 'DefaultTolerationSeconds',
    admit(attrs, obj) {
      if (attrs.operation !== 'CREATE' || attrs.subresource || !obj) return;
      if (attrs.spec.group !== '' || attrs.spec.plural !== 'pods') return;
      addDefaultTolerations(obj, secs);
    },
  };
}

/** Adds the missing default NoExecute tolerations to a pod object (mutates it). */
export function addDefaultTolerations(pod: KubeObject, secs: Record<(typeof KEYS)[number], number>): void {
  const spec = ((pod as { spec?: Record<string, unknown> }).spec ??= {});
  const tolerations = (Array.isArray(spec.tolerations) ? spec.tolerations : []) as Tol[];
  const covers = (t: Tol, key: string) => (!t.effect || t.effect === 'NoExecute') && (t.key === key || (!t.key && t.operator === 'Exists'));
  const add: Tol[] = [];
  for (const key of KEYS) {
    if (tolerations.some((t) => covers(t, key))) continue;
    add.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: secs[key] });
  }
  if (add.length) spec.tolerations = [...tolerations, ...add];
}
