import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildVerdict, fitErrorMessage, histogram } from './explain.js';
import { parseSchedulerConfig } from './config.js';
import { numFeasibleNodesToFind } from './schedule-one.js';
import { mkNodeInfo, mkPod } from './testing.js';
import type { Status } from './status.js';

const st = (plugin: string, code: Status['code'], ...reasons: string[]): Status => ({ code, reasons, plugin });

describe('FailedScheduling message (FitError)', () => {
  it('histograms reasons in sorted order and appends the preemption message', () => {
    const statuses = new Map<string, Status>([
      ['a', st('NodeResourcesFit', 'Unschedulable', 'Insufficient cpu')],
      ['b', st('NodeResourcesFit', 'Unschedulable', 'Insufficient cpu', 'Insufficient memory')],
      ['c', st('TaintToleration', 'UnschedulableAndUnresolvable', 'node(s) had untolerated taint {dedicated: gpu}')],
    ]);
    assert.equal(
      fitErrorMessage({ numAllNodes: 3, nodeStatuses: statuses, postFilterMsg: 'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.' }),
      '0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    );
    assert.deepEqual(histogram(['b', 'a', 'b']), ['1 a', '2 b']);
    assert.equal(fitErrorMessage({ numAllNodes: 0, nodeStatuses: new Map() }), 'no nodes available to schedule pods');
  });

  it('keeps a verdict with per-node rows and hints', () => {
    const nodes = new Map([['a', mkNodeInfo({ name: 'a', cpu: '2' }, [mkPod({ name: 'x', cpu: '500m' })])]]);
    const v = buildVerdict(mkPod({ cpu: '4' }), { numAllNodes: 1, nodeStatuses: new Map([['a', st('NodeResourcesFit', 'Unschedulable', 'Insufficient cpu')]]) }, (n) => nodes.get(n), new Date(0));
    assert.deepEqual(v.failures, [{ plugin: 'NodeResourcesFit', reason: 'Insufficient cpu', count: 1, nodes: ['a'] }]);
    assert.deepEqual(v.perNode, [{ node: 'a', plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu'] }]);
    assert.match(v.hints[0] ?? '', /requests 4000m; the most free on any node is 1500m/);
  });
});

describe('adaptive percentage of nodes to score', () => {
  const rows: Array<[number, number, number]> = [
    [50, 0, 50],
    [100, 0, 100],
    [1000, 0, 420],
    [5000, 0, 500],
    [20000, 0, 1000],
    [5000, 30, 1500],
    [300, 10, 100],
  ];
  for (const [n, pct, want] of rows) it(`${n} nodes, ${pct || 'adaptive'} % → ${want}`, () => assert.equal(numFeasibleNodesToFind(n, pct), want));
});

describe('scheduler config file', () => {
  it('reads profiles, weights, disabled plugins and plugin args', () => {
    const cfg = parseSchedulerConfig(`
percentageOfNodesToScore: 20
podMaxBackoffSeconds: 5
profiles:
- schedulerName: bin-packer
  plugins:
    score:
      enabled: [{ name: NodeResourcesFit, weight: 5 }]
      disabled: [{ name: NodeResourcesBalancedAllocation }]
  pluginConfig:
  - name: NodeResourcesFit
    args: { scoringStrategy: { type: MostAllocated } }
`);
    assert.equal(cfg.percentageOfNodesToScore, 20);
    assert.equal(cfg.podMaxBackoffMs, 5000);
    const p = cfg.profiles[0];
    assert.equal(p?.schedulerName, 'bin-packer');
    assert.equal(p?.weights.NodeResourcesFit, 5);
    assert.ok(p?.disabled.has('NodeResourcesBalancedAllocation'));
    assert.deepEqual(p?.pluginArgs.NodeResourcesFit, { scoringStrategy: { type: 'MostAllocated' } });
  });
});
