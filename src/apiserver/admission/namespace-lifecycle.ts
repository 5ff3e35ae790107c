import type { Registry } from '../../api/registry.js';
import type { KindSpec } from '../../api/schema/dsl.js';
import type { Store } from '../../storage/store.js';
import { decodeStored, type KubeObject } from '../watch-cache/cached-object.js';
import { forbidden, statusError } from '../resources/errors.js';
import type { AdmissionPlugin } from './types.js';

/** Namespaces that exist from the start and may never be deleted. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;
const IMMORTAL = new Set(['default', 'kube-system', 'kube-public']);

/**
 * Kubernetes' NamespaceLifecycle: a namespaced object can only be created in a
 * namespace that exists (404 `namespaces "x" not found`) and is not terminating (403);
 * the system namespaces cannot be deleted.
 */
export function namespaceLifecycle(config: {
  store: Store;
  registry: Registry;
  /** A fast lookup of a namespace (the watch cache); on a miss the store is asked. */
  cachedNamespace?: (name: string) => KubeObject | undefined;
}): AdmissionPlugin {
  const nsSpec = (): KindSpec | undefined => config.registry.byGroupVersionResource('', 'v1', 'namespaces');
  return {
    name: 'NamespaceLifecycle',
    async admit(attrs) {
      const spec = attrs.spec;
      if (attrs.operation === 'DELETE' && spec.group === '' && spec.plural === 'namespaces' && !attrs.subresource) {
        if (IMMORTAL.has(attrs.name)) throw forbidden(spec, attrs.name, 'this namespace may not be deleted');
        return;
      }
      if (attrs.operation !== 'CREATE' || !spec.namespaced || !attrs.namespace) return;
      // Subresource creates (binding, eviction) act on an existing object: no check needed.
      if (attrs.subresource) return;
      let ns = config.cachedNamespace?.(attrs.namespace);
      const kv = ns ? undefined : await config.store.get(`/registry/core/namespaces/${attrs.namespace}`);
      if (!ns && !kv) {
        const ns = nsSpec();
        throw statusError(404, 'NotFound', `namespaces "${attrs.namespace}" not found`, {
          name: attrs.namespace,
          kind: ns?.plural ?? 'namespaces',
        });
      }
      ns ??= decodeStored(kv!);
      if (ns.metadata?.deletionTimestamp || ns.status?.phase === 'Terminating') {
        throw forbidden(
          spec,
          attrs.name,
          `unable to create new content in namespace ${attrs.namespace} because it is being terminated`,
        );
      }
    },
  };
}
