/**
 * e2e: securityContext with the process runtime, as root: a kubelet (in this test process)
 * against a real `skiff server`, seen through the real kubectl — users and groups (fsGroup
 * as a supplemental group and owner of the emptyDir), dropped capabilities and
 * no_new_privs in /proc/self/status of the container and of an exec, an added
 * NET_BIND_SERVICE letting a non-root container bind port 80 (and its absence not),
 * runAsNonRoot refused with upstream's message, and a pod without securityContext
 * running as root as before. Skipped unless root with setpriv and kubectl.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, kubectlFor, kubectlMissing, type TestServer, waitFor } from './support/index.js';
import { clientFromKubeconfig, type RestClient } from '../../src/client/index.js';
import { silentLogger } from '../../src/client/logger.js';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { startKubelet, type RunningKubelet } from '../../src/kubelet/index.js';
import { findSetpriv } from '../../src/kubelet/process-privileges.js';

const NODE = 'process-sc-node';
const BB = '/bin/busybox';
const skip = process.getuid?.() !== 0 ? 'needs root' : !findSetpriv() ? 'setpriv (util-linux) not found' : !existsSync(BB) ? 'busybox not found' : kubectlMissing() || false;

function podOf(name: string, spec: Record<string, unknown>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, ...spec } } as Pod;
}

const sleeper = (extra: Record<string, unknown> = {}) => ({ name: 'c', image: 'busybox', command: [BB, 'sh', '-c', `${BB} id; ${BB} grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status; exec ${BB} sleep 3600`], ...extra });

describe('securityContext with the process runtime', { skip, timeout: 180_000 }, () => {
  let server: TestServer;
  let client: RestClient;
  let kubelet: RunningKubelet;
  let dataDir: string;
  let kc: ReturnType<typeof kubectlFor>;
  const pods = () => client.resource<Pod>(PodKind);
  const podWhere = (name: string, pred: (p: Pod) => boolean, timeoutMs = 60_000) =>
    waitFor(`pod ${name}`, async () => {
      const p = await pods().get(name, { namespace: 'default' });
      return pred(p) ? p : undefined;
    }, timeoutMs);
  const running = (name: string) => podWhere(name, (p) => p.status?.containerStatuses?.[0]?.state?.running !== undefined);
  const exec = async (name: string, argv: string[]): Promise<string> => {
    const r = await kc(['exec', name, '--', ...argv]);
    assert.equal(r.code, 0, `kubectl exec ${name} -- ${argv.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  /** The container's log once it holds `text` (the kubelet copies output as it comes). */
  const logsWith = async (name: string, text: string): Promise<string> => {
    let out = '';
    await waitFor(`${name} logs with ${text}`, async () => ((out = (await kc(['logs', name])).stdout).includes(text) ? true : undefined), 15_000).catch(() => assert.fail(`logs of ${name}: ${out}`));
    return out;
  };

  before(async () => {
    server = await startTestServer();
    client = clientFromKubeconfig({ path: server.kubeconfigPath });
    kc = kubectlFor(server);
    dataDir = mkdtempSync(join(tmpdir(), 'skiff-process-sc-'));
    kubelet = await startKubelet({ client, nodeName: NODE, dataDir, backoffBaseMs: 1000, logger: silentLogger, nodeIP: '127.0.0.1', apiPort: 0 });
  });
  after(async () => {
    await kubelet?.stop({ killPods: true });
    client?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs as runAsUser/runAsGroup with supplementalGroups and fsGroup, and writes to its fsGroup-owned emptyDir', async () => {
    await pods().create(podOf('ids', {
      securityContext: { runAsUser: 1000, runAsGroup: 3000, supplementalGroups: [4000], fsGroup: 2000 },
      volumes: [{ name: 'data', emptyDir: {} }],
      containers: [sleeper({ volumeMounts: [{ name: 'data', mountPath: '/skiff-e2e-data' }] })],
    }));
    await running('ids');
    const id = await exec('ids', [BB, 'id']);
    assert.match(id, /^uid=1000(\([^)]*\))? gid=3000(\([^)]*\))? groups=/);
    const groups = (id.split('groups=')[1] ?? '').split(',').map((g) => g.replace(/\(.*$/, '').trim());
    assert.ok(groups.includes('4000') && groups.includes('2000'), id);
    assert.ok(!groups.includes('0'), `root's group must be gone: ${id}`);
    // The container's own process (not only the exec) runs as the user.
    const logs = await logsWith('ids', 'uid=');
    assert.match(logs, /^uid=1000(\([^)]*\))? gid=3000/m);
    // setgid on the volume: what the container writes there belongs to fsGroup.
    const owner = await exec('ids', [BB, 'sh', '-c', `echo hi >/skiff-e2e-data/f && ${BB} stat -c %u:%g /skiff-e2e-data/f`]);
    assert.equal(owner, '1000:2000\n');
  });

  it('drop ALL and allowPrivilegeEscalation false: CapEff and CapBnd 0, NoNewPrivs 1, in the container and its execs', async () => {
    await pods().create(podOf('nocaps', { containers: [sleeper({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } })] }));
    await running('nocaps');
    const logs = await logsWith('nocaps', 'NoNewPrivs');
    assert.match(logs, /CapEff:\s*0{16}\n/);
    assert.match(logs, /CapBnd:\s*0{16}\n/);
    assert.match(logs, /NoNewPrivs:\s*1\n/);
    const status = await exec('nocaps', [BB, 'grep', '-E', '^(CapEff|NoNewPrivs)', '/proc/self/status']);
    assert.match(status, /CapEff:\s*0{16}\n/);
    assert.match(status, /NoNewPrivs:\s*1\n/);
    assert.match(await exec('nocaps', [BB, 'id', '-u']), /^0\n$/);
  });

  it('a non-root container binds port 80 with add NET_BIND_SERVICE, and cannot without', async () => {
    const httpd = (name: string, caps?: Record<string, unknown>) =>
      podOf(name, {
        restartPolicy: 'Never',
        securityContext: { runAsUser: 1000 },
        containers: [{ name: 'c', image: 'busybox', command: [BB, 'sh', '-c', `exec ${BB} httpd -f -p "$POD_IP:80" -h /`], ...(caps ? { securityContext: { capabilities: caps } } : {}), readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 } }],
      });
    await pods().create(httpd('bind80', { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }));
    // Where unprivileged users may bind port 80 anyway, there is nothing to deny.
    const denyable = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8')) > 80;
    if (denyable) await pods().create(httpd('bind80-denied'));
    await podWhere('bind80', (p) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True');
    const capEff = await exec('bind80', [BB, 'grep', '^CapEff', '/proc/self/status']);
    assert.match(capEff, /CapEff:\s*0{13}400\n/);
    if (!denyable) return;
    const denied = await podWhere('bind80-denied', (p) => p.status?.phase === 'Failed');
    assert.notEqual(denied.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0);
  });

  it('runAsNonRoot without runAsUser is a CreateContainerConfigError with upstream message', async () => {
    const created = await pods().create(podOf('nonroot', { securityContext: { runAsNonRoot: true }, containers: [sleeper()] }));
    const p = await podWhere('nonroot', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError', 30_000);
    assert.equal(p.status?.containerStatuses?.[0]?.state?.waiting?.message, `container has runAsNonRoot and image will run as root (pod: "nonroot_default(${created.metadata?.uid})", container: c)`);
    const r = await kc(['get', 'pod', 'nonroot', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}']);
    assert.equal(r.stdout, 'CreateContainerConfigError');
  });

  it('a pod without securityContext runs as root, with every capability, as before', async () => {
    await pods().create(podOf('plain', { containers: [sleeper()] }));
    await running('plain');
    assert.match(await exec('plain', [BB, 'id']), /^uid=0(\(root\))? gid=0/);
    const status = await exec('plain', [BB, 'grep', '-E', '^(CapEff|NoNewPrivs)', '/proc/self/status']);
    assert.doesNotMatch(status, /CapEff:\s*0{16}\n/);
    assert.match(status, /NoNewPrivs:\s*0\n/);
  });
});
