import type { KubeObject } from './cached-object.js';

/**
 * Objects this server has just created, keyed by the exact bytes it handed the store.
 * The SQLite store's watch events carry those same bytes, so the watch cache takes the
 * object instead of parsing the server's own write back (that JSON.parse was ~5 % of a
 * create's CPU). Events from etcd carry fresh bytes and simply miss. Weak, so an entry
 * lives no longer than its bytes; taken once, so only one reader ever gets the object.
 * Whoever notes an object must not change it afterwards: the cache shares it.
 */
const created = new WeakMap<Uint8Array, KubeObject>();

export function noteCreated(bytes: Uint8Array, obj: KubeObject): void {
  created.set(bytes, obj);
}

export function takeCreated(bytes: Uint8Array): KubeObject | undefined {
  const obj = created.get(bytes);
  if (obj !== undefined) created.delete(bytes);
  return obj;
}
