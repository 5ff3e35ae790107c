import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/core/v1/pod.js';
import { CycleState } from './cycle-state.js';
import { defaultProfile } from './config.js';
import { Framework, type PluginFactory } from './framework.js';
import type { Handle, NodeScore, ScorePlugin } from './interfaces.js';
import type { NodeInfo } from './node-info.js';
import { balancedAllocation } from './plugins/balanced-allocation.js';
import { nodeResourcesFit } from './plugins/node-resources-fit.js';
import { taintToleration } from './plugins/taint-toleration.js';
import { mkNodeInfo, mkPod } from './testing.js';

const handle: Handle = {
  nodeInfos: () => [],
  nodeInfo: () => undefined,
  nodesWithPodAffinity: () => [],
  nodesWithRequiredAntiAffinity: () => [],
  priorityOf: () => 0,
  namespaceLabels: () => ({}),
};

/** Nodes with different sizes, loads and taints, so every score varies across them. */
function nodes(): NodeInfo[] {
  const out: NodeInfo[] = [];
  for (let i = 0; i < 12; i++) {
    const existing = Array.from({ length: i % 4 }, (_, j) => mkPod({ name: `e${i}-${j}`, cpu: `${100 * (j + 1)}m`, memory: `${(i + 1) * 64}Mi` }));
    const taints = i % 3 === 0 ? [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }] : undefined;
    out.push(mkNodeInfo({ name: `n${i}`, cpu: String(2 + (i % 5)), memory: `${4 + i}Gi`, ...(taints ? { taints } : {}), ...(i === 5 ? { extra: { 'example.com/gpu': '2' } } : {}) }, existing));
  }
  return out;
}

describe('batch scoring (scoreAll) gives exactly score() per node', () => {
  const pods: Array<[string, Pod]> = [
    ['cpu and memory', mkPod({ cpu: '300m', memory: '700Mi' })],
    ['nothing requested (scoring defaults)', mkPod({})],
    ['extended resource', mkPod({ cpu: '100m', requests: { 'example.com/gpu': '1' } })],
  ];
  const plugins: Array<[string, ScorePlugin]> = [
    ['NodeResourcesFit LeastAllocated', nodeResourcesFit()],
    ['NodeResourcesFit MostAllocated, gpu weighted', nodeResourcesFit({ scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 2 }, { name: 'example.com/gpu', weight: 3 }] } })],
    ['NodeResourcesBalancedAllocation', balancedAllocation()],
    ['NodeResourcesBalancedAllocation, three resources', balancedAllocation({ resources: ['cpu', 'memory', 'example.com/gpu'] })],
    ['TaintToleration', taintToleration()],
  ];
  for (const [pname, plugin] of plugins) {
    for (const [what, pod] of pods) {
      it(`${pname}: ${what}`, () => {
        const ns = nodes();
        const state = new CycleState();
        const perNode = ns.map((n) => plugin.score(state, pod, n));
        const out: number[] = [];
        assert.ok(plugin.scoreAll, 'has a batch form');
        plugin.scoreAll(state, pod, ns, out);
        assert.deepEqual(out, perNode);
        // The comparison means something only if the nodes score differently.
        assert.ok(new Set(perNode).size > 1, `scores vary across nodes: ${perNode.join(',')}`);
      });
    }
  }
});

describe('Framework.runScore', () => {
  /** A profile with only the given score plugins (weights 1 and 2). */
  function framework(plugins: ScorePlugin[]): Framework {
    const profile = defaultProfile();
    profile.disabled.add('*');
    const registry = new Map<string, PluginFactory>();
    plugins.forEach((p, i) => {
      registry.set(p.name, () => p);
      profile.enabled.push(p.name);
      profile.weights[p.name] = i + 1;
    });
    return new Framework({ profile, registry, defaultPlugins: [], handle });
  }
  const byName = (n: NodeInfo): number => Number(n.name.slice(1));

  it('adds weighted raw and normalized scores per node, batch form or not', () => {
    const ns = nodes();
    const plain: ScorePlugin = { name: 'Plain', score: (_s, _p, n) => byName(n) };
    const normalized: ScorePlugin = {
      name: 'Normalized',
      score: (_s, _p, n) => 100 - byName(n),
      scoreAll: (_s, _p, list, out) => list.forEach((n, i) => (out[i] = 100 - byName(n))),
      normalizeScore: (_s, _p, scores: NodeScore[]) => scores.forEach((s) => (s.score = Math.floor(s.score / 10))),
    };
    const totals = framework([plain, normalized]).runScore(new CycleState(), mkPod({}), ns);
    assert.deepEqual(totals, ns.map((n) => byName(n) + 2 * Math.floor((100 - byName(n)) / 10)));
  });

  it('scores node by node when the batch form throws, so only the failing node gets 0', () => {
    const ns = nodes();
    const flaky: ScorePlugin = {
      name: 'Flaky',
      score: (_s, _p, n) => {
        if (n.name === 'n3') throw new Error('boom');
        return byName(n) + 1;
      },
      scoreAll: () => {
        throw new Error('boom');
      },
    };
    const totals = framework([flaky]).runScore(new CycleState(), mkPod({}), ns);
    assert.deepEqual(totals, ns.map((n) => (n.name === 'n3' ? 0 : byName(n) + 1)));
  });

  it('reuses nothing across cycles that changes the answer (fewer nodes, then more)', () => {
    const ns = nodes();
    const fw = framework([{ name: 'Id', score: (_s, _p, n) => byName(n), normalizeScore: () => {} }]);
    assert.deepEqual(fw.runScore(new CycleState(), mkPod({}), ns), ns.map(byName));
    assert.deepEqual(fw.runScore(new CycleState(), mkPod({}), ns.slice(0, 3)), [0, 1, 2]);
    assert.deepEqual(fw.runScore(new CycleState(), mkPod({}), ns.slice(4)), ns.slice(4).map(byName));
  });
});
