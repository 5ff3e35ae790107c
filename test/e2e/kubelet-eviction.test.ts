/**
 * e2e: node-pressure eviction with the real kubectl on `skiff up`. The node first runs a
 * BestEffort and a Guaranteed pod with eviction off; restarted with a memory threshold no
 * machine can meet (`memory.available<1000Ti`), it reports MemoryPressure, the node
 * lifecycle controller taints it memory-pressure:NoSchedule, the kubelet evicts the
 * BestEffort pod before the Guaranteed one (Failed/Evicted with upstream's message, an
 * Evicted event, DisruptionTarget), and a new pod without the toleration stays Pending.
 * Restarted without the threshold, the condition goes back to False, the taint goes and the
 * waiting pod runs. Nothing here uses real memory: the threshold does the work.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlMissing, waitFor } from './support/index.js';
import { stopNodePods } from './support/node-pods.js';
import { loopbackUpCluster } from './support/skiff-up.js';

// The test's own ranges (DESIGN.md): loopback services and pods, no DNS upstream.
const NETS = ['--cluster-cidr', '198.18.172.0/24', '--service-cidr', '127.72.0.0/16', '--cluster-dns', '127.72.0.10', '--dns-upstream', 'none'];
const NODE = 'eviction-node';
// Short periods so the test runs in seconds; monitoring slow enough to see one eviction per pass.
const FAST = ['--eviction-pressure-transition-period', '4s', '--eviction-monitoring-interval', '3s'];
const PRESSURE = ['--eviction-hard', 'memory.available<1000Ti', ...FAST];
const NO_EVICTION = ['--eviction-hard', '', ...FAST];

function pod(name: string, resources?: Record<string, Record<string, string>>): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'eviction-e2e' } },
    spec: { terminationGracePeriodSeconds: 5, containers: [{ name: 'main', image: 'local/none', imagePullPolicy: 'Never', command: ['sleep', '3600'], ...(resources ? { resources } : {}) }] },
  };
}

describe('node-pressure eviction (kubectl, skiff up)', { skip: kubectlMissing() }, () => {
  const cluster = loopbackUpCluster('skiff-eviction-', stopNodePods);
  const { dataDir, k } = cluster;
  after(() => cluster.cleanup());

  const get = async (args: string[]): Promise<string> => {
    const r = await k(['get', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  const condition = (type: string) => get(['node', NODE, '-o', `jsonpath={.status.conditions[?(@.type=="${type}")].status}`]);
  const taints = () => get(['node', NODE, '-o', 'jsonpath={range .spec.taints[*]}{.key}:{.effect} {end}']);
  const phase = (name: string) => get(['pod', name, '-o', 'jsonpath={.status.phase}/{.status.reason}']);

  it('evicts BestEffort before Guaranteed under memory pressure, taints the node, recovers without the threshold', { timeout: 300_000 }, async () => {
    let up = await cluster.start(NODE, [...NETS, ...NO_EVICTION]);
    try {
      const file = join(dataDir, 'pods.json');
      writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod('besteffort'), pod('guaranteed', { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } })] }));
      const created = await k(['apply', '-f', file]);
      assert.equal(created.code, 0, created.stderr);
      assert.equal(await get(['pod', 'guaranteed', '-o', 'jsonpath={.status.qosClass}']), 'Guaranteed');
      for (const name of ['besteffort', 'guaranteed']) await waitFor(`${name} running`, async () => ((await phase(name)) === 'Running/' ? true : undefined), 60_000, 250);
      assert.equal(await condition('MemoryPressure'), 'False');

      // The pods keep running across the restart; the threshold is crossed from the first pass.
      assert.equal(await up.stop(), 0, up.output().slice(-2000));
      up = await cluster.start(NODE, [...NETS, ...PRESSURE]);
      await waitFor('MemoryPressure True', async () => ((await condition('MemoryPressure')) === 'True' ? true : undefined), 30_000, 250);
      const describe = await k(['describe', 'node', NODE]);
      assert.match(describe.stdout, /MemoryPressure\s+True\s.*KubeletHasInsufficientMemory\s+kubelet has insufficient memory available/);
      await waitFor('the memory-pressure taint', async () => ((await taints()).includes('node.kubernetes.io/memory-pressure:NoSchedule') ? true : undefined), 30_000, 250);

      await waitFor('besteffort evicted', async () => ((await phase('besteffort')) === 'Failed/Evicted' ? true : undefined), 30_000, 100);
      assert.equal(await phase('guaranteed'), 'Running/', 'the Guaranteed pod is still running when the BestEffort one is evicted');
      const row = await get(['pod', 'besteffort', '--no-headers']);
      assert.match(row, /^besteffort\s+0\/1\s+Evicted\s/);
      const described = (await k(['describe', 'pod', 'besteffort'])).stdout;
      assert.match(described, /Status:\s+Failed/);
      assert.match(described, /Reason:\s+Evicted/);
      assert.match(described, /Message:\s+The node was low on resource: memory\. Threshold quantity: 1000Ti, available: \S+\. Container main was using \S+, request is 0, has larger consumption of memory\./);
      assert.match(described, /DisruptionTarget\s+True/);
      const events = await waitFor('the Evicted event', async () => {
        const out = await get(['events', '--field-selector', 'involvedObject.name=besteffort,reason=Evicted', '-o', 'jsonpath={.items[*].type} {.items[*].message}']);
        return out ? out : undefined;
      }, 30_000, 250);
      assert.match(events, /^Warning The node was low on resource: memory\./);
      // Later passes take the Guaranteed pod too: nothing frees 1000Ti.
      await waitFor('guaranteed evicted', async () => ((await phase('guaranteed')) === 'Failed/Evicted' ? true : undefined), 30_000, 250);
      // Within its request: no container is blamed.
      assert.match(await get(['pod', 'guaranteed', '-o', 'jsonpath={.status.message}']), /^The node was low on resource: memory\. Threshold quantity: 1000Ti, available: \S+\.$/);

      // A new pod without the toleration cannot be placed on the tainted node.
      writeFileSync(file, JSON.stringify(pod('waiting')));
      assert.equal((await k(['apply', '-f', file])).code, 0);
      const why = await waitFor('FailedScheduling for the taint', async () => {
        const out = await get(['events', '--field-selector', 'involvedObject.name=waiting,reason=FailedScheduling', '-o', 'jsonpath={.items[*].message}']);
        return out ? out : undefined;
      }, 30_000, 250);
      assert.match(why, /untolerated taint \{node\.kubernetes\.io\/memory-pressure: \}/);
      assert.equal(await phase('waiting'), 'Pending/');

      // Without the threshold the node has no pressure again, loses the taint, and the pod runs.
      assert.equal(await up.stop(), 0, up.output().slice(-2000));
      up = await cluster.start(NODE, [...NETS, ...NO_EVICTION]);
      await waitFor('MemoryPressure False', async () => ((await condition('MemoryPressure')) === 'False' ? true : undefined), 30_000, 250);
      assert.match((await k(['describe', 'node', NODE])).stdout, /MemoryPressure\s+False\s.*KubeletHasSufficientMemory\s+kubelet has sufficient memory available/);
      await waitFor('the taint removed', async () => (!(await taints()).includes('memory-pressure') ? true : undefined), 30_000, 250);
      await waitFor('the waiting pod running', async () => ((await phase('waiting')) === 'Running/' ? true : undefined), 60_000, 250);
      assert.equal(await phase('besteffort'), 'Failed/Evicted', 'evicted pods stay as they are');
    } finally {
      await k(['delete', 'pod', '--all', '--wait=false']);
      assert.equal(await up.stop(), 0, up.output().slice(-2000));
    }
  });
});
