import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveSecurityContext, podDescription, podSupplementalGroups, runAsNonRootViolation } from './security-context.js';
import * as cri from './cri/security-context.js';

test('effectiveSecurityContext: container fields win, missing ones come from the pod; pod-only fields stay out', () => {
  const sc = effectiveSecurityContext({ runAsUser: 1, runAsGroup: 2, runAsNonRoot: true, fsGroup: 9, supplementalGroups: [7] }, { runAsUser: 5, allowPrivilegeEscalation: false });
  assert.deepEqual(sc, { runAsUser: 5, runAsGroup: 2, runAsNonRoot: true, allowPrivilegeEscalation: false });
  assert.equal(effectiveSecurityContext({ runAsNonRoot: true }, { runAsNonRoot: false }).runAsNonRoot, false);
  assert.deepEqual(effectiveSecurityContext(undefined, { privileged: true }), { privileged: true });
});

test('podSupplementalGroups: fsGroup first, then supplementalGroups', () => {
  assert.deepEqual(podSupplementalGroups({ fsGroup: 2000, supplementalGroups: [4000, 4001] }), [2000, 4000, 4001]);
  assert.deepEqual(podSupplementalGroups({ supplementalGroups: [4000] }), [4000]);
  assert.deepEqual(podSupplementalGroups(undefined), []);
});

test('runAsNonRootViolation names the pod as upstream does', () => {
  const who = { pod: podDescription({ name: 'web', namespace: 'ns', uid: 'u1' }), container: 'app' };
  assert.equal(runAsNonRootViolation({ runAsNonRoot: true }, { uid: 0 }, who), 'container has runAsNonRoot and image will run as root (pod: "web_ns(u1)", container: app)');
  assert.equal(runAsNonRootViolation({ runAsNonRoot: true }, { uid: 1000 }, who), undefined);
  assert.equal(runAsNonRootViolation({ runAsNonRoot: true, runAsUser: 0 }, { uid: 1000 }, who), `container's runAsUser breaks non-root policy (pod: "web_ns(u1)", container: app)`);
});

test('the cri runtime uses the very same computation', () => {
  assert.equal(cri.effectiveSecurityContext, effectiveSecurityContext);
  assert.equal(cri.runAsNonRootViolation, runAsNonRootViolation);
});
