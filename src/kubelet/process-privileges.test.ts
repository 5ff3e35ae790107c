import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerConfigError } from './container-env.js';
import { capName, ContainerPrivileges, processPrivileges, setprivArgv } from './process-privileges.js';
import type { ContainerConfig, PodSandboxConfig } from './runtime.js';

const SP = '/usr/bin/setpriv';
const sandbox = (securityContext?: PodSandboxConfig['securityContext']): PodSandboxConfig => ({ uid: 'u1', namespace: 'ns', name: 'web', ...(securityContext ? { securityContext } : {}) });
const container = (securityContext?: ContainerConfig['securityContext']): ContainerConfig => ({ name: 'app', image: 'x', argv: ['sleep', '1'], env: {}, logPath: '/tmp/x.log', labels: {}, ...(securityContext ? { securityContext } : {}) });

describe('processPrivileges and setprivArgv', () => {
  it('no securityContext: no wrapper at all (the container runs as before)', () => {
    assert.deepEqual(processPrivileges(undefined, undefined, 0), {});
    assert.deepEqual(setprivArgv(SP, {}), []);
  });

  it('users and groups: fsGroup as a supplemental group, gid 0 without runAsGroup', () => {
    const p = processPrivileges({ runAsUser: 1000, runAsGroup: 3000, supplementalGroups: [4000], fsGroup: 2000 }, undefined, 0);
    assert.deepEqual(setprivArgv(SP, p), [SP, '--reuid', '1000', '--regid', '3000', '--groups', '2000,4000', '--inh-caps', '-all', '--']);
    assert.deepEqual(setprivArgv(SP, processPrivileges(undefined, { runAsUser: 7 }, 0)), [SP, '--reuid', '7', '--regid', '0', '--clear-groups', '--inh-caps', '-all', '--']);
    // The container's own runAsUser wins over the pod's; only fsGroup: root keeps its uid, gains the group.
    assert.equal(processPrivileges({ runAsUser: 1 }, { runAsUser: 2 }, 0).uid, 2);
    assert.deepEqual(setprivArgv(SP, processPrivileges({ fsGroup: 2000 }, undefined, 0)), [SP, '--reuid', '0', '--regid', '0', '--groups', '2000', '--']);
  });

  it('drop ALL and allowPrivilegeEscalation false: empty bounding and inheritable sets, no_new_privs', () => {
    const p = processPrivileges(undefined, { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }, 0);
    assert.deepEqual(setprivArgv(SP, p), [SP, '--no-new-privs', '--bounding-set', '-all', '--inh-caps', '-all', '--']);
  });

  it('individual drops; a non-root user keeps what it adds as ambient capabilities', () => {
    assert.deepEqual(setprivArgv(SP, processPrivileges(undefined, { capabilities: { drop: ['NET_RAW', 'CAP_SYS_ADMIN'] } }, 0)), [SP, '--bounding-set', '-net_raw,-sys_admin', '--inh-caps', '-net_raw,-sys_admin', '--']);
    const p = processPrivileges({ runAsUser: 1000 }, { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }, 0);
    assert.deepEqual(p.ambient, ['net_bind_service']);
    assert.deepEqual(setprivArgv(SP, p), [SP, '--reuid', '1000', '--regid', '0', '--clear-groups', '--bounding-set', '-all,+net_bind_service', '--inh-caps', '-all,+net_bind_service', '--ambient-caps', '-all,+net_bind_service', '--']);
    // An add that is also dropped is dropped (containerd applies drops last).
    assert.equal(processPrivileges({ runAsUser: 1000 }, { capabilities: { drop: ['NET_ADMIN'], add: ['NET_ADMIN', 'CHOWN'] } }, 0).ambient?.join(), 'chown');
  });

  it('privileged keeps every capability, whatever capabilities say', () => {
    assert.deepEqual(processPrivileges(undefined, { privileged: true, capabilities: { drop: ['ALL'] } }, 0), {});
  });

  it('not root: nothing is changed', () => {
    assert.deepEqual(processPrivileges({ runAsUser: 1000 }, { capabilities: { drop: ['ALL'] }, allowPrivilegeEscalation: false }, 1000), {});
  });

  it('capName: Kubernetes spellings to setpriv', () => {
    assert.equal(capName('CAP_NET_ADMIN'), 'net_admin');
    assert.equal(capName('NET_BIND_SERVICE'), 'net_bind_service');
  });
});

describe('ContainerPrivileges', () => {
  it('refuses runAsNonRoot without runAsUser when the kubelet is root, with upstream message', () => {
    const root = new ContainerPrivileges({ uid: 0, setpriv: SP });
    assert.throws(() => root.check(sandbox({ runAsNonRoot: true }), container()), (e: Error) => e instanceof ContainerConfigError && e.message === 'container has runAsNonRoot and image will run as root (pod: "web_ns(u1)", container: app)');
    root.check(sandbox({ runAsNonRoot: true, runAsUser: 1000 }), container());
    // The kubelet's own user is the "image" user: not root, so allowed (nothing else could run it).
    new ContainerPrivileges({ uid: 1000 }).check(sandbox({ runAsNonRoot: true }), container());
    assert.throws(() => new ContainerPrivileges({ uid: 1000 }).check(sandbox(), container({ runAsNonRoot: true, runAsUser: 0 })), ContainerConfigError);
  });

  it('prefix: setpriv only as root and when it is found; describe says what is not applied', () => {
    const sc = sandbox({ runAsUser: 1000 });
    assert.equal(new ContainerPrivileges({ uid: 0, setpriv: SP }).prefix(sc, container())[0], SP);
    assert.deepEqual(new ContainerPrivileges({ uid: 0, setpriv: null }).prefix(sc, container()), []);
    assert.deepEqual(new ContainerPrivileges({ uid: 1000 }).prefix(sc, container()), []);
    assert.match(new ContainerPrivileges({ uid: 1000 }).describe(), /are not applied \(not root/);
    assert.match(new ContainerPrivileges({ uid: 0, setpriv: null }).describe(), /setpriv from util-linux not found/);
    assert.match(new ContainerPrivileges({ uid: 0, setpriv: SP }).describe(), /applied with setpriv.*readOnlyRootFilesystem is not enforced/);
  });
});
