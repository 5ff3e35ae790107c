import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeploymentKind } from '../../api/apps/v1/deployment.js';
import { NamespaceKind } from '../../api/core/v1/namespace.js';
import { PodKind } from '../../api/core/v1/pod.js';
import { ApiError } from '../../machinery/status.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import { AdmissionChain } from './chain.js';
import { podSecurityAdmission, type PodSecurityAuditRecord } from './pod-security.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';

const attrs = (over: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({ operation: 'CREATE', spec: PodKind, namespace: 'ns', name: 'p', user: { name: 'u', groups: [] }, dryRun: false, ...over }) as AdmissionAttributes;
const ns = (labels: Record<string, string> = {}, name = 'ns'): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });
const busybox = (name = 'p', extra: object = {}): KubeObject => ({ metadata: { name, ...extra }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
const compliant = (): KubeObject => ({
  metadata: { name: 'ok' },
  spec: { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'c', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }] },
});
const BUSYBOX_RESTRICTED =
  'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

function setup(labels: Record<string, string>, pods: KubeObject[] = [], opts: Partial<Parameters<typeof podSecurityAdmission>[0]> = {}) {
  const audits: PodSecurityAuditRecord[] = [];
  let lookups = 0;
  const plugin = podSecurityAdmission({
    getNamespace: async (name) => (lookups++, name === 'ns' ? ns(labels) : undefined),
    listPods: async (n) => (n === 'ns' ? pods : []),
    audit: (r) => audits.push(r),
    ...opts,
  });
  return { plugin, audits, lookups: () => lookups };
}
const refusedWith = (code: number, message: string) => (e: unknown) => e instanceof ApiError && e.code === code && e.message === message;

describe('PodSecurity admission', () => {
  it('lets everything through in an unlabelled (privileged) namespace', async () => {
    const { plugin, audits } = setup({});
    assert.deepEqual(await plugin.admit(attrs(), busybox(), undefined), []);
    assert.deepEqual(audits, []);
  });

  it('refuses a pod that fails the enforce level with 403 and upstream message', async () => {
    const { plugin } = setup({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    await assert.rejects(async () => plugin.admit(attrs(), busybox(), undefined), refusedWith(403, `pods "p" is forbidden: violates PodSecurity "restricted:latest": ${BUSYBOX_RESTRICTED}`));
    assert.deepEqual(await plugin.admit(attrs({ name: 'ok' }), compliant(), undefined), []);
  });

  it('checks ephemeral containers added through pods/ephemeralcontainers', async () => {
    const { plugin } = setup({ 'pod-security.kubernetes.io/enforce': 'baseline' });
    const old = busybox();
    const next = { ...old, spec: { ...old.spec, ephemeralContainers: [{ name: 'debug', image: 'busybox', securityContext: { privileged: true } }] } };
    await assert.rejects(
      async () => plugin.admit(attrs({ operation: 'UPDATE', subresource: 'ephemeralcontainers' }), next, old),
      refusedWith(403, 'pods "p" is forbidden: violates PodSecurity "baseline:latest": privileged (container "debug" must not set securityContext.privileged=true)'),
    );
  });

  it('warns (and audits) without refusing when only warn and audit are set', async () => {
    const { plugin, audits } = setup({ 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'baseline', 'pod-security.kubernetes.io/warn-version': 'v1.32' });
    assert.deepEqual(await plugin.admit(attrs(), busybox(), undefined), [`would violate PodSecurity "restricted:v1.32": ${BUSYBOX_RESTRICTED}`]);
    assert.equal(audits.length, 0); // busybox passes baseline
    const privileged = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', securityContext: { privileged: true, allowPrivilegeEscalation: false } }] } };
    await plugin.admit(attrs(), privileged, undefined);
    assert.deepEqual(audits[0]?.annotations, { 'pod-security.kubernetes.io/audit-violations': 'would violate PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)' });
  });

  it('sends no warning with a refusal', async () => {
    const { plugin } = setup({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' });
    const hostNet = { metadata: { name: 'p' }, spec: { hostNetwork: true, containers: [{ name: 'c' }] } };
    await assert.rejects(async () => plugin.admit(attrs(), hostNet, undefined), refusedWith(403, 'pods "p" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork)'));
  });

  it('only warns about a workload template, even in an enforce namespace', async () => {
    const { plugin } = setup({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' });
    const deploy = { metadata: { name: 'web' }, spec: { template: { metadata: {}, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } };
    assert.deepEqual(await plugin.admit(attrs({ spec: DeploymentKind, name: 'web' }), deploy, undefined), [`would violate PodSecurity "restricted:latest": ${BUSYBOX_RESTRICTED}`]);
    // an enforce label alone warns too (warn defaults to it), a privileged warn label silences it
    const enforceOnly = setup({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    assert.deepEqual(await enforceOnly.plugin.admit(attrs({ spec: DeploymentKind, name: 'web' }), deploy, undefined), [`would violate PodSecurity "restricted:latest": ${BUSYBOX_RESTRICTED}`]);
    const quiet = setup({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'privileged' });
    assert.deepEqual(await quiet.plugin.admit(attrs({ spec: DeploymentKind, name: 'web' }), deploy, undefined), []);
    assert.equal(quiet.lookups(), 1);
  });

  it('skips pod updates that change nothing checked, and ignored subresources', async () => {
    const { plugin, lookups } = setup({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    const old = busybox();
    const relabelled = busybox('p', { labels: { a: 'b' }, finalizers: [], deletionTimestamp: '2024-01-01T00:00:00Z' });
    assert.deepEqual(await plugin.admit(attrs({ operation: 'UPDATE' }), relabelled, old), []);
    assert.deepEqual(await plugin.admit(attrs({ operation: 'UPDATE', subresource: 'status' }), old, old), []);
    assert.deepEqual(await plugin.admit(attrs({ operation: 'CREATE', subresource: 'binding' }), old, undefined), []);
    assert.equal(lookups(), 0);
    const newImage = { ...old, spec: { containers: [{ name: 'c', image: 'busybox:2' }] } };
    await assert.rejects(async () => plugin.admit(attrs({ operation: 'UPDATE' }), newImage, old), refusedWith(403, `pods "p" is forbidden: violates PodSecurity "restricted:latest": ${BUSYBOX_RESTRICTED}`));
  });

  it('exempts configured namespaces, users and runtime classes (none by default)', async () => {
    const labels = { 'pod-security.kubernetes.io/enforce': 'restricted' };
    const byUser = setup(labels, [], { exemptions: { usernames: ['admin'] } });
    assert.deepEqual(await byUser.plugin.admit(attrs({ user: { name: 'admin', groups: [] } }), busybox(), undefined), []);
    const byClass = setup(labels, [], { exemptions: { runtimeClasses: ['gvisor'] } });
    assert.deepEqual(await byClass.plugin.admit(attrs(), { metadata: { name: 'p' }, spec: { runtimeClassName: 'gvisor', containers: [{ name: 'c' }] } }, undefined), []);
  });

  it('refuses invalid labels on a namespace (422), on create and when an update changes them', async () => {
    const { plugin } = setup({});
    const message = 'Namespace "x" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted';
    const badNs = ns({ 'pod-security.kubernetes.io/enforce': 'strict' }, 'x');
    await assert.rejects(async () => plugin.admit(attrs({ spec: NamespaceKind, namespace: undefined, name: 'x' }), badNs, undefined), refusedWith(422, message));
    await assert.rejects(async () => plugin.admit(attrs({ spec: NamespaceKind, namespace: undefined, name: 'x', operation: 'UPDATE' }), badNs, ns({}, 'x')), refusedWith(422, message));
    // already invalid, unchanged: let other updates through
    assert.deepEqual(await plugin.admit(attrs({ spec: NamespaceKind, namespace: undefined, name: 'x', operation: 'UPDATE' }), badNs, badNs), []);
  });

  it('warns about existing pods when a namespace enforce level is raised', async () => {
    const owned = (name: string, uid: string) => busybox(name, { ownerReferences: [{ uid, controller: true }] });
    const pods = [busybox('zeta'), owned('web-1', 'rs1'), owned('web-2', 'rs1'), owned('api-1', 'rs2'), compliant(), { metadata: { name: 'host' }, spec: { hostPID: true, containers: [{ name: 'c' }] } }];
    const { plugin } = setup({}, pods);
    const update = attrs({ spec: NamespaceKind, namespace: undefined, name: 'ns', operation: 'UPDATE' });
    const warnings = await plugin.admit(update, ns({ 'pod-security.kubernetes.io/enforce': 'restricted' }), ns({}));
    assert.deepEqual(warnings, [
      'existing pods in namespace "ns" violate the new PodSecurity enforce level "restricted:latest"',
      'api-1 (and 3 other pods): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
      'host: host namespaces, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
    ]);
    // relaxing, or keeping, the level dry-runs nothing
    assert.deepEqual(await plugin.admit(update, ns({ 'pod-security.kubernetes.io/enforce': 'baseline' }), ns({ 'pod-security.kubernetes.io/enforce': 'restricted' })), []);
    assert.deepEqual(await plugin.admit(update, ns({ 'pod-security.kubernetes.io/enforce': 'restricted', a: 'b' }), ns({ 'pod-security.kubernetes.io/enforce': 'restricted' })), []);
  });

  it('says when it ran out of time checking existing pods', async () => {
    let t = 0;
    const pods = [busybox('a'), busybox('b'), busybox('c')];
    const { plugin } = setup({}, pods, { now: () => (t += 1001) });
    const warnings = await plugin.admit(attrs({ spec: NamespaceKind, namespace: undefined, name: 'ns', operation: 'UPDATE' }), ns({ 'pod-security.kubernetes.io/enforce': 'baseline' }), ns({}));
    // said even when the pods checked pass (as upstream)
    assert.deepEqual(warnings, ['new PodSecurity enforce level only checked against the first 1 of 3 existing pods']);
    const restricted = await plugin.admit(attrs({ spec: NamespaceKind, namespace: undefined, name: 'ns', operation: 'UPDATE' }), ns({ 'pod-security.kubernetes.io/enforce': 'restricted' }), ns({}));
    assert.deepEqual(restricted, [
      'new PodSecurity enforce level only checked against the first 1 of 3 existing pods',
      'existing pods in namespace "ns" violate the new PodSecurity enforce level "restricted:latest"',
      'a: allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
    ]);
  });

  it('takes its place before ResourceQuota in a chain', async () => {
    const order: string[] = [];
    const named = (name: string): AdmissionPlugin => ({ name, admit: () => void order.push(name) });
    const ps: AdmissionPlugin = { ...named('PodSecurity'), before: 'ResourceQuota' };
    await new AdmissionChain({ plugins: [named('A'), named('ResourceQuota'), named('B'), ps] }).admit(attrs(), busybox(), undefined);
    assert.deepEqual(order, ['A', 'PodSecurity', 'ResourceQuota', 'B']);
  });
});
