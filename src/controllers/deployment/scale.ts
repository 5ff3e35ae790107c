import type { Deployment } from '../../api/apps/v1/deployment.js';
import type { ReplicaSet } from '../../api/apps/v1/replica-set.js';
import { deploymentAnnotations as A } from '../../api/apps/v1/well-known.js';
import { byCreation, maxSurge, replicasOf, specReplicas } from './util.js';

/**
 * New sizes when a Deployment is resized in the middle of a rollout (scale() in sync.go):
 * the change in allowed pods (replicas + maxSurge, minus what the active ReplicaSets ask
 * for) is shared in proportion to each RS's size relative to the size it was given for
 * (its max-replicas annotation). Growth goes to the largest (newest on ties) first,
 * shrinking to the largest (oldest on ties); leftovers go to the first. Returns sizes by
 * RS name, for the active ReplicaSets only.
 */
export function proportionalSizes(d: Deployment, rss: readonly ReplicaSet[]): Map<string, number> {
  const active = rss.filter((rs) => specReplicas(rs) > 0);
  const desired = replicasOf(d);
  const allowed = desired > 0 ? desired + maxSurge(d) : 0;
  const toAdd = allowed - active.reduce((n, rs) => n + specReplicas(rs), 0);
  const out = new Map<string, number>();
  if (toAdd === 0) {
    for (const rs of active) out.set(rs.metadata?.name ?? '', specReplicas(rs));
    return out;
  }
  const sorted = [...active].sort((a, b) => specReplicas(b) - specReplicas(a) || (toAdd > 0 ? byCreation(b, a) : byCreation(a, b)));
  let added = 0;
  for (const rs of sorted) {
    const p = proportion(rs, d, toAdd, added);
    out.set(rs.metadata?.name ?? '', specReplicas(rs) + p);
    added += p;
  }
  const first = sorted[0];
  if (first) {
    const name = first.metadata?.name ?? '';
    out.set(name, Math.max(0, (out.get(name) ?? 0) + (toAdd - added)));
  }
  return out;
}

function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const desired = replicasOf(d);
  if (desired === 0) return -specReplicas(rs);
  const deploymentReplicas = desired + maxSurge(d);
  const ann = rs.metadata?.annotations?.[A.maxReplicas];
  let annotated = ann && /^\d+$/.test(ann) ? Number(ann) : (d.status?.replicas ?? 0);
  if (annotated <= 0) annotated = Math.max(1, d.status?.replicas ?? 1);
  // Go's math.Round: halves away from zero.
  const size = (specReplicas(rs) * deploymentReplicas) / annotated;
  return Math.sign(size) * Math.round(Math.abs(size)) - specReplicas(rs);
}
