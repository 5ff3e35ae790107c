import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkNodeInfo, mkPod, type PodOpts } from '../testing.js';
import { CycleState } from '../cycle-state.js';
import type { NodeInfo } from '../node-info.js';
import type { Handle } from '../interfaces.js';
import { podTopologySpread, ERR_SPREAD, ERR_SPREAD_MISSING_LABEL } from './pod-topology-spread.js';
import { interPodAffinity, ERR_AFFINITY, ERR_ANTI_AFFINITY, ERR_EXISTING_ANTI_AFFINITY } from './inter-pod-affinity.js';

const zone = 'topology.kubernetes.io/zone';
const app = (v: string, extra: PodOpts = {}): PodOpts => ({ labels: { app: v }, ...extra });

/** Three nodes: a1, a2 in zone a; b1 in zone b; plus n0 without a zone label. */
function cluster(pods: Record<string, PodOpts[]>): NodeInfo[] {
  const spec: Array<[string, Record<string, string>]> = [['a1', { [zone]: 'a' }], ['a2', { [zone]: 'a' }], ['b1', { [zone]: 'b' }], ['n0', {}]];
  return spec.map(([name, labels]) => mkNodeInfo({ name, labels }, (pods[name] ?? []).map((p, i) => mkPod({ name: `${name}-${i}`, ...p }))));
}

function filterAll(plugin: ReturnType<typeof podTopologySpread> | ReturnType<typeof interPodAffinity>, pod: PodOpts, nodes: NodeInfo[]): Record<string, string> {
  const state = new CycleState();
  const p = mkPod(pod);
  current = nodes;
  const pre = plugin.preFilter(state, p, nodes);
  const out: Record<string, string> = {};
  for (const n of nodes) {
    const s = pre.status.code === 'Skip' ? { code: 'Success', reasons: [] as string[] } : plugin.filter(state, p, n);
    out[n.name] = s.code === 'Success' ? 'ok' : (s.reasons[0] ?? s.code);
  }
  return out;
}

function scoreAll(plugin: ReturnType<typeof podTopologySpread> | ReturnType<typeof interPodAffinity>, pod: PodOpts, nodes: NodeInfo[]): Record<string, number> {
  const state = new CycleState();
  const p = mkPod(pod);
  current = nodes;
  if (plugin.preScore(state, p, nodes).code === 'Skip') return {};
  const scores = nodes.map((n) => ({ name: n.name, score: plugin.score(state, p, n) }));
  plugin.normalizeScore?.(state, p, scores);
  return Object.fromEntries(scores.map((s) => [s.name, s.score]));
}

const spreadSpec = (maxSkew: number, when: 'DoNotSchedule' | 'ScheduleAnyway', key = zone): PodOpts =>
  app('web', { spec: { topologySpreadConstraints: [{ maxSkew, topologyKey: key, whenUnsatisfiable: when, labelSelector: { matchLabels: { app: 'web' } } }] } });

describe('PodTopologySpread filter', () => {
  const rows: Array<{ name: string; pods: Record<string, PodOpts[]>; pod: PodOpts; want: Record<string, string> }> = [
    { name: 'empty cluster: every zoned node fits; unlabeled node lacks the key', pods: {}, pod: spreadSpec(1, 'DoNotSchedule'), want: { a1: 'ok', a2: 'ok', b1: 'ok', n0: ERR_SPREAD_MISSING_LABEL } },
    { name: 'zone a ahead by one: only zone b', pods: { a1: [app('web')] }, pod: spreadSpec(1, 'DoNotSchedule'), want: { a1: ERR_SPREAD, a2: ERR_SPREAD, b1: 'ok', n0: ERR_SPREAD_MISSING_LABEL } },
    { name: 'maxSkew 2 allows it', pods: { a1: [app('web')] }, pod: spreadSpec(2, 'DoNotSchedule'), want: { a1: 'ok', a2: 'ok', b1: 'ok', n0: ERR_SPREAD_MISSING_LABEL } },
    { name: 'non-matching pods are not counted', pods: { a1: [app('db'), app('db')] }, pod: spreadSpec(1, 'DoNotSchedule'), want: { a1: 'ok', a2: 'ok', b1: 'ok', n0: ERR_SPREAD_MISSING_LABEL } },
    { name: 'other namespace not counted', pods: { a1: [app('web', { ns: 'other' })] }, pod: spreadSpec(1, 'DoNotSchedule'), want: { a1: 'ok', a2: 'ok', b1: 'ok', n0: ERR_SPREAD_MISSING_LABEL } },
    { name: 'soft constraints do not filter', pods: { a1: [app('web'), app('web')] }, pod: spreadSpec(1, 'ScheduleAnyway'), want: { a1: 'ok', a2: 'ok', b1: 'ok', n0: 'ok' } },
  ];
  for (const r of rows) it(r.name, () => assert.deepEqual(filterAll(podTopologySpread(), r.pod, cluster(r.pods)), r.want));
});

describe('PodTopologySpread score (soft)', () => {
  it('prefers the emptier zone', () => {
    const s = scoreAll(podTopologySpread(), spreadSpec(1, 'ScheduleAnyway'), cluster({ a1: [app('web'), app('web')] }).slice(0, 3));
    assert.ok((s.b1 ?? 0) > (s.a1 ?? 0), JSON.stringify(s));
    assert.equal(s.a1, s.a2);
    assert.equal(s.b1, 100);
  });
  it('default constraints apply to pods with a controller', () => {
    const owner = { metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }] } };
    const nodes = cluster({});
    const mine = mkPod({ name: 'x' });
    Object.assign(mine.metadata as object, owner.metadata);
    nodes[0]?.addPod({ ...mine, spec: { ...mine.spec, nodeName: 'a1' } } as typeof mine);
    const state = new CycleState();
    const plugin = podTopologySpread();
    const incoming = mkPod({ name: 'y' });
    Object.assign(incoming.metadata as object, owner.metadata);
    assert.equal(plugin.preScore(state, incoming, nodes.slice(0, 3)).code, 'Success');
    assert.equal(plugin.preScore(new CycleState(), mkPod(), nodes).code, 'Skip');
  });
});

let current: NodeInfo[] = [];
const handle: Handle = {
  nodeInfos: () => current,
  nodeInfo: (n) => current.find((x) => x.name === n),
  nodesWithPodAffinity: () => current.filter((n) => n.podsWithAffinity.size > 0),
  nodesWithRequiredAntiAffinity: () => current.filter((n) => n.podsWithRequiredAntiAffinity.size > 0),
  priorityOf: () => 0,
  namespaceLabels: () => ({}),
};
const term = (v: string, key = zone) => ({ labelSelector: { matchLabels: { app: v } }, topologyKey: key });

describe('InterPodAffinity filter', () => {
  const rows: Array<{ name: string; pods: Record<string, PodOpts[]>; pod: PodOpts; want: Record<string, string> }> = [
    { name: 'no affinity: all fit', pods: { a1: [app('db')] }, pod: app('web'), want: { a1: 'ok', a2: 'ok', b1: 'ok', n0: 'ok' } },
    {
      name: 'required affinity to db: zone a only',
      pods: { a1: [app('db')] },
      pod: app('web', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } } } }),
      want: { a1: 'ok', a2: 'ok', b1: ERR_AFFINITY, n0: ERR_AFFINITY },
    },
    {
      name: 'required affinity to itself, no pod yet: anywhere with the key',
      pods: {},
      pod: app('web', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } } } }),
      want: { a1: 'ok', a2: 'ok', b1: 'ok', n0: ERR_AFFINITY },
    },
    {
      name: 'required anti-affinity against db per zone',
      pods: { a1: [app('db')] },
      pod: app('web', { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } } } }),
      want: { a1: ERR_ANTI_AFFINITY, a2: ERR_ANTI_AFFINITY, b1: 'ok', n0: 'ok' },
    },
    {
      name: "existing pod's anti-affinity keeps us out",
      pods: { b1: [app('db', { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } } } })] },
      pod: app('web'),
      want: { a1: 'ok', a2: 'ok', b1: ERR_EXISTING_ANTI_AFFINITY, n0: 'ok' },
    },
  ];
  for (const r of rows) it(r.name, () => assert.deepEqual(filterAll(interPodAffinity(handle), r.pod, cluster(r.pods)), r.want));
});

describe('InterPodAffinity score (preferred)', () => {
  it('prefers the zone with the preferred pods and avoids anti-preferred ones', () => {
    const pod = app('web', { spec: { affinity: {
      podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('cache') }] },
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term('db') }] },
    } } });
    const s = scoreAll(interPodAffinity(handle), pod, cluster({ a1: [app('cache')], b1: [app('db')] }));
    assert.deepEqual(s, { a1: 100, a2: 100, b1: 0, n0: 33 });
  });
  it('skips when nobody has preferences', () => {
    assert.deepEqual(scoreAll(interPodAffinity(handle), app('web'), cluster({ a1: [app('db')] })), {});
  });
});

describe('PodTopologySpread across cycles (incremental counts)', () => {
  it('follows pods added and nodes relabeled between cycles', () => {
    const plugin = podTopologySpread();
    const nodes = cluster({}).slice(0, 3);
    const pod = spreadSpec(1, 'DoNotSchedule');
    assert.deepEqual(filterAll(plugin, pod, nodes), { a1: 'ok', a2: 'ok', b1: 'ok' });
    nodes[0]?.addPod(mkPod({ name: 'w1', ...app('web'), spec: { nodeName: 'a1' } }));
    assert.deepEqual(filterAll(plugin, pod, nodes), { a1: ERR_SPREAD, a2: ERR_SPREAD, b1: 'ok' });
    // b1 leaves zone b for zone a: zone b is gone, so a is the only domain again.
    const b1 = nodes[2] as NodeInfo;
    b1.node = { ...b1.node, metadata: { ...b1.node.metadata, labels: { [zone]: 'a' } } };
    b1.generation++;
    assert.deepEqual(filterAll(plugin, pod, nodes), { a1: 'ok', a2: 'ok', b1: 'ok' });
  });
});
