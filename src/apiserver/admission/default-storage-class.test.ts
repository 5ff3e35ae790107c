import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PersistentVolumeClaimKind } from '../../api/core/v1/persistent-volume-claim.js';
import { PodKind } from '../../api/core/v1/pod.js';
import type { AdmissionAttributes } from './types.js';
import { defaultStorageClass, defaultStorageClassName } from './default-storage-class.js';

const attrs = (over: Partial<AdmissionAttributes> = {}): AdmissionAttributes =>
  ({ operation: 'CREATE', spec: PersistentVolumeClaimKind, namespace: 'ns', name: 'c', user: { name: 'u', groups: [] }, dryRun: false, ...over }) as AdmissionAttributes;
const cls = (name: string, created: string, isDefault?: string, beta = false) => ({
  metadata: { name, creationTimestamp: created, ...(isDefault !== undefined ? { annotations: { [`storageclass.${beta ? 'beta.' : ''}kubernetes.io/is-default-class`]: isDefault } } : {}) },
});

describe('DefaultStorageClass admission', () => {
  it('picks the newest default class, then the first by name; none when no class is marked "true"', () => {
    assert.equal(defaultStorageClassName([cls('a', '2026-01-01T00:00:00Z', 'false'), cls('b', '2026-01-01T00:00:00Z')]), undefined);
    assert.equal(defaultStorageClassName([cls('old', '2025-01-01T00:00:00Z', 'true'), cls('new', '2026-01-01T00:00:00Z', 'true'), cls('x', '2027-01-01T00:00:00Z')]), 'new');
    assert.equal(defaultStorageClassName([cls('zeta', '2026-01-01T00:00:00Z', 'true'), cls('alpha', '2026-01-01T00:00:00Z', 'true', true)]), 'alpha');
  });

  it('fills storageClassName of new claims that have none', async () => {
    const plugin = defaultStorageClass({ listClasses: () => [cls('standard', '2026-01-01T00:00:00Z'), cls('local-path', '2026-01-01T00:00:00Z', 'true')] });
    const pvc = { metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'] } } as any;
    await plugin.admit(attrs(), pvc, undefined);
    assert.equal(pvc.spec.storageClassName, 'local-path');
    const noSpec = { metadata: { name: 'c' } } as any;
    await plugin.admit(attrs(), noSpec, undefined);
    assert.equal(noSpec.spec.storageClassName, 'local-path');
  });

  it('leaves an explicit class, an explicit "" (no class), the beta annotation, updates and other kinds alone', async () => {
    const plugin = defaultStorageClass({ listClasses: () => [cls('local-path', '2026-01-01T00:00:00Z', 'true')] });
    for (const [obj, a] of [
      [{ spec: { storageClassName: 'fast' } }, attrs()],
      [{ spec: { storageClassName: '' } }, attrs()],
      [{ metadata: { annotations: { 'volume.beta.kubernetes.io/storage-class': 'slow' } }, spec: {} }, attrs()],
      [{ spec: {} }, attrs({ operation: 'UPDATE' })],
      [{ spec: {} }, attrs({ spec: PodKind })],
      [{ spec: {} }, attrs({ subresource: 'status' })],
    ] as const) {
      const before = JSON.stringify(obj);
      await plugin.admit(a, obj as any, undefined);
      assert.equal(JSON.stringify(obj), before);
    }
  });

  it('with no default class the claim keeps no class', async () => {
    const pvc = { spec: {} } as any;
    await defaultStorageClass({ listClasses: () => [] }).admit(attrs(), pvc, undefined);
    assert.equal(pvc.spec.storageClassName, undefined);
  });
});
