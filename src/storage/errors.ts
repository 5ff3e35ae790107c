/**
 * Sentinel errors of the storage layer. Every backend throws exactly these, so the
 * API server maps them to Kubernetes `Status` objects in one place:
 * NotFound → 404, AlreadyExists → 409 AlreadyExists, Conflict → 409 Conflict,
 * Compacted → 410 Expired/Gone.
 */
import type { KeyValue } from './store.js';

/** Base class of every error the store throws on purpose (as opposed to bugs). */
export class StorageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The key does not exist (get never throws this; update and delete do). */
export class NotFoundError extends StorageError {
  readonly key: string;
  constructor(key: string, options?: { cause?: unknown }) {
    super(`key not found: ${key}`, options);
    this.key = key;
  }
}

/** `create` found the key already present. */
export class AlreadyExistsError extends StorageError {
  readonly key: string;
  constructor(key: string, options?: { cause?: unknown }) {
    super(`key already exists: ${key}`, options);
    this.key = key;
  }
}

/**
 * A revision precondition failed: the key's modRevision is not the one expected.
 * `current` is the key's state at the time of the failed compare (so a caller can
 * retry without another read).
 */
export class ConflictError extends StorageError {
  readonly key: string;
  readonly expectedModRevision: number;
  readonly current: KeyValue;
  constructor(key: string, expectedModRevision: number, current: KeyValue, options?: { cause?: unknown }) {
    super(
      `conflict on ${key}: expected modRevision ${expectedModRevision}, found ${current.modRevision}`,
      options,
    );
    this.key = key;
    this.expectedModRevision = expectedModRevision;
    this.current = current;
  }
}

/**
 * The requested revision is older than the store's compacted revision, so the history
 * needed to answer (a watch replay or a list at that revision) is gone.
 */
export class CompactedError extends StorageError {
  /** The revision that was asked for. */
  readonly requestedRevision: number;
  /** The store's compact revision (revisions below it are gone), or 0 when the backend did not say. */
  readonly compactRevision: number;
  constructor(requestedRevision: number, compactRevision: number, options?: { cause?: unknown }) {
    super(
      `revision ${requestedRevision} has been compacted (compacted up to ${compactRevision})`,
      options,
    );
    this.requestedRevision = requestedRevision;
    this.compactRevision = compactRevision;
  }
}

/** The requested revision is newer than the store's current revision. */
export class FutureRevisionError extends StorageError {
  readonly requestedRevision: number;
  readonly currentRevision: number;
  constructor(requestedRevision: number, currentRevision: number, options?: { cause?: unknown }) {
    super(`revision ${requestedRevision} is newer than the current revision ${currentRevision}`, options);
    this.requestedRevision = requestedRevision;
    this.currentRevision = currentRevision;
  }
}

/** The store was closed; no further operation is possible. */
export class StoreClosedError extends StorageError {
  constructor() {
    super('store is closed');
  }
}
