import { randomUUID } from 'node:crypto';
import type { Store } from '../../storage/store.js';
import { AlreadyExistsError } from '../../storage/errors.js';
import { BOOTSTRAP_ANNOTATIONS, BOOTSTRAP_CLUSTER_ROLE_BINDINGS, BOOTSTRAP_CLUSTER_ROLES, BOOTSTRAP_LABELS } from './bootstrap-policy.js';

const GROUP = 'rbac.authorization.k8s.io';
const PREFIX = `/registry/${GROUP}`;

/**
 * Creates the default ClusterRoles and ClusterRoleBindings that are missing, as
 * kube-apiserver's RBAC post-start hook does; idempotent. Existing objects are left as
 * they are (an admin's edits survive restarts; upstream would reconcile those marked
 * autoupdate, skiff does not yet).
 */
export async function ensureBootstrapPolicy(config: { store: Store; now?: () => Date }): Promise<void> {
  const created = (config.now ?? (() => new Date()))().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const metadata = (name: string, labels?: Record<string, string>): Record<string, unknown> => ({
    name,
    uid: randomUUID(),
    creationTimestamp: created,
    labels: { ...BOOTSTRAP_LABELS, ...(labels ?? {}) },
    annotations: { ...BOOTSTRAP_ANNOTATIONS },
  });
  const objects: Array<[string, Record<string, unknown>]> = [
    ...BOOTSTRAP_CLUSTER_ROLES.map((r): [string, Record<string, unknown>] => [
      `${PREFIX}/clusterroles/${r.name}`,
      { kind: 'ClusterRole', apiVersion: `${GROUP}/v1`, metadata: metadata(r.name, r.labels), rules: r.rules },
    ]),
    ...BOOTSTRAP_CLUSTER_ROLE_BINDINGS.map((b): [string, Record<string, unknown>] => [
      `${PREFIX}/clusterrolebindings/${b.name}`,
      { kind: 'ClusterRoleBinding', apiVersion: `${GROUP}/v1`, metadata: metadata(b.name), roleRef: { apiGroup: GROUP, kind: 'ClusterRole', name: b.role }, subjects: b.subjects },
    ]),
  ];
  for (const [key, obj] of objects) {
    if (await config.store.get(key)) continue;
    try {
      await config.store.create(key, new TextEncoder().encode(JSON.stringify(obj)));
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
  }
}
