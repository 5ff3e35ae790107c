import type { Store } from '../../../storage/store.js';
import { decodeStored, type KubeObject } from '../../watch-cache/cached-object.js';

/**
 * PodSecurity's namespace and pod lookups read straight from the store, for an API server
 * that adds the plugin from outside the resource layer (which owns the watch cache).
 */
export function podSecurityStoreLookups(store: Store): { getNamespace(name: string): Promise<KubeObject | undefined>; listPods(namespace: string): Promise<KubeObject[]> } {
  return {
    async getNamespace(name) {
      const kv = await store.get(`/registry/core/namespaces/${name}`);
      return kv ? decodeStored(kv) : undefined;
    },
    async listPods(namespace) {
      return (await store.list(`/registry/core/pods/${namespace}/`)).items.map(decodeStored);
    },
  };
}
