/**
 * ConfigMaps and Secrets for volumes, from the kubelet's informers (a watch, as the
 * kubelet's watch-based configmap/secret managers): reads hit the cache, a miss asks the
 * API (the cache may not have synced yet), and a change resyncs at once every pod whose
 * volumes use the object — that is how updates reach the files within a second or so.
 */
import type { ConfigMap } from '../../api/core/v1/config-map.js';
import type { Pod } from '../../api/core/v1/pod.js';
import type { Secret } from '../../api/core/v1/secret.js';
import type { Informer } from '../../client/informer.js';
import type { EnvSources } from '../container-env.js';
import { podUses } from './volume-manager.js';

/** Cache first, then `fallback` (a GET that says undefined for NotFound). */
export function cachedSources(configMaps: Informer<ConfigMap>, secrets: Informer<Secret>, fallback: EnvSources): EnvSources {
  return {
    configMap: async (ns, name) => configMaps.get(`${ns}/${name}`) ?? fallback.configMap(ns, name),
    secret: async (ns, name) => secrets.get(`${ns}/${name}`) ?? fallback.secret(ns, name),
  };
}

/** Requests a sync of each pod (by its worker) whose volumes use a ConfigMap or Secret that changed. */
export function resyncUsersOnChange(configMaps: Informer<ConfigMap>, secrets: Informer<Secret>, workers: () => Iterable<{ pod: Pod; requestSync(): void }>): void {
  const on = (kind: 'configMap' | 'secret') => (obj: ConfigMap | Secret): void => {
    const ns = obj.metadata?.namespace;
    const name = obj.metadata?.name ?? '';
    for (const w of workers()) if (w.pod.metadata?.namespace === ns && podUses(w.pod, kind, name)) w.requestSync();
  };
  for (const [inf, kind] of [[configMaps, 'configMap'], [secrets, 'secret']] as const) {
    const fn = on(kind);
    (inf as Informer<ConfigMap | Secret>).addEventHandler({ onAdd: fn, onUpdate: (a, b) => a !== b && fn(b), onDelete: fn });
  }
}
