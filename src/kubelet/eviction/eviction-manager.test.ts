import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/core/v1/pod.js';
import { jsonLogger } from '../../client/logger.js';
import { Quantity } from '../../machinery/quantity.js';
import type { EvictionChoice } from './decide.js';
import { EvictionManager } from './eviction-manager.js';
import type { Observations } from './signals.js';
import { parseThresholdConfig, type PressureCondition } from './thresholds.js';

const Mi = 1024 * 1024;

describe('the eviction manager loop', () => {
  it('evicts one pod per pass, reports condition changes once, and reads usage only under pressure', async () => {
    let now = 0;
    let availableMi = 20;
    const pods = ['a', 'b'].map((n) => ({ metadata: { name: n, namespace: 'd', uid: n }, spec: { containers: [{ name: 'c', image: 'x' }] } }) as Pod);
    const alive = new Set(['a', 'b']);
    const evicted: EvictionChoice[] = [];
    const changes: Array<[string[], string[]]> = [];
    let usageReads = 0;
    const m = new EvictionManager({
      settings: { thresholds: parseThresholdConfig({ hard: 'memory.available<100Mi' }), transitionPeriodMs: 1000, maxPodGracePeriodSeconds: 0, monitoringIntervalMs: 10 },
      observe: async (): Promise<Observations> => ({ 'memory.available': { available: Quantity.fromValue(availableMi * Mi, 'BinarySI'), capacity: Quantity.fromValue(1000 * Mi, 'BinarySI') } }),
      activePods: () => pods.filter((p) => alive.has(p.metadata?.name ?? '')),
      usage: async () => {
        usageReads++;
        return (p) => ({ containers: [{ name: 'c', workingSetBytes: (p.metadata?.name === 'a' ? 5 : 50) * Mi }], workingSetBytes: (p.metadata?.name === 'a' ? 5 : 50) * Mi });
      },
      evict: async (c) => {
        evicted.push(c);
        alive.delete(c.pod.metadata?.name ?? '');
      },
      conditionsChanged: (a: ReadonlySet<PressureCondition>, b: ReadonlySet<PressureCondition>) => void changes.push([[...a], [...b]]),
      clock: { now: () => now, setTimeout: () => ({ cancel() {} }) },
      logger: jsonLogger('test', () => {}),
    });
    await m.synchronize();
    assert.deepEqual(evicted.map((e) => e.pod.metadata?.name), ['b'], 'the larger consumer first, one per pass');
    assert.deepEqual([...m.conditions()], ['MemoryPressure']);
    now = 10;
    await m.synchronize();
    assert.deepEqual(evicted.map((e) => e.pod.metadata?.name), ['b', 'a']);
    availableMi = 500;
    now = 20;
    const reads = usageReads;
    await m.synchronize();
    assert.equal(usageReads, reads, 'no usage read without pressure');
    assert.deepEqual([...m.conditions()], ['MemoryPressure'], 'within the transition period');
    now = 1010;
    await m.synchronize();
    assert.deepEqual([...m.conditions()], []);
    assert.deepEqual(changes, [[['MemoryPressure'], []], [[], ['MemoryPressure']]]);
  });
});
