import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderFieldError } from '../../../machinery/field-errors.js';
import { aggregate, forbiddenDetail, forbiddenReason } from './check-kit.js';
import { levelVersionString, policyFromLabels, PRIVILEGED_POLICY } from './policy.js';
import { evaluatePod } from './registry.js';

describe('Pod Security namespace labels', () => {
  it('default every unlabelled mode to privileged:latest', () => {
    assert.deepEqual(policyFromLabels({ 'kubernetes.io/metadata.name': 'x' }), { policy: PRIVILEGED_POLICY, errors: [] });
    assert.deepEqual(policyFromLabels(undefined).policy, PRIVILEGED_POLICY);
  });

  it('read each mode level and version', () => {
    const { policy, errors } = policyFromLabels({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/enforce-version': 'v1.25',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'latest',
    });
    assert.deepEqual(errors, []);
    assert.equal(levelVersionString(policy.enforce), 'baseline:v1.25');
    assert.equal(levelVersionString(policy.warn), 'restricted:latest');
    assert.equal(levelVersionString(policy.audit), 'privileged:latest');
  });

  it('default warn to a stricter enforce level (and its version) unless warn is labelled', () => {
    const lvs = (labels: Record<string, string>) => {
      const { policy } = policyFromLabels(labels);
      return [levelVersionString(policy.enforce), levelVersionString(policy.warn)];
    };
    assert.deepEqual(lvs({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.22' }), ['baseline:v1.22', 'baseline:v1.22']);
    assert.deepEqual(lvs({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn-version': 'v1.23' }), ['baseline:latest', 'baseline:v1.23']);
    assert.deepEqual(lvs({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'privileged' }), ['baseline:latest', 'privileged:latest']);
    assert.deepEqual(lvs({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'foo' }), ['baseline:latest', 'privileged:latest']);
    assert.deepEqual(lvs({ 'pod-security.kubernetes.io/enforce': 'foo' }), ['restricted:latest', 'privileged:latest']);
  });

  it('report bad values in upstream words; enforce fails closed, audit and warn fail open', () => {
    const { policy, errors } = policyFromLabels({
      'pod-security.kubernetes.io/enforce': 'strict',
      'pod-security.kubernetes.io/enforce-version': 'v1.025',
      'pod-security.kubernetes.io/warn': 'Baseline',
      'pod-security.kubernetes.io/audit-version': '1.30',
    });
    assert.deepEqual(errors.map(renderFieldError), [
      'metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
      'metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: "v1.025": must be "latest" or "v1.x"',
      'metadata.labels[pod-security.kubernetes.io/audit-version]: Invalid value: "1.30": must be "latest" or "v1.x"',
      'metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "Baseline": must be one of privileged, baseline, restricted',
    ]);
    assert.equal(levelVersionString(policy.enforce), 'restricted:latest');
    assert.equal(policy.warn.level, 'privileged');
  });
});

describe('Pod Security levels', () => {
  const bad = { hostNetwork: true, volumes: [{ name: 'h', hostPath: { path: '/' } }], containers: [{ name: 'c', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }] };

  it('privileged allows anything', () => {
    assert.deepEqual(evaluatePod({ level: 'privileged', version: 'latest' }, {}, bad), []);
  });

  it('baseline runs baseline checks only, sorted by check ID', () => {
    assert.equal(
      forbiddenDetail(aggregate(evaluatePod({ level: 'baseline', version: 'latest' }, {}, bad))),
      'non-default capabilities (container "c" must not include "NET_ADMIN" in securityContext.capabilities.add), host namespaces (hostNetwork), hostPath volumes (volume "h")',
    );
  });

  it('restricted puts baseline checks first and drops the ones a restricted check supersedes', () => {
    const r = aggregate(evaluatePod({ level: 'restricted', version: 'latest' }, {}, bad));
    assert.equal(forbiddenReason(r), 'host namespaces, allowPrivilegeEscalation != false, unrestricted capabilities, restricted volume types, runAsNonRoot != true, seccompProfile');
  });

  it('older versions use the checks of their time (no capabilities_restricted before v1.22)', () => {
    const r = aggregate(evaluatePod({ level: 'restricted', version: 21 }, {}, bad));
    assert.equal(forbiddenReason(r), 'non-default capabilities, host namespaces, allowPrivilegeEscalation != false, restricted volume types, runAsNonRoot != true, seccompProfile');
  });

  it('versions newer than this server are evaluated as the latest', () => {
    const pod = { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_wmem' }] } };
    assert.equal(aggregate(evaluatePod({ level: 'baseline', version: 40 }, {}, pod)).allowed, true);
    assert.equal(aggregate(evaluatePod({ level: 'baseline', version: 31 }, {}, pod)).allowed, false);
  });

  it('a compliant restricted pod passes', () => {
    const ok = {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'c', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      volumes: [{ name: 'token', projected: { sources: [] } }],
    };
    assert.deepEqual(aggregate(evaluatePod({ level: 'restricted', version: 'latest' }, {}, ok)), { allowed: true, reasons: [], details: [] });
  });
});
