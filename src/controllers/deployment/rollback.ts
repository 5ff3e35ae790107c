import type { Deployment } from '../../api/apps/v1/deployment.js';
import type { ReplicaSet } from '../../api/apps/v1/replica-set.js';
import { deploymentAnnotations as A } from '../../api/apps/v1/well-known.js';
import { maxSurge, replicasOf, revisionOf } from './util.js';

/**
 * Revision bookkeeping, which is what rollback rests on. In apps/v1 there is no server-side
 * rollback: `kubectl rollout undo` reads the ReplicaSets (by the Deployment's selector and
 * controller reference), takes the template of the revision asked for and patches it into
 * the Deployment. The controller then finds that old ReplicaSet as "new" again and gives
 * it the next revision number — remembering its earlier numbers in revision-history.
 */

/** Deployment annotations never copied onto ReplicaSets (annotationsToSkip). */
const SKIP = new Set<string>([
  'kubectl.kubernetes.io/last-applied-configuration',
  A.revision,
  A.revisionHistory,
  A.desiredReplicas,
  A.maxReplicas,
  'deprecated.deployment.rollback.to',
]);

/**
 * Sets the annotations a Deployment's new ReplicaSet carries (SetNewReplicaSetAnnotations):
 * the Deployment's own annotations, the revision (raised to newRevision, the old number
 * going to revision-history) and desired/max replicas. Mutates rs; true when changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number): boolean {
  const meta = (rs.metadata ??= {});
  const ann = (meta.annotations ??= {});
  const before = JSON.stringify(ann);
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) if (!SKIP.has(k)) ann[k] = v;
  const old = revisionOf(rs);
  if (old < newRevision) {
    if (old > 0) {
      const prev = ann[A.revisionHistory];
      const hist = prev ? prev.split(',') : [];
      hist.push(String(old));
      ann[A.revisionHistory] = hist.join(',');
    }
    ann[A.revision] = String(newRevision);
  }
  setReplicasAnnotations(d, rs);
  return JSON.stringify(ann) !== before;
}

/** desired-replicas / max-replicas, used to tell a scaling event from a rollout. */
export function setReplicasAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  const ann = ((rs.metadata ??= {}).annotations ??= {});
  const desired = String(replicasOf(d));
  const max = String(replicasOf(d) + maxSurge(d));
  const changed = ann[A.desiredReplicas] !== desired || ann[A.maxReplicas] !== max;
  ann[A.desiredReplicas] = desired;
  ann[A.maxReplicas] = max;
  return changed;
}

/** The annotations the Deployment itself should carry now that `revision` is current. */
export function deploymentAnnotationsFor(d: Deployment, revision: number): Record<string, string> | undefined {
  const ann = d.metadata?.annotations ?? {};
  if (revision > 0 && ann[A.revision] !== String(revision)) return { [A.revision]: String(revision) };
  return undefined;
}
