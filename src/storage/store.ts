/**
 * The storage contract of skiff: a revisioned key-value store, as Kubernetes keeps its
 * state in etcd. Values are opaque bytes; the store knows nothing of kinds.
 *
 * Revisions: one integer, increasing over the whole store (not per key). Every
 * successful create/update/delete gets a new revision, strictly greater than every
 * revision before it. Revisions need not be contiguous for a given prefix (another
 * cluster sharing an etcd, or other keys, advance them too).
 *
 * Compaction: `compact(R)` forgets history older than R. Afterwards
 *   - `list(prefix, { revision })` with revision < R throws `CompactedError`;
 *     revision >= R still works;
 *   - `watch(prefix, fromRevision)` with fromRevision < R reports `CompactedError`
 *     through `onError`; fromRevision >= R replays every event after it.
 * Both backends implement exactly this boundary.
 *
 * Errors are the classes in `errors.ts`; anything else thrown is a bug or an I/O failure.
 */

/** One key at one revision. */
export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** Revision of the create that started this key's current life. */
  createRevision: number;
  /** Revision of the last write to this key (for a DELETE event: the deletion's revision). */
  modRevision: number;
  /**
   * Set only by an encrypting store (`encryption/`), on a value it read with a provider
   * other than the one that writes (an old key, or identity once encryption is on): a
   * read-modify-write should store such a value again even when nothing changed, so that
   * rewriting every object (`kubectl replace`) migrates it, as upstream's GuaranteedUpdate does.
   */
  stale?: boolean;
}

export interface ListOptions {
  /** Maximum number of items to return; 0/undefined = no limit. */
  limit?: number;
  /** Opaque continuation: the last key returned by the previous page. Items returned are strictly after it. */
  continueFrom?: string;
  /**
   * Read the state as of this revision; 0/undefined = latest. For consistent pagination,
   * pass the `revision` of the first page's result to every following page.
   */
  revision?: number;
}

export interface ListResult {
  /** Live keys under the prefix, in ascending byte order of key. */
  items: KeyValue[];
  /** The revision the list was read at (the store's current revision when reading latest). */
  revision: number;
  /** True when items were cut off by `limit`. */
  more: boolean;
  /** When `more`, how many keys remain after this page (at the same revision), if known. */
  remaining?: number;
}

export interface WatchEvent {
  type: 'PUT' | 'DELETE';
  /**
   * For PUT: the new state. For DELETE: the key, modRevision = the deletion's revision,
   * createRevision and value of the deleted object.
   */
  kv: KeyValue;
  /** The key's state just before this event; absent for a create. */
  prevKv?: KeyValue;
}

export interface Watcher {
  /** Stops delivery. Idempotent; after it returns no further callback runs. */
  close(): void;
}

export interface Store {
  /** The key's current state, or undefined if it does not exist. */
  get(key: string): Promise<KeyValue | undefined>;

  /**
   * Keys starting with `prefix` (a plain string prefix: '/a/b' also matches '/a/bc'; pass
   * '/a/b/' to get a directory). Throws `CompactedError` if `opts.revision` is compacted,
   * `FutureRevisionError` if it is newer than the current revision.
   */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;

  /** Number of live keys starting with `prefix`, at the latest revision. */
  count(prefix: string): Promise<number>;

  /** Creates the key. Throws `AlreadyExistsError` if it exists. */
  create(key: string, value: Uint8Array): Promise<KeyValue>;

  /**
   * Compare-and-swap: writes the value only if the key's modRevision is still
   * `expectedModRevision`. Throws `NotFoundError` if the key does not exist, and
   * `ConflictError` (carrying the current kv) if it was modified since.
   */
  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue>;

  /**
   * Deletes the key, optionally only if its modRevision is `expectedModRevision`.
   * Returns the deleted kv (as it was before deletion). Throws `NotFoundError` or
   * `ConflictError`.
   */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;

  /**
   * Delivers, in revision order, every change under `prefix` with revision > fromRevision;
   * `onError(CompactedError)` if fromRevision is compacted. Subscribes before replaying so
   * nothing is missed. Events of one revision are never split across two calls. After
   * `onError` the watcher is dead (no more callbacks). Never blocks writers: a slow
   * consumer only delays its own delivery. Callbacks run asynchronously, never inside
   * `watch()` itself.
   */
  watch(
    prefix: string,
    fromRevision: number,
    onEvents: (events: WatchEvent[]) => void,
    onError: (err: Error) => void,
  ): Watcher;

  /**
   * Forgets history older than `revision` (see the module comment). Compacting to a
   * revision at or below the current compaction point is a no-op; above the current
   * revision throws `FutureRevisionError`.
   */
  compact(revision: number): Promise<void>;

  /** The store's latest revision. */
  currentRevision(): Promise<number>;

  /** Flushes pending writes, stops watchers, releases files/connections. Idempotent. */
  close(): Promise<void>;
}
