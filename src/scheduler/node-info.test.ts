import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/core/v1/pod.js';
import { FakeClock } from '../client/fake-clock.js';
import { SchedulerCache } from './cache.js';
import { hostPorts, type NodeInfo } from './node-info.js';
import { podRequests, shareRequests } from './resources.js';
import { mkNode, mkPod, type PodOpts } from './testing.js';

/** The totals recomputed from scratch from the node's pods: what the running sums must equal. */
function recomputed(ni: NodeInfo) {
  const requested: Record<string, number> = {};
  let nonZeroCpu = 0;
  let nonZeroMemory = 0;
  const ports = new Map<string, number>();
  for (const p of ni.pods.values()) {
    const r = podRequests(p);
    for (const [k, v] of Object.entries(r.requests)) requested[k] = (requested[k] ?? 0) + v;
    nonZeroCpu += r.nonZeroCpu;
    nonZeroMemory += r.nonZeroMemory;
    for (const hp of hostPorts(p)) {
      const k = `${hp.protocol}/${hp.ip}/${hp.port}`;
      ports.set(k, (ports.get(k) ?? 0) + 1);
    }
  }
  return { requested, requestedCpu: requested.cpu ?? 0, requestedMemory: requested.memory ?? 0, nonZeroCpu, nonZeroMemory, ports };
}

function assertConsistent(cache: SchedulerCache, where: string): void {
  for (const ni of cache.nodeList()) {
    const want = recomputed(ni);
    const have: Record<string, number> = {};
    for (const [k, v] of Object.entries(ni.requested)) if (v !== 0) have[k] = v;
    assert.deepEqual(have, want.requested, `${where}: ${ni.name} requested`);
    assert.equal(ni.requestedCpu, want.requestedCpu, `${where}: ${ni.name} requestedCpu`);
    assert.equal(ni.requestedMemory, want.requestedMemory, `${where}: ${ni.name} requestedMemory`);
    assert.equal(ni.nonZeroCpu, want.nonZeroCpu, `${where}: ${ni.name} nonZeroCpu`);
    assert.equal(ni.nonZeroMemory, want.nonZeroMemory, `${where}: ${ni.name} nonZeroMemory`);
    assert.deepEqual(new Map(ni.usedPorts), want.ports, `${where}: ${ni.name} ports`);
  }
}

const bound = (p: Pod, node: string): Pod => ({ ...p, spec: { ...p.spec, nodeName: node } }) as Pod;

/** Pods with varied requests: plain, init containers, sidecars, overhead, extended resources, host ports, nothing. */
const shapes: PodOpts[] = [
  { cpu: '100m', memory: '500Mi' },
  { cpu: '250m' },
  {},
  { requests: { 'example.com/gpu': '1', memory: '1Gi' } },
  { cpu: '100m', spec: { initContainers: [{ name: 'i', image: 'i', resources: { requests: { cpu: '2', memory: '64Mi' } } }] } },
  { cpu: '100m', spec: { initContainers: [{ name: 's', image: 'i', restartPolicy: 'Always', resources: { requests: { cpu: '50m' } } }], overhead: { cpu: '10m', memory: '5Mi' } } },
  { cpu: '1', spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, hostPort: 8080 }], resources: { requests: { cpu: '1' } } }] } },
];

describe('NodeInfo running totals', () => {
  it('cpu/memory fields and the requests map follow add and remove', () => {
    const cache = new SchedulerCache({ clock: new FakeClock() });
    cache.addOrUpdateNode(mkNode({ name: 'a', cpu: '4', memory: '8Gi' }));
    const p = bound(mkPod({ name: 'p', cpu: '300m', memory: '1Gi', requests: { 'example.com/gpu': '2' } }), 'a');
    cache.addOrUpdatePod(p);
    const ni = cache.nodeInfo('a') as NodeInfo;
    assert.equal(ni.requestedCpu, 300);
    assert.equal(ni.requestedMemory, 1024 ** 3);
    assert.equal(ni.requested['example.com/gpu'], 2);
    cache.removePod(p);
    assert.equal(ni.requestedCpu, 0);
    assert.equal(ni.requestedMemory, 0);
    assert.equal(ni.nonZeroCpu, 0);
    assert.equal(ni.requested['example.com/gpu'], 0);
  });

  it('an assumed pod counts once, also after the informer confirms it with a new object', () => {
    const cache = new SchedulerCache({ clock: new FakeClock() });
    cache.addOrUpdateNode(mkNode({ name: 'a' }));
    const pod = mkPod({ name: 'p', cpu: '200m', memory: '100Mi' });
    const assumed = bound(pod, 'a');
    shareRequests(assumed, pod);
    cache.assume(assumed, 'a');
    const ni = cache.nodeInfo('a') as NodeInfo;
    assert.equal(ni.requestedCpu, 200);
    cache.finishBinding(assumed);
    cache.addOrUpdatePod(JSON.parse(JSON.stringify(assumed)) as Pod);
    assert.equal(ni.pods.size, 1);
    assert.equal(ni.requestedCpu, 200);
    assert.equal(ni.requestedMemory, 100 * 1024 ** 2);
    assertConsistent(cache, 'confirmed');
  });

  it('forget undoes assume; an expired assumption is dropped', async () => {
    const clock = new FakeClock();
    const cache = new SchedulerCache({ clock, assumedTtlMs: 1000 });
    cache.addOrUpdateNode(mkNode({ name: 'a' }));
    const ni = cache.nodeInfo('a') as NodeInfo;
    const x = bound(mkPod({ name: 'x', cpu: '1' }), 'a');
    cache.assume(x, 'a');
    cache.forget(x);
    assert.equal(ni.requestedCpu, 0);
    assert.equal(ni.pods.size, 0);
    const y = bound(mkPod({ name: 'y', cpu: '1', memory: '1Gi' }), 'a');
    cache.assume(y, 'a');
    cache.finishBinding(y);
    await clock.advance(1001);
    assert.equal(cache.cleanupExpired(), 1);
    assert.equal(ni.requestedCpu, 0);
    assert.equal(ni.requestedMemory, 0);
    assertConsistent(cache, 'expired');
  });

  it('a pod seen on another node moves its requests there', () => {
    const cache = new SchedulerCache({ clock: new FakeClock() });
    cache.addOrUpdateNode(mkNode({ name: 'a' }));
    cache.addOrUpdateNode(mkNode({ name: 'b' }));
    const p = mkPod({ name: 'p', cpu: '700m' });
    cache.assume(bound(p, 'a'), 'a');
    cache.addOrUpdatePod(bound(p, 'b'));
    assert.equal((cache.nodeInfo('a') as NodeInfo).requestedCpu, 0);
    assert.equal((cache.nodeInfo('b') as NodeInfo).requestedCpu, 700);
  });

  it('allocatable, labels, taints and cordon are refreshed when the node changes', () => {
    const cache = new SchedulerCache({ clock: new FakeClock() });
    cache.addOrUpdateNode(mkNode({ name: 'a', cpu: '2', memory: '4Gi', pods: '10' }));
    const ni = cache.nodeInfo('a') as NodeInfo;
    assert.deepEqual([ni.allocCpu, ni.allocMemory, ni.allocPods, ni.unschedulable, ni.taints], [2000, 4 * 1024 ** 3, 10, false, undefined]);
    const taints = [{ key: 'k', effect: 'NoSchedule' }];
    cache.addOrUpdateNode(mkNode({ name: 'a', cpu: '8', memory: '1Gi', labels: { zone: 'z1' }, taints, unschedulable: true }));
    assert.equal(cache.nodeInfo('a'), ni);
    assert.deepEqual([ni.allocCpu, ni.allocMemory, ni.allocPods, ni.unschedulable, ni.taints], [8000, 1024 ** 3, 110, true, taints]);
    assert.equal(ni.labels.zone, 'z1');
    assert.equal(ni.allocatable.cpu, 8000);
  });

  it('stay equal to a recount over a long random sequence of add, assume, confirm, forget, expire and remove', async () => {
    // A fixed-seed generator: the sequence is the same on every run.
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const clock = new FakeClock();
    const cache = new SchedulerCache({ clock, assumedTtlMs: 50 });
    const nodes = ['a', 'b', 'c'];
    for (const n of nodes) cache.addOrUpdateNode(mkNode({ name: n, cpu: '64', memory: '256Gi' }));
    const pods = Array.from({ length: 12 }, (_, i) => mkPod({ name: `p${i}`, ...(shapes[i % shapes.length] as PodOpts) }));
    let ops = 0;
    for (let step = 0; step < 2000; step++) {
      const pod = pods[rnd(pods.length)] as Pod;
      const node = nodes[rnd(nodes.length)] as string;
      const key = `default/${pod.metadata?.name}`;
      switch (rnd(6)) {
        case 0: {
          if (cache.isAssumed(key)) break;
          const assumed = bound(pod, node);
          if (rnd(2) === 0) shareRequests(assumed, pod);
          cache.assume(assumed, node);
          if (rnd(2) === 0) cache.finishBinding(assumed);
          break;
        }
        case 1:
          // The informer's copy is always a fresh object.
          cache.addOrUpdatePod(JSON.parse(JSON.stringify(bound(pod, node))) as Pod);
          break;
        case 2:
          cache.forget(bound(pod, node));
          break;
        case 3:
          cache.removePod(bound(pod, node));
          break;
        case 4:
          await clock.advance(20);
          cache.cleanupExpired();
          break;
        default:
          cache.addOrUpdateNode(mkNode({ name: node, cpu: String(32 + rnd(64)), memory: '256Gi' }));
      }
      ops++;
      assertConsistent(cache, `step ${step}`);
    }
    assert.equal(ops, 2000);
    // Everything removed: every total is back to zero.
    for (const p of pods) {
      cache.forget(bound(p, 'a'));
      cache.removePod(p);
    }
    for (const ni of cache.nodeList()) {
      assert.equal(ni.pods.size, 0, ni.name);
      assert.deepEqual([ni.requestedCpu, ni.requestedMemory, ni.nonZeroCpu, ni.nonZeroMemory, ni.usedPorts.size], [0, 0, 0, 0, 0], ni.name);
    }
  });
});
