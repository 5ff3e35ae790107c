/**
 * A `Store` that encrypts values on the way in and decrypts them on the way out, around
 * any backend. It sits below the API server's watch cache, so the cache (and every
 * reader) sees plain objects and only the datastore sees ciphertext.
 *
 * Failures to decrypt: `get` (and the `current` of a conflict) throw `DecryptionError`
 * (a 500 naming the key). `list` and `watch` cannot fail one item
 * without failing every other object under the prefix, so such an item is handed on with
 * empty bytes — which no reader decodes, so it is skipped, never served — and reported
 * through `onDecryptError`; so is the old value returned by a `delete` that succeeded.
 */
import { ConflictError } from '../errors.js';
import type { KeyValue, ListOptions, ListResult, Store, WatchEvent, Watcher } from '../store.js';
import { DecryptionError, type ValueTransformer } from './transformer.js';

export interface EncryptingStoreConfig {
  store: Store;
  transformer: ValueTransformer;
  /** Undecryptable values met by list and watch; default: one JSON line on stderr. */
  onDecryptError?: (err: DecryptionError) => void;
}

const UNREADABLE = new Uint8Array(0);

export class EncryptingStore implements Store {
  private readonly inner: Store;
  private readonly t: ValueTransformer;
  private readonly onDecryptError: (err: DecryptionError) => void;

  constructor(config: EncryptingStoreConfig) {
    this.inner = config.store;
    this.t = config.transformer;
    this.onDecryptError =
      config.onDecryptError ?? ((err) => process.stderr.write(`${JSON.stringify({ component: 'storage-encryption', key: err.key, error: err.message })}\n`));
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const kv = await this.inner.get(key);
    return kv && this.decrypt(kv);
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    const r = await this.inner.list(prefix, opts);
    return { ...r, items: r.items.map((kv) => this.decryptOrMark(kv)) };
  }

  count(prefix: string): Promise<number> {
    return this.inner.count(prefix);
  }

  async create(key: string, value: Uint8Array): Promise<KeyValue> {
    const kv = await this.inner.create(key, this.t.toStorage(key, value));
    return this.t.covers(key) ? { ...kv, value } : kv;
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    try {
      const kv = await this.inner.update(key, this.t.toStorage(key, value), expectedModRevision);
      return this.t.covers(key) ? { ...kv, value } : kv;
    } catch (err) {
      throw this.plainConflict(err);
    }
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    try {
      // The delete has happened: an unreadable old value must not make it look failed.
      return this.decryptOrMark(await this.inner.delete(key, expectedModRevision));
    } catch (err) {
      throw this.plainConflict(err);
    }
  }

  watch(prefix: string, fromRevision: number, onEvents: (events: WatchEvent[]) => void, onError: (err: Error) => void): Watcher {
    return this.inner.watch(
      prefix,
      fromRevision,
      (events) =>
        onEvents(
          events.map((e) => ({
            type: e.type,
            kv: this.decryptOrMark(e.kv),
            ...(e.prevKv ? { prevKv: this.decryptOrMark(e.prevKv) } : {}),
          })),
        ),
      onError,
    );
  }

  compact(revision: number): Promise<void> {
    return this.inner.compact(revision);
  }

  currentRevision(): Promise<number> {
    return this.inner.currentRevision();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private decrypt(kv: KeyValue): KeyValue {
    if (!this.t.covers(kv.key)) return kv;
    const { value, stale } = this.t.fromStorage(kv.key, kv.value);
    return stale ? { ...kv, value, stale } : { ...kv, value };
  }

  private decryptOrMark(kv: KeyValue): KeyValue {
    try {
      return this.decrypt(kv);
    } catch (err) {
      if (!(err instanceof DecryptionError)) throw err;
      this.onDecryptError(err);
      return { ...kv, value: UNREADABLE };
    }
  }

  /** A conflict carries the key's current state: callers retry from it, so it must be plain too. */
  private plainConflict(err: unknown): unknown {
    if (!(err instanceof ConflictError)) return err;
    return new ConflictError(err.key, err.expectedModRevision, this.decrypt(err.current), { cause: err });
  }
}
