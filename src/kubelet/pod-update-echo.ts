import type { Pod } from '../api/core/v1/pod.js';

/**
 * True when `next` differs from `prev` only in status and write bookkeeping (resourceVersion,
 * managedFields): the echo of the kubelet's own status patch, which gives a sync nothing to
 * do — in a burst of pod starts it would be a second sync per pod. Readiness gates are
 * conditions others write, so a pod that has them always syncs; so does a resync.
 */
export function onlyStatusChanged(prev: Pod, next: Pod): boolean {
  // The same object again is an informer resync: a periodic sync, as before.
  if (prev === next || next.spec?.readinessGates?.length) return false;
  const meta = (p: Pod): string => {
    const { resourceVersion: _rv, managedFields: _mf, ...rest } = p.metadata ?? {};
    return JSON.stringify(rest);
  };
  return JSON.stringify(prev.spec) === JSON.stringify(next.spec) && meta(prev) === meta(next);
}
