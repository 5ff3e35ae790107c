import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { oneContainer, runCheck } from './check-test-kit.js';
import type { PodSpec } from './check-kit.js';

const allowed = (id: string, spec: PodSpec, opts?: Parameters<typeof runCheck>[2]) => assert.deepEqual(runCheck(id, spec, opts), { allowed: true }, id);
const refused = (id: string, spec: PodSpec, reason: string, detail: string, opts?: Parameters<typeof runCheck>[2]) =>
  assert.deepEqual(runCheck(id, spec, opts), { allowed: false, reason, detail });
const windows = (spec: PodSpec): PodSpec => ({ ...spec, os: { name: 'windows' } });

describe('Pod Security restricted checks', () => {
  it('allowPrivilegeEscalation: every container sets it false; Windows pods exempt from v1.25', () => {
    allowed('allowPrivilegeEscalation', oneContainer({ allowPrivilegeEscalation: false }));
    refused(
      'allowPrivilegeEscalation',
      { initContainers: [{ name: 'i' }], containers: [{ name: 'a', securityContext: { allowPrivilegeEscalation: true } }, { name: 'b', securityContext: { allowPrivilegeEscalation: false } }] },
      'allowPrivilegeEscalation != false',
      'containers "i", "a" must set securityContext.allowPrivilegeEscalation=false',
    );
    allowed('allowPrivilegeEscalation', windows(oneContainer()));
    refused('allowPrivilegeEscalation', windows(oneContainer()), 'allowPrivilegeEscalation != false', 'container "c" must set securityContext.allowPrivilegeEscalation=false', { version: 24 });
  });

  it('capabilities_restricted: drop ALL, add only NET_BIND_SERVICE', () => {
    allowed('capabilities_restricted', oneContainer({ capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }));
    refused('capabilities_restricted', oneContainer(), 'unrestricted capabilities', 'container "c" must set securityContext.capabilities.drop=["ALL"]');
    refused(
      'capabilities_restricted',
      { containers: [{ name: 'a', securityContext: { capabilities: { drop: ['NET_RAW'], add: ['SYS_TIME', 'CHOWN'] } } }, { name: 'b', securityContext: { capabilities: { drop: ['ALL'], add: ['CHOWN'] } } }] },
      'unrestricted capabilities',
      'container "a" must set securityContext.capabilities.drop=["ALL"]; containers "a", "b" must not include "CHOWN", "SYS_TIME" in securityContext.capabilities.add',
    );
    allowed('capabilities_restricted', windows(oneContainer()));
  });

  it('restrictedVolumes: only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret', () => {
    allowed('restrictedVolumes', { volumes: [{ name: 'a', configMap: { name: 'x' } }, { name: 'b', projected: { sources: [] } }, { name: 'c', persistentVolumeClaim: { claimName: 'x' } }] });
    refused(
      'restrictedVolumes',
      { volumes: [{ name: 'h', hostPath: { path: '/' } }, { name: 'n', nfs: { server: 's', path: '/' } }, { name: 'e', emptyDir: {} }, { name: 'z', futureVolume: {} }] },
      'restricted volume types',
      'volumes "h", "n", "z" use restricted volume types "hostPath", "nfs", "unknown"',
    );
    refused('restrictedVolumes', { volumes: [{ name: 'g', gitRepo: { repository: 'r' } }] }, 'restricted volume types', 'volume "g" uses restricted volume type "gitRepo"');
  });

  it('runAsNonRoot: the pod or every container opts in; an explicit false is named first', () => {
    allowed('runAsNonRoot', { securityContext: { runAsNonRoot: true }, ...oneContainer() });
    allowed('runAsNonRoot', oneContainer({ runAsNonRoot: true }));
    refused('runAsNonRoot', { containers: [{ name: 'a' }, { name: 'b', securityContext: { runAsNonRoot: true } }] }, 'runAsNonRoot != true', 'pod or container "a" must set securityContext.runAsNonRoot=true');
    refused(
      'runAsNonRoot',
      { securityContext: { runAsNonRoot: false }, containers: [{ name: 'a', securityContext: { runAsNonRoot: false } }, { name: 'b' }] },
      'runAsNonRoot != true',
      'pod and container "a" must not set securityContext.runAsNonRoot=false',
    );
  });

  it('runAsUser: no pod or container runs as UID 0 (from v1.23)', () => {
    allowed('runAsUser', { securityContext: { runAsUser: 1000 }, ...oneContainer({ runAsUser: 1 }) });
    refused('runAsUser', { securityContext: { runAsUser: 0 }, ...oneContainer({ runAsUser: 0 }) }, 'runAsUser=0', 'pod and container "c" must not set runAsUser=0');
    assert.throws(() => runCheck('runAsUser', oneContainer(), { version: 22 }), /does not exist/);
  });

  it('seccompProfile_restricted: the pod or every container sets RuntimeDefault or Localhost', () => {
    allowed('seccompProfile_restricted', { securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, ...oneContainer() });
    allowed('seccompProfile_restricted', oneContainer({ seccompProfile: { type: 'Localhost' } }));
    refused('seccompProfile_restricted', oneContainer(), 'seccompProfile', 'pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"');
    refused(
      'seccompProfile_restricted',
      { securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'a', securityContext: { seccompProfile: { type: 'Unconfined' } } }, { name: 'b' }] },
      'seccompProfile',
      'container "a" must not set securityContext.seccompProfile.type to "Unconfined"',
    );
    allowed('seccompProfile_restricted', windows(oneContainer()));
  });
});
