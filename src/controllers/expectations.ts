import type { Pod } from '../api/core/v1/pod.js';
import type { Clock } from '../client/clock.js';
import type { Informer } from '../client/informer.js';
import { controllerRef, objectKey } from '../client/object-key.js';

/** Kubernetes' ExpectationsTimeout: stale expectations are ignored after 5 minutes. */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Expectation {
  add: number;
  del: number;
  /** Pod keys whose deletion we wait to observe (so each is counted once). */
  deleting: Set<string>;
  at: number;
}

/**
 * Controller expectations (client-go's ControllerExpectations + UID tracking): after a
 * controller issues N creates / deletes for an owner it must not act on that owner again
 * until the informer has shown all N (or 5 minutes passed) — otherwise a stale cache
 * makes it create or delete twice. Pure bookkeeping; informer handlers call the
 * *Observed methods.
 */
export class Expectations {
  private readonly byKey = new Map<string, Expectation>();
  private readonly clock: Clock;

  constructor(config: { clock: Clock }) {
    this.clock = config.clock;
  }

  /** True when the owner may be synced: nothing outstanding, expired, or never recorded. */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.at > EXPECTATIONS_TIMEOUT_MS;
  }

  expectCreations(key: string, n: number): void {
    this.byKey.set(key, { add: n, del: 0, deleting: new Set(), at: this.clock.now() });
  }

  expectDeletions(key: string, podKeys: readonly string[]): void {
    this.byKey.set(key, { add: 0, del: podKeys.length, deleting: new Set(podKeys), at: this.clock.now() });
  }

  creationObserved(key: string, n = 1): void {
    const e = this.byKey.get(key);
    if (e) e.add -= n;
  }

  /** A pod we (maybe) asked to delete is gone or terminating; counted once per pod key. */
  deletionObserved(key: string, podKey: string): void {
    const e = this.byKey.get(key);
    if (e && e.deleting.delete(podKey)) e.del--;
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }

  /** Outstanding counts (tests, logs). */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.byKey.get(key);
    return e ? { add: e.add, del: e.del } : undefined;
  }
}

/**
 * Lowers `expectations` from what the pod informer shows, for pods whose controller is of
 * `ownerKind` (keyed `namespace/ownerName`), before the owner's key is reconciled: a new
 * pod is an observed creation, a pod being or gone deleted an observed deletion.
 */
export function observeOwnedPods(pods: Informer<Pod>, expectations: Expectations, ownerKind: string): void {
  const ownerKeyOf = (pod: Pod) => controllerOwnerKey(pod, ownerKind);
  pods.addEventHandler({
    onAdd: (pod) => {
      const k = ownerKeyOf(pod);
      if (!k) return;
      if (pod.metadata?.deletionTimestamp) expectations.deletionObserved(k, objectKey(pod));
      else expectations.creationObserved(k);
    },
    onUpdate: (_old, pod) => {
      const k = ownerKeyOf(pod);
      if (k && pod.metadata?.deletionTimestamp) expectations.deletionObserved(k, objectKey(pod));
    },
    onDelete: (pod) => {
      const k = ownerKeyOf(pod);
      if (k) expectations.deletionObserved(k, objectKey(pod));
    },
  });
}

/** `namespace/name` of the pod's controller when that controller is of `ownerKind`. */
export function controllerOwnerKey(pod: Pod, ownerKind: string): string | undefined {
  const ref = controllerRef(pod);
  return ref?.kind === ownerKind && pod.metadata?.namespace ? `${pod.metadata.namespace}/${ref.name}` : undefined;
}
