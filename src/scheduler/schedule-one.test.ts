import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../client/fake-clock.js';
import { silentLogger } from '../client/logger.js';
import type { Pod } from '../api/core/v1/pod.js';
import { SchedulerCache } from './cache.js';
import { defaultProfile, type ProfileConfig } from './config.js';
import { Framework } from './framework.js';
import type { Handle } from './interfaces.js';
import { prioritySortLess } from './plugins/priority-sort.js';
import { SchedulingQueue } from './queue.js';
import { DEFAULT_PLUGINS, inTreeRegistry } from './registry.js';
import { Scheduler } from './schedule-one.js';
import { mkNode, mkPod } from './testing.js';

/** An in-memory scheduler whose binder only records (and can hold) bindings. */
function harness(nodes: Array<Parameters<typeof mkNode>[0]>, profile: ProfileConfig = defaultProfile()) {
  const clock = new FakeClock();
  const cache = new SchedulerCache({ clock });
  for (const n of nodes) cache.addOrUpdateNode(mkNode(n));
  const handle: Handle = {
    nodeInfos: () => cache.nodeList(),
    nodeInfo: (n) => cache.nodeInfo(n),
    nodesWithPodAffinity: () => cache.nodesWithPodAffinity(),
    nodesWithRequiredAntiAffinity: () => cache.nodesWithRequiredAntiAffinity(),
    priorityOf: (p) => p.spec?.priority ?? 0,
    namespaceLabels: () => ({}),
  };
  const bindings: Array<[string, string]> = [];
  let release: () => void = () => {};
  const hold = new Promise<void>((r) => (release = r));
  let holding = false;
  const registry = inTreeRegistry({
    bind: async (pod, node) => {
      if (holding) await hold;
      bindings.push([pod.metadata?.name ?? '', node]);
    },
    preemption: { evict: async () => {}, nominate: async () => {} },
  });
  const fw = new Framework({ profile, registry, defaultPlugins: DEFAULT_PLUGINS, handle });
  const queue = new SchedulingQueue({ less: prioritySortLess, priorityOf: handle.priorityOf, clock });
  const failures: string[] = [];
  const scheduler = new Scheduler({
    frameworks: new Map([[profile.schedulerName, fw]]),
    cache,
    queue,
    clock,
    logger: silentLogger,
    sinks: { onUnschedulable: (_p, msg) => failures.push(msg), onBound: () => {} },
    percentageOfNodesToScore: 0,
    random: () => 0.99,
  });
  const run = async (pods: Pod[]): Promise<void> => {
    for (const p of pods) queue.add(p);
    for (let i = 0; i < pods.length; i++) {
      const q = await queue.pop();
      if (q) await scheduler.scheduleOne(q);
    }
  };
  return { cache, queue, scheduler, bindings, failures, run, hold: () => (holding = true), release: () => release() };
}

describe('Scheduler.scheduleOne', () => {
  it('counts assumed pods before their binding is confirmed', async () => {
    const h = harness([{ name: 'a', cpu: '1' }, { name: 'b', cpu: '1' }]);
    h.hold();
    await h.run([mkPod({ name: 'p1', cpu: '1' }), mkPod({ name: 'p2', cpu: '1' }), mkPod({ name: 'p3', cpu: '1' })]);
    // p1 and p2 are assumed on different nodes; p3 finds no room although nothing is bound yet.
    assert.equal(h.failures.length, 1);
    assert.match(h.failures[0] ?? '', /^0\/2 nodes are available: 2 Insufficient cpu\./);
    h.release();
    await h.scheduler.drainBindings();
    assert.deepEqual(h.bindings.map(([, n]) => n).sort(), ['a', 'b']);
    h.queue.close();
  });

  it('LeastAllocated spreads, a MostAllocated profile packs', async () => {
    const spread = harness([{ name: 'a' }, { name: 'b' }]);
    await spread.run([mkPod({ name: 'p1', cpu: '1' }), mkPod({ name: 'p2', cpu: '1' })]);
    await spread.scheduler.drainBindings();
    assert.equal(new Set(spread.bindings.map(([, n]) => n)).size, 2);
    spread.queue.close();

    const profile = defaultProfile();
    profile.pluginArgs.NodeResourcesFit = { scoringStrategy: { type: 'MostAllocated' } };
    profile.disabled.add('NodeResourcesBalancedAllocation');
    const pack = harness([{ name: 'a' }, { name: 'b' }], profile);
    await pack.run([mkPod({ name: 'p1', cpu: '1' }), mkPod({ name: 'p2', cpu: '1' }), mkPod({ name: 'p3', cpu: '1' })]);
    await pack.scheduler.drainBindings();
    assert.equal(new Set(pack.bindings.map(([, n]) => n)).size, 1);
    pack.queue.close();
  });

  it('rejects a profile naming an unknown plugin', () => {
    const profile = defaultProfile();
    profile.enabled.push('NoSuchPlugin');
    assert.throws(() => harness([], profile), /unknown plugin NoSuchPlugin/);
  });

  it('reports an empty cluster', async () => {
    const h = harness([]);
    await h.run([mkPod({ name: 'p' })]);
    assert.deepEqual(h.failures, ['no nodes available to schedule pods']);
    h.queue.close();
  });
});
