import { objectKey, type KubeObject } from './object-key.js';

/** Maps an object to the index values it is found under (none: []). Must be pure. */
export type IndexFunc<T> = (obj: T) => string[];

/** Index name for byNamespace. */
export const NAMESPACE_INDEX = 'namespace';
/** Index name for byOwnerUid. */
export const OWNER_UID_INDEX = 'ownerUid';
/** Index name for byNodeName. */
export const NODE_NAME_INDEX = 'spec.nodeName';

/** Objects by metadata.namespace (cluster-scoped objects under ''). */
export const byNamespace: IndexFunc<KubeObject> = (obj) => [obj.metadata?.namespace ?? ''];
/** Objects by the uid of every ownerReference (controller or not). */
export const byOwnerUid: IndexFunc<KubeObject> = (obj) => (obj.metadata?.ownerReferences ?? []).map((r) => r.uid).filter((u): u is string => !!u);
/** Pods by spec.nodeName (unscheduled pods are not indexed). */
export const byNodeName: IndexFunc<KubeObject & { spec?: { nodeName?: string } }> = (obj) => (obj.spec?.nodeName ? [obj.spec.nodeName] : []);

/**
 * The informer's local cache: objects by key (`namespace/name`) plus named secondary
 * indexes kept up to date on every write. Reads return the cached objects themselves —
 * callers must not mutate them (copy with structuredClone before changing).
 */
export class Indexer<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexFns = new Map<string, IndexFunc<T>>();
  /** index name → value → keys. */
  private readonly indices = new Map<string, Map<string, Set<string>>>();
  private readonly keyFn: (obj: T) => string;

  constructor(config: { keyFn?: (obj: T) => string } = {}) {
    this.keyFn = config.keyFn ?? objectKey;
  }

  keyOf(obj: T): string {
    return this.keyFn(obj);
  }

  /**
   * Adds a named index; may be called after objects were added (it indexes them now).
   * Throws if the name is taken.
   */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    if (this.indexFns.has(name)) throw new Error(`indexer "${name}" already exists`);
    this.indexFns.set(name, fn);
    const index = new Map<string, Set<string>>();
    this.indices.set(name, index);
    for (const [key, obj] of this.items) for (const v of fn(obj)) addTo(index, v, key);
  }

  hasIndexer(name: string): boolean {
    return this.indexFns.has(name);
  }

  /** Objects whose index `name` contains value. Throws for an unknown index. */
  byIndex(name: string, value: string): T[] {
    return this.indexKeys(name, value).map((k) => this.items.get(k) as T);
  }

  /** Keys of the objects whose index `name` contains value. */
  indexKeys(name: string, value: string): string[] {
    const index = this.indices.get(name);
    if (!index) throw new Error(`no indexer named "${name}"`);
    return [...(index.get(value) ?? [])];
  }

  /** Inserts or replaces; returns the previous object under the same key. */
  upsert(obj: T): T | undefined {
    const key = this.keyFn(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexFns) {
      const index = this.indices.get(name) as Map<string, Set<string>>;
      for (const v of fn(obj)) addTo(index, v, key);
    }
    return old;
  }

  /** Removes by key; returns the removed object. */
  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexFns) {
      const index = this.indices.get(name) as Map<string, Set<string>>;
      for (const v of fn(obj)) {
        const set = index.get(v);
        if (!set) continue;
        set.delete(key);
        if (set.size === 0) index.delete(v);
      }
    }
  }
}

function addTo(index: Map<string, Set<string>>, value: string, key: string): void {
  let set = index.get(value);
  if (!set) index.set(value, (set = new Set()));
  set.add(key);
}
