import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IngressKind } from '../../api/networking/v1/ingress.js';
import { PersistentVolumeClaimKind } from '../../api/core/v1/persistent-volume-claim.js';
import type { AdmissionAttributes } from './types.js';
import { defaultIngressClass } from './default-ingress-class.js';

const attrs = (over: Partial<AdmissionAttributes> = {}): AdmissionAttributes =>
  ({ operation: 'CREATE', spec: IngressKind, namespace: 'ns', name: 'i', user: { name: 'u', groups: [] }, dryRun: false, ...over }) as AdmissionAttributes;
const cls = (name: string, created: string, isDefault?: string) => ({
  metadata: { name, creationTimestamp: created, ...(isDefault !== undefined ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': isDefault } } : {}) },
});
const plugin = defaultIngressClass({ listClasses: () => [cls('nginx', '2026-01-01T00:00:00Z', 'false'), cls('skiff', '2025-01-01T00:00:00Z', 'true'), cls('newer', '2026-02-01T00:00:00Z', 'true')] });

describe('DefaultIngressClass admission', () => {
  it('gives a new Ingress without a class the newest default class', async () => {
    const ing = { metadata: { name: 'i' }, spec: { rules: [] } } as any;
    await plugin.admit(attrs(), ing, undefined);
    assert.equal(ing.spec.ingressClassName, 'newer');
  });

  it('leaves alone a named class, the old annotation, updates, other kinds, and clusters without a default', async () => {
    const named = { metadata: { name: 'i' }, spec: { ingressClassName: 'nginx' } } as any;
    await plugin.admit(attrs(), named, undefined);
    assert.equal(named.spec.ingressClassName, 'nginx');
    const annotated = { metadata: { name: 'i', annotations: { 'kubernetes.io/ingress.class': 'nginx' } }, spec: {} } as any;
    await plugin.admit(attrs(), annotated, undefined);
    assert.equal(annotated.spec.ingressClassName, undefined);
    const updated = { metadata: { name: 'i' }, spec: {} } as any;
    await plugin.admit(attrs({ operation: 'UPDATE' }), updated, updated);
    assert.equal(updated.spec.ingressClassName, undefined);
    const pvc = { metadata: { name: 'c' }, spec: {} } as any;
    await plugin.admit(attrs({ spec: PersistentVolumeClaimKind }), pvc, undefined);
    assert.equal(pvc.spec.ingressClassName, undefined);
    const none = { metadata: { name: 'i' }, spec: {} } as any;
    await defaultIngressClass({ listClasses: () => [cls('nginx', '2026-01-01T00:00:00Z')] }).admit(attrs(), none, undefined);
    assert.equal(none.spec.ingressClassName, undefined);
  });
});
