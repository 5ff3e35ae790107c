/**
 * Where the RBAC authorizer reads roles and bindings: the API server's watch cache (so
 * a decision costs no store round trip and sees a write as soon as it is cached).
 */
import type { WatchCache } from '../watch-cache/watch-cache.js';
import type { PolicyRule, Subject } from './rule-match.js';

export interface RoleRef {
  kind: string;
  name: string;
  apiGroup?: string;
}

/** A RoleBinding or ClusterRoleBinding (namespace '' for the latter). */
export interface Binding {
  name: string;
  namespace: string;
  subjects: Subject[];
  roleRef: RoleRef;
}

/** The stored policy. Methods resolve once the cache holds the store's current state. */
export interface PolicySource {
  clusterRoleBindings(): Promise<Binding[]>;
  roleBindings(namespace: string): Promise<Binding[]>;
  /** undefined: no such ClusterRole. */
  clusterRoleRules(name: string): Promise<PolicyRule[] | undefined>;
  /** undefined: no such Role in that namespace. */
  roleRules(namespace: string, name: string): Promise<PolicyRule[] | undefined>;
}

const PREFIX = '/registry/rbac.authorization.k8s.io';

interface StoredBinding {
  metadata?: { name?: string; namespace?: string };
  subjects?: Subject[];
  roleRef?: RoleRef;
}

function toBinding(obj: StoredBinding): Binding {
  return {
    name: obj.metadata?.name ?? '',
    namespace: obj.metadata?.namespace ?? '',
    subjects: obj.subjects ?? [],
    roleRef: obj.roleRef ?? { kind: '', name: '' },
  };
}

/** Reads the watch cache; `ready` resolves once the cache has started (requests may come earlier). */
export function cachePolicySource(cache: WatchCache, ready: () => Promise<void>): PolicySource {
  const rules = async (resource: 'roles' | 'clusterroles', key: string): Promise<PolicyRule[] | undefined> => {
    await ready();
    const obj = cache.resource(`${PREFIX}/${resource}/`).get(`${PREFIX}/${resource}/${key}`)?.obj as { rules?: PolicyRule[] } | undefined;
    return obj ? (obj.rules ?? []) : undefined;
  };
  return {
    async clusterRoleBindings() {
      await ready();
      return cache.resource(`${PREFIX}/clusterrolebindings/`).list().map((c) => toBinding(c.obj as StoredBinding));
    },
    async roleBindings(namespace) {
      await ready();
      return cache.resource(`${PREFIX}/rolebindings/`).list(`${PREFIX}/rolebindings/${namespace}/`).map((c) => toBinding(c.obj as StoredBinding));
    },
    clusterRoleRules: (name) => rules('clusterroles', name),
    roleRules: (namespace, name) => rules('roles', `${namespace}/${name}`),
  };
}

/** No roles, no bindings: RBAC then allows nothing (a resource layer that keeps no policy). */
export const EMPTY_POLICY: PolicySource = {
  clusterRoleBindings: async () => [],
  roleBindings: async () => [],
  clusterRoleRules: async () => undefined,
  roleRules: async () => undefined,
};

/**
 * The policy of a resource layer that does not exist yet when the authorizer is built (the
 * server starts it once its port is bound): `current()` is asked on every call, and
 * `starting()` is thrown (e.g. a 503) while it answers undefined.
 */
export function deferredPolicySource(current: () => PolicySource | undefined, starting: () => Error): PolicySource {
  const get = (): PolicySource => {
    const p = current();
    if (!p) throw starting();
    return p;
  };
  return {
    clusterRoleBindings: async () => get().clusterRoleBindings(),
    roleBindings: async (ns) => get().roleBindings(ns),
    clusterRoleRules: async (name) => get().clusterRoleRules(name),
    roleRules: async (ns, name) => get().roleRules(ns, name),
  };
}
