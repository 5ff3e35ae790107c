/** Callbacks for changes seen by an informer. They must not throw; errors are logged. */
export interface ResourceEventHandler<T> {
  onAdd?(obj: T): void;
  /** Also called on periodic resync with oldObj === newObj (same resourceVersion). */
  onUpdate?(oldObj: T, newObj: T): void;
  /** obj is the last state the cache knew (it may be stale if a delete was missed and found on re-list). */
  onDelete?(obj: T): void;
}

/** What a controller needs from an informer: change notifications and cache sync. */
export interface EventSource<T> {
  /** Registers a handler; objects already in the cache are delivered to it as adds. Returns an unregister function. */
  addEventHandler(handler: ResourceEventHandler<T>): () => void;
  /** True once the first list has been delivered to the cache. */
  hasSynced(): boolean;
  /** Resolves true once synced, or false when timeoutMs passes first (no timeout when omitted). */
  waitForSync(timeoutMs?: number): Promise<boolean>;
  /** The kind and group the source holds, when known (used by owns() to match ownerReferences). */
  readonly kind?: string;
  readonly group?: string;
}
