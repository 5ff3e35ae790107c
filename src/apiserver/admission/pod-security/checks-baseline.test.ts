import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { oneContainer, runCheck } from './check-test-kit.js';
import type { PodSpec } from './check-kit.js';

const allowed = (id: string, spec: PodSpec, opts?: Parameters<typeof runCheck>[2]) => assert.deepEqual(runCheck(id, spec, opts), { allowed: true }, id);
const refused = (id: string, spec: PodSpec, reason: string, detail: string, opts?: Parameters<typeof runCheck>[2]) =>
  assert.deepEqual(runCheck(id, spec, opts), { allowed: false, reason, detail });

describe('Pod Security baseline checks', () => {
  it('appArmorProfile: only RuntimeDefault / Localhost profile types and runtime/default or localhost/* annotations', () => {
    allowed('appArmorProfile', { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } }, ...oneContainer({ appArmorProfile: { type: 'Localhost' } }) });
    allowed('appArmorProfile', oneContainer(), { meta: { annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'localhost/prof', 'other/a': 'unconfined' } } });
    refused('appArmorProfile', { securityContext: { appArmorProfile: { type: 'Unconfined' } }, ...oneContainer({ appArmorProfile: { type: 'Unconfined' } }) }, 'forbidden AppArmor profile', 'pod and container "c" must not set AppArmor profile type to "Unconfined"');
    refused('appArmorProfile', oneContainer(), 'forbidden AppArmor profiles', 'annotations must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/a="unconfined"", "container.apparmor.security.beta.kubernetes.io/b="x""', {
      meta: { annotations: { 'container.apparmor.security.beta.kubernetes.io/b': 'x', 'container.apparmor.security.beta.kubernetes.io/a': 'unconfined' } },
    });
  });

  it('capabilities_baseline: only the default capability set may be added', () => {
    allowed('capabilities_baseline', oneContainer({ capabilities: { add: ['CHOWN', 'NET_BIND_SERVICE'], drop: ['ALL'] } }));
    refused(
      'capabilities_baseline',
      { containers: [{ name: 'a', securityContext: { capabilities: { add: ['SYS_ADMIN', 'NET_RAW'] } } }, { name: 'b', securityContext: { capabilities: { add: ['NET_RAW', 'KILL'] } } }] },
      'non-default capabilities',
      'containers "a", "b" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add',
    );
  });

  it('hostNamespaces: no host network, PID or IPC', () => {
    allowed('hostNamespaces', { hostNetwork: false, ...oneContainer() });
    refused('hostNamespaces', { hostPID: true, hostNetwork: true, hostIPC: true }, 'host namespaces', 'hostIPC, hostNetwork, hostPID');
  });

  it('hostPathVolumes: no hostPath volumes', () => {
    allowed('hostPathVolumes', { volumes: [{ name: 'e', emptyDir: {} }] });
    refused('hostPathVolumes', { volumes: [{ name: 'a', hostPath: { path: '/' } }, { name: 'e', emptyDir: {} }, { name: 'b', hostPath: { path: '/x' } }] }, 'hostPath volumes', 'volumes "a", "b"');
  });

  it('hostPorts: no host ports', () => {
    allowed('hostPorts', oneContainer(undefined, { ports: [{ containerPort: 80, hostPort: 0 }] }));
    refused('hostPorts', oneContainer(undefined, { ports: [{ hostPort: 80 }] }), 'hostPort', 'container "c" uses hostPort 80');
    refused(
      'hostPorts',
      { initContainers: [{ name: 'i', ports: [{ hostPort: 9000 }] }], containers: [{ name: 'a', ports: [{ hostPort: 80 }, { hostPort: 10000 }] }] },
      'hostPort',
      'containers "i", "a" use hostPorts 10000, 80, 9000',
    );
  });

  it('privileged: no privileged containers, ephemeral ones included', () => {
    allowed('privileged', oneContainer({ privileged: false }));
    refused('privileged', { ...oneContainer({ privileged: true }), ephemeralContainers: [{ name: 'debug', securityContext: { privileged: true } }] }, 'privileged', 'containers "c", "debug" must not set securityContext.privileged=true');
  });

  it('procMount: unset or Default only', () => {
    allowed('procMount', oneContainer({ procMount: 'Default' }));
    refused('procMount', oneContainer({ procMount: 'Unmasked' }), 'procMount', 'container "c" must not set securityContext.procMount to "Unmasked"');
  });

  it('seLinuxOptions: container types only, no user or role; container_engine_t from v1.31', () => {
    allowed('seLinuxOptions', { securityContext: { seLinuxOptions: { level: 's0:c1' } as object }, ...oneContainer({ seLinuxOptions: { type: 'container_init_t' } }) });
    allowed('seLinuxOptions', oneContainer({ seLinuxOptions: { type: 'container_engine_t' } }));
    refused('seLinuxOptions', oneContainer({ seLinuxOptions: { type: 'container_engine_t' } }), 'seLinuxOptions', 'container "c" set forbidden securityContext.seLinuxOptions: type "container_engine_t"', { version: 30 });
    refused(
      'seLinuxOptions',
      { securityContext: { seLinuxOptions: { type: 'spc_t' } }, ...oneContainer({ seLinuxOptions: { user: 'u', role: 'r' } }) },
      'seLinuxOptions',
      'pod and container "c" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set; role may not be set',
    );
  });

  it('seccompProfile_baseline: a set profile must be RuntimeDefault or Localhost; annotations before v1.19', () => {
    allowed('seccompProfile_baseline', oneContainer());
    allowed('seccompProfile_baseline', { securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, ...oneContainer({ seccompProfile: { type: 'Localhost' } }) });
    refused(
      'seccompProfile_baseline',
      { securityContext: { seccompProfile: { type: 'Unconfined' } }, ...oneContainer({ seccompProfile: { type: 'Unconfined' } }) },
      'seccompProfile',
      'pod and container "c" must not set securityContext.seccompProfile.type to "Unconfined"',
    );
    refused('seccompProfile_baseline', oneContainer(), 'seccompProfile', 'forbidden annotations container.seccomp.security.alpha.kubernetes.io/c="unconfined", seccomp.security.alpha.kubernetes.io/pod="unconfined"', {
      version: 18,
      meta: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined', 'container.seccomp.security.alpha.kubernetes.io/c': 'unconfined' } },
    });
  });

  it('sysctls: only the safe set of the version', () => {
    const pod = (...names: string[]): PodSpec => ({ securityContext: { sysctls: names.map((name) => ({ name })) } });
    allowed('sysctls', pod('net.ipv4.tcp_rmem', 'kernel.shm_rmid_forced'));
    refused('sysctls', pod('net.ipv4.tcp_rmem'), 'forbidden sysctls', 'net.ipv4.tcp_rmem', { version: 31 });
    refused('sysctls', pod('net.ipv4.tcp_keepalive_time'), 'forbidden sysctls', 'net.ipv4.tcp_keepalive_time', { version: 28 });
    refused('sysctls', pod('kernel.msgmax', 'net.ipv4.ip_local_port_range', 'vm.swappiness'), 'forbidden sysctls', 'kernel.msgmax, vm.swappiness');
  });

  it('windowsHostProcess: no HostProcess pod or containers', () => {
    allowed('windowsHostProcess', oneContainer({ windowsOptions: { hostProcess: false } }));
    refused('windowsHostProcess', { securityContext: { windowsOptions: { hostProcess: true } }, ...oneContainer({ windowsOptions: { hostProcess: true } }) }, 'hostProcess', 'pod and container "c" must not set securityContext.windowsOptions.hostProcess=true');
  });
});
