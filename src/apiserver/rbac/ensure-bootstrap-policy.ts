import { randomUUID } from 'node:crypto';
import type { Store } from '../../storage/store.js';
import { AlreadyExistsError, ConflictError } from '../../storage/errors.js';
import { BOOTSTRAP_ANNOTATIONS, BOOTSTRAP_CLUSTER_ROLE_BINDINGS, BOOTSTRAP_CLUSTER_ROLES, BOOTSTRAP_LABELS } from './bootstrap-policy.js';

const GROUP = 'rbac.authorization.k8s.io';
const PREFIX = `/registry/${GROUP}`;
const AUTOUPDATE = 'rbac.authorization.kubernetes.io/autoupdate';

type Obj = Record<string, unknown> & { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } };

/**
 * Creates the default ClusterRoles and ClusterRoleBindings that are missing, and
 * reconciles those that exist with `rbac.authorization.kubernetes.io/autoupdate: "true"`
 * as kube-apiserver's RBAC post-start hook does: rules and subjects the defaults have are
 * added (nothing an admin added is taken away), and so are missing default labels and
 * annotations. Objects marked autoupdate "false" are left as they are. Idempotent.
 */
export async function ensureBootstrapPolicy(config: { store: Store; now?: () => Date }): Promise<void> {
  const created = (config.now ?? (() => new Date()))().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const metadata = (name: string, labels?: Record<string, string>): Obj['metadata'] => ({
    name,
    uid: randomUUID(),
    creationTimestamp: created,
    labels: { ...BOOTSTRAP_LABELS, ...(labels ?? {}) },
    annotations: { ...BOOTSTRAP_ANNOTATIONS },
  }) as Obj['metadata'];
  const objects: Array<[string, Obj, 'rules' | 'subjects']> = [
    ...BOOTSTRAP_CLUSTER_ROLES.map((r): [string, Obj, 'rules'] => [
      `${PREFIX}/clusterroles/${r.name}`,
      { kind: 'ClusterRole', apiVersion: `${GROUP}/v1`, metadata: metadata(r.name, r.labels), rules: r.rules },
      'rules',
    ]),
    ...BOOTSTRAP_CLUSTER_ROLE_BINDINGS.map((b): [string, Obj, 'subjects'] => [
      `${PREFIX}/clusterrolebindings/${b.name}`,
      { kind: 'ClusterRoleBinding', apiVersion: `${GROUP}/v1`, metadata: metadata(b.name), roleRef: { apiGroup: GROUP, kind: 'ClusterRole', name: b.role }, subjects: b.subjects },
      'subjects',
    ]),
  ];
  for (const [key, obj, list] of objects) {
    const existing = await config.store.get(key);
    try {
      if (!existing) await config.store.create(key, encode(obj));
      else {
        const merged = reconciled(JSON.parse(new TextDecoder().decode(existing.value)) as Obj, obj, list);
        if (merged) await config.store.update(key, encode(merged), existing.modRevision);
      }
    } catch (err) {
      // Another API server of the cluster got there first; it wrote the same defaults.
      if (!(err instanceof AlreadyExistsError || err instanceof ConflictError)) throw err;
    }
  }
}

const encode = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));

/** The stored object with what the default adds, or undefined when it lacks nothing (or must not be touched). */
function reconciled(stored: Obj, wanted: Obj, list: 'rules' | 'subjects'): Obj | undefined {
  if (stored.metadata?.annotations?.[AUTOUPDATE] !== 'true') return undefined;
  const have = Array.isArray(stored[list]) ? (stored[list] as unknown[]) : [];
  const seen = new Set(have.map((x) => JSON.stringify(x)));
  const missing = (wanted[list] as unknown[]).filter((x) => !seen.has(JSON.stringify(x)));
  const labels = missingEntries(stored.metadata.labels, wanted.metadata.labels);
  const annotations = missingEntries(stored.metadata.annotations, wanted.metadata.annotations);
  if (missing.length === 0 && !labels && !annotations) return undefined;
  return {
    ...stored,
    metadata: {
      ...stored.metadata,
      ...(labels ? { labels: { ...stored.metadata.labels, ...labels } } : {}),
      ...(annotations ? { annotations: { ...stored.metadata.annotations, ...annotations } } : {}),
    },
    [list]: [...have, ...missing],
  };
}

function missingEntries(have: Record<string, string> | undefined, want: Record<string, string> | undefined): Record<string, string> | undefined {
  const out = Object.entries(want ?? {}).filter(([k]) => have?.[k] === undefined);
  return out.length > 0 ? Object.fromEntries(out) : undefined;
}
