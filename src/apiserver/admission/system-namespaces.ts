import { randomUUID } from 'node:crypto';
import type { Store } from '../../storage/store.js';
import { AlreadyExistsError } from '../../storage/errors.js';
import { SYSTEM_NAMESPACES } from './namespace-lifecycle.js';

/** Creates `default`, `kube-system`, `kube-public` and `kube-node-lease` if missing (idempotent). */
export async function ensureSystemNamespaces(config: { store: Store; now?: () => Date }): Promise<void> {
  const now = (config.now ?? (() => new Date()))();
  for (const name of SYSTEM_NAMESPACES) {
    const key = `/registry/core/namespaces/${name}`;
    if (await config.store.get(key)) continue;
    const ns = {
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: {
        name,
        uid: randomUUID(),
        creationTimestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        labels: { 'kubernetes.io/metadata.name': name },
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    };
    try {
      await config.store.create(key, new TextEncoder().encode(JSON.stringify(ns)));
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
  }
}
