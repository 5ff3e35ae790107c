/**
 * Chaos: `skiff controller-manager` (a child process, with leader election on short
 * timings) is SIGKILLed and restarted at random moments during a 100-replica rollout.
 * The end state must be right and there must never be more than replicas + maxSurge pods.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/core/v1/pod.js';
import { PodKind } from '../../src/api/core/v1/pod.js';
import { Informer } from '../../src/client/informer.js';
import { silentLogger } from '../../src/client/logger.js';
import { markPodsReady, spawnControllerManager, startCluster, waitFor, type TestCluster } from '../../src/controllers/test-support.js';

const REPLICAS = 100;
const MAX_SURGE = 25; // 25% of 100
let c: TestCluster;

describe('controllers e2e: chaos', { timeout: 180_000 }, () => {
  let cm: ReturnType<typeof spawnControllerManager> | undefined;
  let marker: { stop(): Promise<void> } | undefined;
  let watch: Informer<Pod> | undefined;
  const spawn = () =>
    spawnControllerManager(c.server.kubeconfigPath, [
      '--leader-elect=true',
      '--leader-elect-lease-duration=3s',
      '--leader-elect-renew-deadline=2s',
      '--leader-elect-retry-period=500ms',
      '--controllers=replicaset,deployment,garbage-collector',
    ]);
  before(async () => {
    c = await startCluster({ manager: false });
  });
  after(async () => {
    await watch?.stop();
    await marker?.stop();
    await cm?.kill('SIGKILL');
    await c?.stop();
  });

  it('SIGKILL/restart during a 100-replica rollout: never over replicas + maxSurge, ends right', async () => {
    cm = spawn();
    let slow = false;
    // Pods become ready after 1–3 s during the rollout, so it lasts long enough (≥ 4 waves of
    // 25) to be interrupted more than once even when the controller manager is quick.
    marker = markPodsReady(c.client, 'default', () => true, { delayMs: () => (slow ? 1000 + Math.random() * 2000 : 0) });
    let maxPods = 0;
    watch = new Informer<Pod>({ listerWatcher: c.client.resource<Pod>(PodKind), namespace: 'default', labelSelector: 'app=big', logger: silentLogger });
    const observe = () => {
      maxPods = Math.max(maxPods, watch?.indexer.list().length ?? 0);
    };
    watch.addEventHandler({ onAdd: observe, onUpdate: observe, onDelete: observe });
    watch.start();

    await c.kk(['create', 'deployment', 'big', '--image=nginx:1', `--replicas=${REPLICAS}`]);
    await c.kk(['rollout', 'status', 'deployment/big', '--timeout=90s']);
    assert.ok(maxPods <= REPLICAS, `initial rollout made ${maxPods} pods`);

    slow = true;
    await c.kk(['set', 'image', 'deployment/big', 'nginx=nginx:2']);
    let kills = 0;
    const history: string[] = [];
    let killsMidRollout = 0;
    const deadline = Date.now() + 30_000;
    while (kills < 4 && Date.now() < deadline) {
      // Let the new instance get going (cold start + lease takeover) before killing it again.
      await new Promise((r) => setTimeout(r, (kills === 0 ? 300 : 2500) + Math.random() * 2500));
      const mid = JSON.parse(await c.kk(['get', 'deployment', 'big', '-o', 'json'])).status ?? {};
      if (mid.updatedReplicas !== REPLICAS || mid.replicas !== REPLICAS || mid.availableReplicas !== REPLICAS) killsMidRollout++;
      await cm.kill('SIGKILL');
      history.push(cm.output());
      kills++;
      cm = spawn();
    }
    try {
      await waitFor('rollout complete', async () => {
        const d = JSON.parse(await c.kk(['get', 'deployment', 'big', '-o', 'json']));
        const s = d.status ?? {};
        return s.observedGeneration >= d.metadata.generation && s.updatedReplicas === REPLICAS && s.availableReplicas === REPLICAS && s.replicas === REPLICAS;
      }, 90_000, 250);
    } catch (err) {
      process.stderr.write(`controller-manager output (tail):\n${cm.output().slice(-6000)}\n`);
      process.stderr.write(`server output (tail):\n${c.server.output().slice(-4000)}\n`);
      throw err;
    }
    await c.kk(['rollout', 'status', 'deployment/big', '--timeout=30s']);
    const pods = await waitFor('exactly 100 pods, all new', () => {
      const all = watch?.indexer.list() ?? [];
      return all.length === REPLICAS && all.every((p) => p.spec?.containers?.[0]?.image === 'nginx:2') ? all : undefined;
    }, 30_000);
    assert.equal(pods.length, REPLICAS);
    assert.ok(killsMidRollout >= 2, `killed ${kills} times, ${killsMidRollout} of them mid-rollout`);
    assert.ok(maxPods <= REPLICAS + MAX_SURGE, `at most ${REPLICAS + MAX_SURGE} pods at any time, saw ${maxPods}`);
    const d = JSON.parse(await c.kk(['get', 'deployment', 'big', '-o', 'json']));
    assert.equal(d.status.updatedReplicas, REPLICAS);
    assert.equal(d.status.availableReplicas, REPLICAS);
    const rss = JSON.parse(await c.kk(['get', 'rs', '-l', 'app=big', '-o', 'json'])).items;
    assert.equal(rss.length, 2);
    const sizes = rss.map((r: any) => r.spec.replicas).sort((a: number, b: number) => a - b);
    assert.deepEqual(sizes, [0, REPLICAS]);
    const lease = JSON.parse(await c.kk(['get', 'lease', 'kube-controller-manager', '-n', 'kube-system', '-o', 'json']));
    assert.ok(lease.spec.holderIdentity, 'a leader holds the lease');
    if (!((lease.spec.leaseTransitions ?? 0) >= 1)) for (const h of [...history, cm.output()]) process.stderr.write(`---- cm:\n${h.slice(0, 3000)}\n`);
    assert.ok((lease.spec.leaseTransitions ?? 0) >= 1, `leadership changed hands after kills: ${JSON.stringify(lease.spec)}`);
  });
});
