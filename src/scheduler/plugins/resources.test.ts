import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkNodeInfo, mkPod, type NodeOpts, type PodOpts } from '../testing.js';
import { fitsRequest, leastAllocatedScore, mostAllocatedScore, nodeResourcesFitFilter } from './node-resources-fit.js';
import { balancedAllocationScore } from './balanced-allocation.js';
import { podRequests } from '../resources.js';

describe('podRequests (init containers, sidecars, overhead)', () => {
  const rows: Array<[string, PodOpts, Record<string, number>]> = [
    ['sum of containers', { spec: { containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }, { name: 'b', resources: { requests: { cpu: '200m', memory: '1Mi' } } }] } }, { cpu: 300, memory: 1048576 }],
    ['init container larger than the app', { spec: { containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }], initContainers: [{ name: 'i', resources: { requests: { cpu: '1' } } }] } }, { cpu: 1000 }],
    ['sidecar adds to the app and to later init steps', { spec: { containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }], initContainers: [{ name: 's', restartPolicy: 'Always', resources: { requests: { cpu: '50m' } } }, { name: 'i', resources: { requests: { cpu: '120m' } } }] } }, { cpu: 170 }],
    ['overhead on top', { spec: { containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }], overhead: { cpu: '10m', memory: '5Mi' } } }, { cpu: 110, memory: 5 * 1048576 }],
    ['extended resource', { requests: { 'example.com/gpu': '2' } }, { 'example.com/gpu': 2 }],
  ];
  for (const [name, pod, want] of rows) it(name, () => assert.deepEqual(podRequests(mkPod(pod)).requests, want));
});

describe('NodeResourcesFit filter (fitsRequest)', () => {
  const rows: Array<{ name: string; pod: PodOpts; node: NodeOpts; existing?: PodOpts[]; want: string[] }> = [
    { name: 'fits', pod: { cpu: '1', memory: '1Gi' }, node: { cpu: '2', memory: '2Gi' }, want: [] },
    { name: 'cpu short', pod: { cpu: '3' }, node: { cpu: '2' }, want: ['Insufficient cpu'] },
    { name: 'cpu and memory short, counting existing pods', pod: { cpu: '1', memory: '1Gi' }, node: { cpu: '2', memory: '2Gi' }, existing: [{ cpu: '1500m', memory: '1536Mi' }], want: ['Insufficient cpu', 'Insufficient memory'] },
    { name: 'exactly full fits', pod: { cpu: '500m' }, node: { cpu: '1' }, existing: [{ cpu: '500m' }], want: [] },
    { name: 'maxPods', pod: {}, node: { pods: '1' }, existing: [{}], want: ['Too many pods'] },
    { name: 'extended resource absent on node', pod: { requests: { 'example.com/gpu': '1' } }, node: {}, want: ['Insufficient example.com/gpu'] },
    { name: 'extended resource present', pod: { requests: { 'example.com/gpu': '1' } }, node: { extra: { 'example.com/gpu': '4' } }, want: [] },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const ni = mkNodeInfo(r.node, (r.existing ?? []).map((p, i) => mkPod({ name: `e${i}`, ...p })));
      const pod = mkPod(r.pod);
      assert.deepEqual(fitsRequest(pod, ni).map((x) => x.reason), r.want);
      assert.equal(nodeResourcesFitFilter(pod, ni).code, r.want.length ? 'Unschedulable' : 'Success');
    });
  }
  it('reports amounts', () => {
    const [x] = fitsRequest(mkPod({ cpu: '3' }), mkNodeInfo({ cpu: '2' }, [mkPod({ name: 'e', cpu: '500m' })]));
    assert.deepEqual(x, { resourceName: 'cpu', reason: 'Insufficient cpu', requested: 3000, used: 500, capacity: 2000 });
  });
});

describe('NodeResourcesFit score', () => {
  // node 4 cpu / 8Gi; pod 1 cpu / 2Gi; existing 1 cpu / 2Gi → requested 2 cpu (50 %) and 4Gi (50 %).
  const ni = () => mkNodeInfo({ cpu: '4', memory: '8Gi' }, [mkPod({ name: 'e', cpu: '1', memory: '2Gi' })]);
  const rows: Array<[string, (p: ReturnType<typeof mkPod>, n: ReturnType<typeof mkNodeInfo>) => number, PodOpts, number]> = [
    ['LeastAllocated half used', leastAllocatedScore, { cpu: '1', memory: '2Gi' }, 50],
    ['MostAllocated half used', mostAllocatedScore, { cpu: '1', memory: '2Gi' }, 50],
    ['LeastAllocated uses defaults for an empty pod (100m, 200Mi)', leastAllocatedScore, {}, Math.floor(((4000 - 1100) / 4000 * 100 + (8192 - 2248) / 8192 * 100) / 2)],
    ['MostAllocated over capacity scores 100 for that resource', mostAllocatedScore, { cpu: '8', memory: '2Gi' }, Math.floor((100 + 50) / 2)],
  ];
  for (const [name, fn, pod, want] of rows) it(name, () => assert.equal(fn(mkPod(pod), ni()), want));
});

describe('NodeResourcesBalancedAllocation score', () => {
  const rows: Array<[string, PodOpts, NodeOpts, number]> = [
    ['equal fractions', { cpu: '1', memory: '2Gi' }, { cpu: '4', memory: '8Gi' }, 100],
    ['cpu 50 %, memory 25 %', { cpu: '2', memory: '2Gi' }, { cpu: '4', memory: '8Gi' }, 87],
    ['cpu 100 %, memory ~0 %', { cpu: '4', memory: '1Mi' }, { cpu: '4', memory: '8Gi' }, 50],
  ];
  for (const [name, pod, node, want] of rows) it(name, () => assert.equal(balancedAllocationScore(mkPod(pod), mkNodeInfo(node)), want));
});
