/**
 * e2e, root only: `skiff up --pod-network bridge` gives a pod its own network namespace
 * with an address from --cluster-cidr (198.18.64.0/24), recorded as node.spec.podCIDR; the
 * kubelet's HTTP readiness probe and the host reach the pod over the bridge; `kubectl exec`
 * runs inside the pod's namespace; a restarted `skiff up` keeps the pod, its address and
 * its namespace; `skiff killall` removes the pod network and the bridge.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { httpGet } from './support/http-get.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlMissing, REPO_ROOT, waitFor } from './support/index.js';
import { stopNodePods } from './support/node-pods.js';
import { killRunningSkiffUps, startSkiffUp, type SkiffUp } from './support/skiff-up.js';

const CLI = join(REPO_ROOT, 'test/e2e/support/skiff-cli.ts');
const BRIDGE = `skpu${process.pid % 100000}`;
// The test's own ranges (DESIGN.md): pods in 198.18.64.0/24, services on loopback, no DNS upstream.
const MARKER = `skiff-podnet-e2e-${process.pid}`;
const NETS = ['--cluster-cidr', '198.18.64.0/24', '--service-cidr', '127.49.0.0/16', '--cluster-dns', '127.49.0.10', '--dns-upstream', 'none'];

function unavailable(): string | false {
  if (process.getuid?.() !== 0) return 'pod network namespaces need root';
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return 'iproute2 (ip netns) is not available';
  return kubectlMissing();
}

function startUp(dataDir: string): Promise<SkiffUp> {
  return startSkiffUp(['--data-dir', dataDir, '--no-kubeconfig', '--node-name', 'pn-node', '--port', '0', '--kubelet-port', '0', '--bind-address', '127.0.0.1', '--node-ip', '127.0.0.1', ...NETS, '--pod-network', 'bridge', '--pod-bridge', BRIDGE]);
}


const podManifest = (): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web' },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'local/none',
          imagePullPolicy: 'Never',
          command: [process.execPath, '-e', `require('http').createServer((q, s) => s.end('hello from ' + process.env.HOSTNAME)).listen(8080) // ${MARKER}`],
          readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
        },
      ],
    },
  });

describe('skiff up --pod-network bridge (root)', { skip: unavailable() }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-up-podnet-'));
  const kc = join(dataDir, 'admin.kubeconfig');
  after(async () => {
    killRunningSkiffUps();
    await stopNodePods(dataDir).catch(() => {});
    spawnSync('ip', ['link', 'del', BRIDGE]);
    spawnSync('nft', ['delete', 'table', 'ip', `skiff-pods-${BRIDGE}`]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a pod gets an address from the cluster CIDR in its own namespace, kept across a restart, removed by killall', { timeout: 240_000 }, async () => {
    let up = await startUp(dataDir);
    assert.match(up.output(), new RegExp(`pods in their own network namespaces on bridge ${BRIDGE}, addresses from 198\\.18\\.64\\.0/24`));
    const podCidr = await kubectl(['get', 'node', 'pn-node', '-o', 'jsonpath={.spec.podCIDR}'], { kubeconfig: kc });
    assert.equal(podCidr.stdout, '198.18.64.0/24', podCidr.stderr);

    const file = join(dataDir, 'pod.json');
    writeFileSync(file, podManifest());
    const created = await kubectl(['apply', '-f', file], { kubeconfig: kc });
    assert.equal(created.code, 0, created.stderr);
    // Ready means the kubelet's HTTP probe reached the pod's address over the bridge.
    const podIP = await waitFor('the pod to be Ready', async () => {
      const r = await kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.status.podIP} {.status.conditions[?(@.type=="Ready")].status}'], { kubeconfig: kc });
      const [ip, ready] = r.stdout.split(' ');
      return ready === 'True' ? ip : undefined;
    }, 90_000);
    assert.match(podIP ?? '', /^198\.18\.64\.(\d+)$/);
    assert.notEqual(podIP, '198.18.64.1');
    assert.equal(await httpGet(`http://${podIP}:8080/`), 'hello from web');

    const addrs = await kubectl(['exec', 'web', '--', 'ip', '-o', '-4', 'addr'], { kubeconfig: kc });
    assert.equal(addrs.code, 0, addrs.stderr);
    assert.deepEqual(addrs.stdout.trim().split('\n').map((l) => l.split(/\s+/)[1]).sort(), ['eth0', 'lo']);
    assert.ok(addrs.stdout.includes(`inet ${podIP}/24`), addrs.stdout);
    const netns = (await kubectl(['exec', 'web', '--', 'readlink', '/proc/self/ns/net'], { kubeconfig: kc })).stdout.trim();
    assert.notEqual(netns, spawnSync('readlink', ['/proc/self/ns/net'], { encoding: 'utf8' }).stdout.trim(), 'exec is not in the host namespace');

    // Ctrl-C and start again: the pod keeps running with its address and namespace, and is taken back.
    assert.equal(await up.stop(), 0, up.output().slice(-2000));
    assert.equal(await httpGet(`http://${podIP}:8080/`), 'hello from web', 'the pod keeps answering while skiff up is down');
    up = await startUp(dataDir);
    const adopted = await waitFor('the pod to be Ready again', async () => {
      const r = await kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.status.podIP} {.status.containerStatuses[0].restartCount} {.status.conditions[?(@.type=="Ready")].status}'], { kubeconfig: kc });
      return r.stdout.endsWith(' True') ? r.stdout : undefined;
    }, 90_000);
    assert.equal(adopted, `${podIP} 0 True`);
    const again = await kubectl(['exec', 'web', '--', 'readlink', '/proc/self/ns/net'], { kubeconfig: kc });
    assert.equal(again.stdout.trim(), netns, 'the same namespace after the restart');
    assert.equal(await up.stop(), 0, up.output().slice(-2000));

    const killall = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'killall', '--data-dir', dataDir], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(killall.status, 0, killall.stderr);
    assert.match(killall.stdout, /stopped 1 container/);
    // No request to the pod address now: without the bridge's route it would leave the machine.
    assert.equal(spawnSync('pgrep', ['-f', MARKER], { encoding: 'utf8' }).stdout.trim(), '', 'the pod process is gone');
    const inode = /\[(\d+)\]/.exec(netns)?.[1];
    const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n && existsSync(`/run/netns/${n}`) && spawnSync('stat', ['-L', '-c', '%i', `/run/netns/${n}`], { encoding: 'utf8' }).stdout.trim() === inode);
    assert.deepEqual(left, [], 'the pod namespace is deleted');
    assert.equal(existsSync(`/sys/class/net/${BRIDGE}`), false, 'the bridge is deleted');
  });
});
