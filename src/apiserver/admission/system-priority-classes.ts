import { randomUUID } from 'node:crypto';
import type { Store } from '../../storage/store.js';
import { AlreadyExistsError } from '../../storage/errors.js';
import { PriorityClassKind, systemPriorityClasses } from '../../api/scheduling/v1/priority-class.js';
import { objectKey } from '../resources/keys.js';

/** What upstream's bootstrap classes say of themselves (scheduling/v1 SystemPriorityClasses). */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  'system-cluster-critical': 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
  'system-node-critical': 'Used for system critical pods that must not be moved from their current node.',
};

/**
 * Creates the system PriorityClasses if missing, as kube-apiserver does at start (so
 * `kubectl get priorityclasses` lists them on a new cluster); idempotent.
 */
export async function ensureSystemPriorityClasses(config: { store: Store; now?: () => Date }): Promise<void> {
  const now = (config.now ?? (() => new Date()))();
  for (const [name, value] of Object.entries(systemPriorityClasses)) {
    const key = objectKey(PriorityClassKind, undefined, name);
    if (await config.store.get(key)) continue;
    const pc = {
      kind: 'PriorityClass',
      apiVersion: 'scheduling.k8s.io/v1',
      metadata: { name, uid: randomUUID(), generation: 1, creationTimestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z') },
      value,
      description: DESCRIPTIONS[name] ?? '',
      preemptionPolicy: 'PreemptLowerPriority',
    };
    try {
      await config.store.create(key, new TextEncoder().encode(JSON.stringify(pc)));
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
  }
}
