import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyDefaults, validateObject, type KindSpec } from '../../api/schema/index.js';
import { scribbledSample } from '../../api/schema/test-corpus.js';
import { sampleObject } from '../../api/schema/sample.js';
import { Registry } from '../../api/registry.js';
import { PodKind } from '../../api/core/v1/pod.js';
import type { FieldError } from '../../machinery/field-errors.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import { ApiError, invalid } from '../resources/errors.js';
import { schemaValidation } from './schema-validation.js';
import type { AdmissionAttributes } from './types.js';

const user = { name: 'test', groups: [] };
const statusUpdate = (spec: KindSpec): AdmissionAttributes => ({ operation: 'UPDATE', subresource: 'status', spec, name: 'x', namespace: 'default', user, dryRun: false });

/** What the plugin did before status updates got their own walk: default, validate everything. */
function reference(attrs: AdmissionAttributes, obj: KubeObject, old: KubeObject): ApiError | undefined {
  applyDefaults(attrs.spec, obj);
  const errs = validateObject(attrs.spec, obj, old);
  return errs.length > 0 ? invalid(attrs.spec, attrs.name, errs as FieldError[]) : undefined;
}

function admitted(attrs: AdmissionAttributes, obj: KubeObject, old: KubeObject): ApiError | undefined {
  try {
    void schemaValidation.admit(attrs, obj, old);
    return undefined;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
}

/** A stored (defaulted, valid) pod and a kubelet-style status for it. */
function storedPod(): KubeObject {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'x', namespace: 'default', uid: 'u1', creationTimestamp: '2026-11-27T09:00:00Z', resourceVersion: '7' },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox', resources: { limits: { cpu: '0.5', memory: '64Mi' } } }] },
  };
  applyDefaults(PodKind, pod);
  assert.deepEqual(validateObject(PodKind, pod), []);
  return pod;
}

const withStatus = (old: KubeObject, status: unknown): KubeObject => {
  const next = structuredClone(old);
  delete next.metadata!.resourceVersion;
  next.status = structuredClone(status);
  return next;
};

test('a pod status update stores exactly what the full defaults + validation stored', () => {
  const old = storedPod();
  const statuses = [
    // Normalized (a time with an offset becomes UTC) and defaulted (phase, qosClass) on the way in.
    { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-11-27T10:00:00+01:00' }], startTime: '2026-11-27T09:00:01Z' },
    { phase: 'Running', podIP: '127.0.1.5', podIPs: [{ ip: '127.0.1.5' }], containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'busybox', imageID: 'x', state: { running: { startedAt: '2026-11-27T09:00:02Z' } } }] },
    {},
  ];
  for (const status of statuses) {
    const a = withStatus(old, status);
    const b = withStatus(old, status);
    assert.equal(admitted(statusUpdate(PodKind), a, old), undefined);
    assert.equal(reference(statusUpdate(PodKind), b, old), undefined);
    assert.equal(JSON.stringify(a), JSON.stringify(b));
  }
  const a = withStatus(old, statuses[0]);
  admitted(statusUpdate(PodKind), a, old);
  assert.equal(a.status?.conditions[0].lastTransitionTime, '2026-11-27T09:00:00Z');
  assert.equal(a.status?.phase, 'Pending');
  assert.equal(a.status?.qosClass, 'Guaranteed'); // requests defaulted from limits
});

test('a bad pod status is 422 Invalid with the causes the full validation gave', () => {
  const old = storedPod();
  const status = { phase: 'Sideways', startTime: 'yesterday', conditions: [{ type: 'Ready', status: 'Maybe' }], containerStatuses: [{ name: 'c', ready: 'yes' }] };
  const got = admitted(statusUpdate(PodKind), withStatus(old, status), old);
  const want = reference(statusUpdate(PodKind), withStatus(old, status), old);
  assert.ok(got && want);
  assert.equal(got.code, 422);
  assert.equal(got.reason, 'Invalid');
  assert.deepStrictEqual(got.status, want.status);
  assert.ok((got.status.details?.causes?.length ?? 0) >= 4, JSON.stringify(got.status));
});

test('every kind with a status subresource: status updates are defaulted alike and refused alike', () => {
  const kinds = new Registry().all().filter((k) => k.subresources?.status);
  for (const spec of kinds) {
    const old = sampleObject(spec, { maxDepth: 5 }) as KubeObject;
    applyDefaults(spec, old);
    fc.assert(
      fc.property(scribbledSample(spec), (other) => {
        const a = withStatus(old, other['status']);
        const b = withStatus(old, other['status']);
        // The sample's spec may break the kind's own rules, which status updates no longer
        // ask (every such rule is about spec or a name that cannot change; see
        // validate-status.test.ts); the schema's word on metadata and status must not change.
        const { validate: _hook, ...noHook } = spec;
        void _hook;
        const got = admitted(statusUpdate(spec), a, old);
        const want = reference(statusUpdate(noHook), b, old);
        assert.equal(JSON.stringify(a), JSON.stringify(b), spec.kind);
        const causes = (e: ApiError | undefined) => (e?.status.details?.causes ?? []).filter((c) => /^(metadata|status)\b/.test(c.field ?? ''));
        assert.deepStrictEqual(causes(got), causes(want), spec.kind);
      }),
      { numRuns: 15 },
    );
  }
});
