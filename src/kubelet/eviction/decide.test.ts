import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/core/v1/pod.js';
import { Quantity } from '../../machinery/quantity.js';
import { decideEviction, emptyEvictionState, thresholdsMet, type EvictionInput } from './decide.js';
import { evictionMessage } from './message.js';
import { rankForEviction, type PodUsageStats, type StatsFn } from './ranking.js';
import type { Observations } from './signals.js';
import { parseThresholdConfig } from './thresholds.js';

const Mi = 1024 * 1024;
const mem = (availableMi: number, capacityMi = 1000): Observations => ({ 'memory.available': { available: Quantity.fromValue(availableMi * Mi, 'BinarySI'), capacity: Quantity.fromValue(capacityMi * Mi, 'BinarySI') } });

function pod(name: string, opts: { request?: string; priority?: number; critical?: boolean; grace?: number } = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(opts.critical ? { annotations: { 'kubernetes.io/config.source': 'file' } } : {}) },
    spec: { containers: [{ name: 'c', image: 'x', ...(opts.request ? { resources: { requests: { memory: opts.request } } } : {}) }], ...(opts.priority !== undefined ? { priority: opts.priority } : {}), ...(opts.grace !== undefined ? { terminationGracePeriodSeconds: opts.grace } : {}) },
  } as Pod;
}

const usage = (byName: Record<string, number>): StatsFn => (p) => {
  const mi = byName[p.metadata?.name ?? ''];
  if (mi === undefined) return undefined;
  const s: PodUsageStats = { containers: [{ name: 'c', workingSetBytes: mi * Mi }], workingSetBytes: mi * Mi, processes: mi };
  return s;
};

const input = (over: Partial<EvictionInput>): EvictionInput => ({ thresholds: [], observations: {}, pods: [], stats: () => undefined, now: 0, state: emptyEvictionState(), transitionPeriodMs: 300_000, maxPodGracePeriodSeconds: 0, ...over });

describe('eviction decisions (pure)', () => {
  it('a threshold is met when available is below it; percentages are of capacity; unobserved signals never meet', () => {
    const ts = parseThresholdConfig({ hard: 'memory.available<100Mi,nodefs.available<10%' });
    assert.deepEqual(thresholdsMet(ts, mem(150), false), []);
    assert.deepEqual(thresholdsMet(ts, mem(100), false), [], 'equal is not below');
    assert.deepEqual(thresholdsMet(ts, mem(99), false).map((t) => t.signal), ['memory.available']);
    const fs: Observations = { 'nodefs.available': { available: Quantity.fromValue(9, 'BinarySI'), capacity: Quantity.fromValue(100, 'BinarySI') } };
    assert.deepEqual(thresholdsMet(ts, fs, false).map((t) => t.signal), ['nodefs.available']);
  });

  it('a hard threshold sets the condition and evicts at once with grace 0', () => {
    const ts = parseThresholdConfig({ hard: 'memory.available<100Mi' });
    const d = decideEviction(input({ thresholds: ts, observations: mem(20), pods: [pod('a', { grace: 30 })], stats: usage({ a: 30 }) }));
    assert.deepEqual([...d.conditions], ['MemoryPressure']);
    assert.equal(d.evict?.pod.metadata?.name, 'a');
    assert.equal(d.evict?.gracePeriodSeconds, 0);
    assert.equal(d.evict?.message, 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 20Mi. Container c was using 30Mi, request is 0, has larger consumption of memory. ');
  });

  it('a soft threshold reports pressure at once but evicts only after its grace period, with the max pod grace period', () => {
    const ts = parseThresholdConfig({ hard: '', soft: 'memory.available<100Mi', softGracePeriod: 'memory.available=30s' });
    const pods = [pod('a', { grace: 60 })];
    const first = decideEviction(input({ thresholds: ts, observations: mem(20), pods, stats: usage({ a: 30 }), now: 1000, maxPodGracePeriodSeconds: 10 }));
    assert.deepEqual([...first.conditions], ['MemoryPressure']);
    assert.equal(first.evict, undefined, 'not before the grace period');
    const early = decideEviction(input({ thresholds: ts, observations: mem(20), pods, stats: usage({ a: 30 }), now: 30_999, state: first.state, maxPodGracePeriodSeconds: 10 }));
    assert.equal(early.evict, undefined);
    const due = decideEviction(input({ thresholds: ts, observations: mem(20), pods, stats: usage({ a: 30 }), now: 31_000, state: early.state, maxPodGracePeriodSeconds: 10 }));
    assert.equal(due.evict?.pod.metadata?.name, 'a');
    assert.equal(due.evict?.gracePeriodSeconds, 10, 'the smaller of the pod\'s 60 s and the maximum');
    // Recovering in between restarts the grace period.
    const recovered = decideEviction(input({ thresholds: ts, observations: mem(500), pods, now: 20_000, state: first.state }));
    const again = decideEviction(input({ thresholds: ts, observations: mem(20), pods, stats: usage({ a: 30 }), now: 31_000, state: recovered.state }));
    assert.equal(again.evict, undefined);
  });

  it('a condition stays True for the transition period after the threshold was last crossed', () => {
    const ts = parseThresholdConfig({ hard: 'memory.available<100Mi' });
    let d = decideEviction(input({ thresholds: ts, observations: mem(20), now: 0, transitionPeriodMs: 5000 }));
    assert.equal(d.conditions.has('MemoryPressure'), true);
    d = decideEviction(input({ thresholds: ts, observations: mem(500), now: 4999, state: d.state, transitionPeriodMs: 5000 }));
    assert.equal(d.conditions.has('MemoryPressure'), true, 'still inside the transition period');
    assert.equal(d.evict, undefined, 'but nothing is evicted');
    d = decideEviction(input({ thresholds: ts, observations: mem(500), now: 5000, state: d.state, transitionPeriodMs: 5000 }));
    assert.equal(d.conditions.size, 0);
  });

  it('once met, a threshold stays met until its minimum reclaim is available too', () => {
    const ts = parseThresholdConfig({ hard: 'memory.available<100Mi', minimumReclaim: 'memory.available=50Mi' });
    const pods = [pod('a')];
    const d1 = decideEviction(input({ thresholds: ts, observations: mem(90), pods, stats: usage({ a: 1 }) }));
    assert.ok(d1.evict);
    const d2 = decideEviction(input({ thresholds: ts, observations: mem(120), pods, stats: usage({ a: 1 }), state: d1.state, now: 10 }));
    assert.ok(d2.evict, '120Mi is above 100Mi but below 100Mi + 50Mi');
    const d3 = decideEviction(input({ thresholds: ts, observations: mem(151), pods, stats: usage({ a: 1 }), state: d2.state, now: 20 }));
    assert.equal(d3.evict, undefined);
  });

  it('memory ranking: over requests first, then lower priority, then more usage above requests', () => {
    const pods = [pod('guaranteed', { request: '100Mi' }), pod('big-besteffort', { priority: 10 }), pod('small-besteffort'), pod('low', { priority: -5 }), pod('unmeasured', { request: '1Gi', priority: 100 })];
    const stats = usage({ guaranteed: 50, 'big-besteffort': 300, 'small-besteffort': 10, low: 5 });
    assert.deepEqual(rankForEviction(pods, 'memory', stats).map((p) => p.metadata?.name), ['unmeasured', 'low', 'small-besteffort', 'big-besteffort', 'guaranteed']);
    const samePriority = [pod('guaranteed', { request: '100Mi' }), pod('small'), pod('big')];
    assert.deepEqual(rankForEviction(samePriority, 'memory', usage({ guaranteed: 99, small: 10, big: 200 })).map((p) => p.metadata?.name), ['big', 'small', 'guaranteed']);
  });

  it('pid ranking: priority, then process count', () => {
    const pods = [pod('many', { priority: 1 }), pod('few'), pod('most')];
    assert.deepEqual(rankForEviction(pods, 'pids', usage({ many: 50, few: 2, most: 80 })).map((p) => p.metadata?.name), ['most', 'few', 'many']);
  });

  it('critical pods (static, system priority) are passed over', () => {
    const ts = parseThresholdConfig({ hard: 'memory.available<100Mi' });
    const pods = [pod('static', { critical: true }), pod('system', { priority: 2_000_001_000 }), pod('user', { request: '1Gi' })];
    const d = decideEviction(input({ thresholds: ts, observations: mem(20), pods, stats: usage({ static: 500, system: 500, user: 1 }) }));
    assert.equal(d.evict?.pod.metadata?.name, 'user');
    const none = decideEviction(input({ thresholds: ts, observations: mem(20), pods: pods.slice(0, 2), stats: usage({ static: 500, system: 500 }) }));
    assert.equal(none.evict, undefined);
    assert.equal(none.conditions.has('MemoryPressure'), true);
  });

  it('the message names containers above their request only, with requests as written', () => {
    const p = { metadata: { name: 'p', namespace: 'd', uid: 'u' }, spec: { containers: [{ name: 'over', image: 'x', resources: { requests: { memory: '64Mi' } } }, { name: 'under', image: 'x', resources: { requests: { memory: '1Gi' } } }] } } as Pod;
    const stats: StatsFn = () => ({ containers: [{ name: 'over', workingSetBytes: 100 * Mi }, { name: 'under', workingSetBytes: 10 * Mi }] });
    const ts = parseThresholdConfig({ hard: 'memory.available<1000Ti' });
    const { message, annotations } = evictionMessage('memory', p, stats, ts, mem(1536, 2048));
    assert.equal(message, 'The node was low on resource: memory. Threshold quantity: 1000Ti, available: 1536Mi. Container over was using 100Mi, request is 64Mi, has larger consumption of memory. ');
    assert.deepEqual(annotations, { offending_containers: 'over', offending_containers_usage: '100Mi', starved_resource: 'memory' });
    assert.equal(evictionMessage('pids', p, () => undefined, [], {}).message, 'The node was low on resource: pids. ');
  });
});
