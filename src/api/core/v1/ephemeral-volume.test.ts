import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SchemaFieldError } from '../../schema/dsl.js';
import { ephemeralClaimName, ephemeralClaimNotOwned, podClaimVolumes, validateEphemeralVolumeSource } from './ephemeral-volume.js';
import type { PersistentVolumeClaim } from './persistent-volume-claim.js';
import type { Pod } from './pod.js';
import type { PodSpec } from './pod-spec.js';
import { validatePodSpec } from './pod-spec-validation.js';
import { samplePod } from './testdata.js';
import { EphemeralVolumeSourceSchema, PersistentVolumeClaimTemplateSchema, VolumeSchema, type Volume } from './volume.js';

const brief = (errs: SchemaFieldError[]) => errs.map((e) => `${e.type} ${e.field}${e.message ? `: ${e.message}` : ''}`);
const claimSpec = { accessModes: ['ReadWriteOnce' as const], resources: { requests: { storage: '1Gi' } } };
const withVolume = (v: Volume): PodSpec => {
  const s = samplePod().spec!;
  s.volumes = [...(s.volumes ?? []), v];
  return s;
};

test('a pod with an ephemeral volume validates; its template needs a claim spec', () => {
  const ok = withVolume({ name: 'scratch', ephemeral: { volumeClaimTemplate: { metadata: { labels: { app: 'x' }, annotations: { 'a.io/b': 'c' } }, spec: claimSpec } } });
  assert.deepEqual(validatePodSpec(ok, 'spec'), []);
  const i = ok.volumes!.length - 1;

  const missing = withVolume({ name: 'scratch', ephemeral: {} });
  assert.deepEqual(brief(validatePodSpec(missing, 'spec')), [`FieldValueRequired spec.volumes[${i}].ephemeral.volumeClaimTemplate`]);

  const empty = withVolume({ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } });
  assert.deepEqual(brief(validatePodSpec(empty, 'spec')), [
    `FieldValueRequired spec.volumes[${i}].ephemeral.volumeClaimTemplate.spec.accessModes: at least 1 access mode is required`,
    `FieldValueRequired spec.volumes[${i}].ephemeral.volumeClaimTemplate.spec.resources[storage]`,
  ]);
});

test('template metadata: only labels and annotations, both checked', () => {
  const p = 'v.ephemeral';
  const errs = validateEphemeralVolumeSource(
    { volumeClaimTemplate: { metadata: { name: 'n', namespace: 'ns', finalizers: ['f'], labels: { 'bad key!': 'v' } }, spec: claimSpec } },
    p,
  );
  assert.deepEqual(brief(errs).map((e) => e.replace(/: .*/, '')), [
    'FieldValueInvalid v.ephemeral.volumeClaimTemplate.metadata.labels',
    'FieldValueForbidden v.ephemeral.volumeClaimTemplate.metadata.name',
    'FieldValueForbidden v.ephemeral.volumeClaimTemplate.metadata.namespace',
    'FieldValueForbidden v.ephemeral.volumeClaimTemplate.metadata.finalizers',
  ]);
  assert.equal(errs[1]?.message, 'cannot be set for a template');
  // Zero values (as clients serialize an empty creationTimestamp) are not "set".
  assert.deepEqual(validateEphemeralVolumeSource({ volumeClaimTemplate: { metadata: { creationTimestamp: null, name: '' } as never, spec: claimSpec } }, p), []);
});

test('a volume may not be both ephemeral and another source', () => {
  const s = withVolume({ name: 'two', emptyDir: {}, ephemeral: { volumeClaimTemplate: { spec: claimSpec } } });
  assert.deepEqual(brief(validatePodSpec(s, 'spec')), [`FieldValueForbidden spec.volumes[${s.volumes!.length - 1}].ephemeral: may not specify more than 1 volume type`]);
});

test('protobuf field numbers are upstream\'s', () => {
  assert.equal(VolumeSchema.fields['ephemeral']!.proto, 29);
  assert.equal(VolumeSchema.fields['ephemeral']!.protoEmbeddedIn?.field, 2);
  assert.equal(EphemeralVolumeSourceSchema.fields['volumeClaimTemplate']!.proto, 1);
  assert.equal(PersistentVolumeClaimTemplateSchema.fields['metadata']!.proto, 1);
  assert.equal(PersistentVolumeClaimTemplateSchema.fields['spec']!.proto, 2);
});

test('claim names and the owner check', () => {
  const pod: Pod = { metadata: { name: 'web', namespace: 'ns', uid: 'u1' }, spec: { containers: [], volumes: [{ name: 'data', ephemeral: { volumeClaimTemplate: { spec: claimSpec } } }, { name: 'db', persistentVolumeClaim: { claimName: 'db-claim' } }, { name: 'tmp', emptyDir: {} }] } };
  assert.equal(ephemeralClaimName(pod, pod.spec!.volumes![0]!), 'web-data');
  assert.deepEqual(podClaimVolumes(pod).map((c) => [c.volume.name, c.claimName, c.ephemeral]), [['data', 'web-data', true], ['db', 'db-claim', false]]);
  const pvc = (refs: unknown[]): PersistentVolumeClaim => ({ metadata: { name: 'web-data', namespace: 'ns', ownerReferences: refs as never } });
  assert.equal(ephemeralClaimNotOwned(pod, pvc([{ apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'u1', controller: true }])), undefined);
  const msg = 'PVC ns/web-data was not created for pod ns/web (pod is not owner)';
  assert.equal(ephemeralClaimNotOwned(pod, pvc([])), msg);
  assert.equal(ephemeralClaimNotOwned(pod, pvc([{ apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'old-uid', controller: true }])), msg, 'a former pod of the same name');
  assert.equal(ephemeralClaimNotOwned(pod, pvc([{ apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'u1' }])), msg, 'an owner, but not the controller');
});
