import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PodKind } from '../../../api/core/v1/index.js';
import { buildAdmissionReview, InvalidReviewResponse, readReviewResponse } from './review.js';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'a' } };

test('review: an update of pods/status, with user, old object, dry run and options', () => {
  const review = buildAdmissionReview(
    { operation: 'UPDATE', spec: PodKind, subresource: 'status', namespace: 'a', name: 'web', user: { name: 'alice', uid: 'u1', groups: ['system:authenticated'] }, dryRun: true },
    pod,
    { ...pod, status: {} },
    'uid-1',
  );
  assert.deepEqual(review, {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'uid-1',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      subResource: 'status',
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      requestResource: { group: '', version: 'v1', resource: 'pods' },
      requestSubResource: 'status',
      name: 'web',
      namespace: 'a',
      operation: 'UPDATE',
      userInfo: { username: 'alice', uid: 'u1', groups: ['system:authenticated'] },
      object: pod,
      oldObject: { ...pod, status: {} },
      dryRun: true,
      options: { kind: 'UpdateOptions', apiVersion: 'meta.k8s.io/v1', dryRun: ['All'] },
    },
  });
});

test('review: a create has a null oldObject, a delete a null object', () => {
  const attrs = { spec: PodKind, namespace: 'a', name: 'web', user: { name: 'bob', groups: [] }, dryRun: false };
  const created = buildAdmissionReview({ ...attrs, operation: 'CREATE' }, pod, undefined, 'u').request;
  assert.equal(created.oldObject, null);
  assert.deepEqual(created.options, { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' });
  assert.deepEqual(created.userInfo, { username: 'bob' });
  const deleted = buildAdmissionReview({ ...attrs, operation: 'DELETE' }, undefined, pod, 'u').request;
  assert.equal(deleted.object, null);
  assert.equal(deleted.options?.kind, 'DeleteOptions');
});

test('review response: allowed, warnings, a decoded JSONPatch, and the answers upstream refuses', () => {
  const patch = [{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }];
  const ok = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'u', allowed: true, warnings: ['careful'], patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') } };
  assert.deepEqual(readReviewResponse(ok, 'u', true), { allowed: true, warnings: ['careful'], patch });
  const denied = readReviewResponse({ ...ok, response: { uid: 'u', allowed: false, status: { code: 403, message: 'no' } } }, 'u', false);
  assert.deepEqual(denied, { allowed: false, warnings: [], status: { code: 403, message: 'no' } });

  const bad: Array<[unknown, boolean, string]> = [
    [{ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', response: { uid: 'u' } }, true, 'expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview'],
    [{ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, true, 'webhook response was absent'],
    [{ ...ok, response: { ...ok.response, uid: 'other' } }, true, 'expected response.uid="u", got "other"'],
    [{ ...ok, response: { ...ok.response, patchType: undefined } }, true, 'webhook returned response.patch but not response.patchType'],
    [{ ...ok, response: { ...ok.response, patchType: 'MergePatch' } }, true, 'webhook returned invalid response.patchType of "MergePatch"'],
    [ok, false, 'validating webhook may not return response.patch'],
  ];
  for (const [body, mutating, message] of bad) {
    assert.throws(() => readReviewResponse(body, 'u', mutating), (err: unknown) => err instanceof InvalidReviewResponse && err.message === message, message);
  }
});
