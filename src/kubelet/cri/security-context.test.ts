import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodSandboxConfig } from '../runtime.js';
import { criPortMappings, effectiveSecurityContext, linuxContainerSecurityContext, linuxSandboxSecurityContext, namespaceOptions, runAsNonRootViolation, sandboxSysctls, seccompProfile } from './security-context.js';

const pod = (extra: Partial<PodSandboxConfig> = {}): PodSandboxConfig => ({ uid: 'u1', namespace: 'ns', name: 'web', ...extra });
const ROOT = '/var/lib/kubelet/seccomp';
const who = { pod: 'web_ns(u1)', container: 'app' };

test('effectiveSecurityContext: the container overrides the pod field by field', () => {
  const sc = effectiveSecurityContext({ runAsUser: 1, runAsGroup: 2, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, fsGroup: 9 }, { runAsUser: 5, readOnlyRootFilesystem: true });
  assert.deepEqual(sc, { runAsUser: 5, runAsGroup: 2, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, readOnlyRootFilesystem: true });
  assert.deepEqual(effectiveSecurityContext(undefined, undefined), {});
  // An explicit false in the container wins over the pod's true.
  assert.equal(effectiveSecurityContext({ runAsNonRoot: true }, { runAsNonRoot: false }).runAsNonRoot, false);
});

test('runAsNonRootViolation: upstream messages for root images, uid 0, non-numeric users', () => {
  assert.equal(runAsNonRootViolation({}, {}, who), undefined);
  assert.equal(runAsNonRootViolation({ runAsNonRoot: false }, {}, who), undefined);
  assert.equal(runAsNonRootViolation({ runAsNonRoot: true }, {}, who), 'container has runAsNonRoot and image will run as root (pod: "web_ns(u1)", container: app)');
  assert.equal(runAsNonRootViolation({ runAsNonRoot: true }, { uid: 0 }, who), 'container has runAsNonRoot and image will run as root (pod: "web_ns(u1)", container: app)');
  assert.equal(runAsNonRootViolation({ runAsNonRoot: true }, { uid: 1000 }, who), undefined);
  assert.equal(runAsNonRootViolation({ runAsNonRoot: true, runAsUser: 1000 }, {}, who), undefined);
  assert.equal(runAsNonRootViolation({ runAsNonRoot: true, runAsUser: 0 }, { uid: 1000 }, who), `container's runAsUser breaks non-root policy (pod: "web_ns(u1)", container: app)`);
  assert.match(runAsNonRootViolation({ runAsNonRoot: true }, { username: 'nginx' }, who) ?? '', /^container has runAsNonRoot and image has non-numeric user \(nginx\), cannot verify user is non-root/);
});

test('seccompProfile: RuntimeDefault, Localhost under the root, none = Unconfined', () => {
  assert.deepEqual(seccompProfile({ type: 'RuntimeDefault' }, ROOT), { profile_type: 'RuntimeDefault', localhost_ref: '' });
  assert.deepEqual(seccompProfile({ type: 'Localhost', localhostProfile: 'profiles/audit.json' }, `${ROOT}/`), { profile_type: 'Localhost', localhost_ref: `${ROOT}/profiles/audit.json` });
  assert.deepEqual(seccompProfile({ type: 'Unconfined' }, ROOT), { profile_type: 'Unconfined', localhost_ref: '' });
  assert.deepEqual(seccompProfile(undefined, ROOT), { profile_type: 'Unconfined', localhost_ref: '' });
});

test('namespaceOptions: hostNetwork/hostPID/hostIPC → NODE, shareProcessNamespace → POD, a target → TARGET', () => {
  assert.deepEqual(namespaceOptions(pod()), { network: 'POD', pid: 'CONTAINER', ipc: 'POD', target_id: '' });
  assert.deepEqual(namespaceOptions(pod({ hostNetwork: true, hostPID: true, hostIPC: true })), { network: 'NODE', pid: 'NODE', ipc: 'NODE', target_id: '' });
  assert.equal(namespaceOptions(pod({ shareProcessNamespace: true })).pid, 'POD');
  assert.deepEqual(namespaceOptions(pod(), 'c0'), { network: 'POD', pid: 'TARGET', ipc: 'POD', target_id: 'c0' });
});

test('linuxSandboxSecurityContext: pod user and group, fsGroup then supplementalGroups, privileged, seccomp', () => {
  const sc = linuxSandboxSecurityContext(pod({ privileged: true, securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000, 4001], seccompProfile: { type: 'RuntimeDefault' } } }), ROOT);
  assert.deepEqual(sc, {
    namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD', target_id: '' },
    run_as_user: { value: 1000 },
    run_as_group: { value: 3000 },
    supplemental_groups: [2000, 4000, 4001],
    privileged: true,
    seccomp: { profile_type: 'RuntimeDefault', localhost_ref: '' },
  });
  const bare = linuxSandboxSecurityContext(pod(), ROOT);
  assert.equal(bare.run_as_user, undefined);
  assert.equal(bare.privileged, false);
});

test('sandboxSysctls and criPortMappings', () => {
  assert.deepEqual(sandboxSysctls(pod({ securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }, { name: 'kernel.shm_rmid_forced', value: '1' }] } })), { 'net.ipv4.ip_unprivileged_port_start': '0', 'kernel.shm_rmid_forced': '1' });
  assert.deepEqual(sandboxSysctls(pod()), {});
  assert.deepEqual(criPortMappings([{ protocol: 'UDP', containerPort: 53, hostPort: 5353 }, { protocol: 'TCP', containerPort: 80, hostPort: 8080, hostIP: '127.0.0.1' }]), [
    { protocol: 'UDP', container_port: 53, host_port: 5353, host_ip: '' },
    { protocol: 'TCP', container_port: 80, host_port: 8080, host_ip: '127.0.0.1' },
  ]);
  assert.deepEqual(criPortMappings(undefined), []);
});

test('linuxContainerSecurityContext: users, groups, read-only rootfs, capabilities, no_new_privs, masked paths', () => {
  const sb = pod({ securityContext: { runAsUser: 1000, runAsGroup: 3000, supplementalGroups: [4000], fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } } });
  const sc = linuxContainerSecurityContext(sb, { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }, {}, { localhostRoot: ROOT });
  assert.deepEqual(sc.run_as_user, { value: 1000 });
  assert.deepEqual(sc.run_as_group, { value: 3000 });
  assert.deepEqual(sc.supplemental_groups, [2000, 4000]);
  assert.equal(sc.readonly_rootfs, true);
  assert.equal(sc.no_new_privs, true);
  assert.equal(sc.privileged, false);
  assert.deepEqual(sc.capabilities, { add_capabilities: ['NET_BIND_SERVICE'], drop_capabilities: ['ALL'], add_ambient_capabilities: [] });
  assert.deepEqual(sc.seccomp, { profile_type: 'RuntimeDefault', localhost_ref: '' });
  assert.ok((sc.masked_paths as string[]).includes('/proc/kcore'));
  assert.ok((sc.readonly_paths as string[]).includes('/proc/sys'));
  assert.deepEqual(sc.namespace_options, { network: 'POD', pid: 'CONTAINER', ipc: 'POD', target_id: '' });
});

test('linuxContainerSecurityContext: the image user when the spec names none; procMount Unmasked; privileged', () => {
  const none = linuxContainerSecurityContext(pod(), undefined, {}, { localhostRoot: ROOT });
  assert.deepEqual(none.run_as_user, { value: 0 });
  assert.equal(none.no_new_privs, false); // allowPrivilegeEscalation unset: not set, as upstream
  assert.equal(none.capabilities, undefined);
  assert.deepEqual(none.seccomp, { profile_type: 'Unconfined', localhost_ref: '' });
  assert.deepEqual(linuxContainerSecurityContext(pod(), undefined, { uid: 65534 }, { localhostRoot: ROOT }).run_as_user, { value: 65534 });
  const named = linuxContainerSecurityContext(pod(), undefined, { username: 'www' }, { localhostRoot: ROOT });
  assert.equal(named.run_as_user, undefined);
  assert.equal(named.run_as_username, 'www');
  const unmasked = linuxContainerSecurityContext(pod(), { procMount: 'Unmasked', privileged: true }, {}, { localhostRoot: ROOT });
  assert.deepEqual([unmasked.masked_paths, unmasked.readonly_paths, unmasked.privileged], [[], [], true]);
  // The container's seccomp overrides the pod's; Localhost resolves under the root.
  const local = linuxContainerSecurityContext(pod({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }), { seccompProfile: { type: 'Localhost', localhostProfile: 'x.json' } }, {}, { localhostRoot: ROOT });
  assert.deepEqual(local.seccomp, { profile_type: 'Localhost', localhost_ref: `${ROOT}/x.json` });
});
