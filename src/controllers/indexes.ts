import type { IndexFunc } from '../client/indexer.js';
import type { Informer } from '../client/informer.js';
import type { KubeObject } from '../client/object-key.js';

/** Adds an index unless a controller sharing this informer already did (indexers throw on duplicates). */
export function ensureIndex<T extends KubeObject>(informer: Informer<T>, name: string, fn: IndexFunc<T>): void {
  if (!informer.indexer.hasIndexer(name)) informer.indexer.addIndexer(name, fn);
}
