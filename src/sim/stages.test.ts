import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPodStages, firstMatchingStage, renderTemplate, stageMatches, type Stage } from './stages.js';
import { blockSize, NodeIpPool } from './ip-pool.js';
import { StageEngine } from './engine.js';
import { FakeClock } from '../client/fake-clock.js';
import { silentLogger } from '../client/logger.js';
import type { ResourceEventHandler } from '../client/event-source.js';

describe('stages as data', () => {
  const stages = defaultPodStages(500);
  const rows: Array<[string, unknown, string | undefined]> = [
    ['unbound pod: no stage', { spec: {}, status: { phase: 'Pending' } }, undefined],
    ['bound, no IP yet: pod-ready', { spec: { nodeName: 'n' }, status: { phase: 'Pending' } }, 'pod-ready'],
    ['running with an IP: nothing to do', { spec: { nodeName: 'n' }, status: { phase: 'Running', podIP: '198.18.0.2' } }, undefined],
    ['terminating: pod-delete first', { metadata: { deletionTimestamp: 't' }, spec: { nodeName: 'n' }, status: {} }, 'pod-delete'],
    ['finished pods are left alone', { spec: { nodeName: 'n' }, status: { phase: 'Succeeded' } }, undefined],
  ];
  for (const [name, obj, want] of rows) it(name, () => assert.equal(firstMatchingStage(stages, obj)?.name, want));
  it('In / NotIn / empty strings count as absent', () => {
    const s: Stage = { name: 's', delayMs: 0, next: {}, selector: [{ field: 'a.b', op: 'In', values: ['x'] }, { field: 'c', op: 'DoesNotExist' }] };
    assert.equal(stageMatches(s, { a: { b: 'x' }, c: '' }), true);
    assert.equal(stageMatches(s, { a: { b: 'y' } }), false);
  });
  it('templates fill placeholders in nested strings', () => {
    assert.deepEqual(renderTemplate({ ip: '{{podIP}}', list: [{ x: 'at {{now}}' }], n: 1 }, { podIP: '198.18.0.5', now: 'T' }), { ip: '198.18.0.5', list: [{ x: 'at T' }], n: 1 });
  });
});

describe('fake pod IPs in 198.18.0.0/15', () => {
  it('sizes blocks to fit the node count', () => {
    assert.equal(blockSize(10), 256);
    assert.equal(blockSize(5000), 16);
    const a = new NodeIpPool(0, 5000);
    const b = new NodeIpPool(1, 5000);
    assert.equal(a.cidr, '198.18.0.0/28');
    assert.equal(b.cidr, '198.18.0.16/28');
    assert.equal(a.hostIP, '198.18.0.1');
    assert.equal(a.allocate(), '198.18.0.2');
    assert.equal(new NodeIpPool(4999, 5000).cidr, '198.19.56.112/28');
  });
});

describe('StageEngine', () => {
  it('applies the matching stage after its delay, re-reading the object, and chains stages', async () => {
    const clock = new FakeClock();
    const objs = new Map<string, { name: string; phase: string }>();
    let handler: ResourceEventHandler<{ name: string; phase: string }> = {};
    const applied: string[] = [];
    const stages: Stage[] = [
      { name: 'start', selector: [{ field: 'phase', op: 'In', values: ['Pending'] }], delayMs: 1000, next: { status: { phase: 'Running' } } },
      { name: 'finish', selector: [{ field: 'phase', op: 'In', values: ['Running'] }], delayMs: 2000, next: { status: { phase: 'Succeeded' } } },
    ];
    type Obj = { name: string; phase: string };
    const engine = new StageEngine<Obj>({
      name: 't',
      source: { addEventHandler: (h) => { handler = h; return () => {}; }, hasSynced: () => true, waitForSync: async () => true },
      get: (k) => objs.get(k),
      keyOf: (o: Obj) => o.name,
      owns: () => true,
      stages,
      clock,
      logger: silentLogger,
      apply: async (o: Obj, stage) => {
        applied.push(stage.name);
        const next = { ...o, phase: String(stage.next.status?.phase) };
        objs.set(o.name, next);
        handler.onUpdate?.(o, next);
      },
    });
    engine.start();
    const pod = { name: 'p', phase: 'Pending' };
    objs.set('p', pod);
    handler.onAdd?.(pod);
    await clock.advance(999);
    assert.deepEqual(applied, []);
    await clock.advance(1);
    assert.deepEqual(applied, ['start']);
    await clock.advance(2000);
    assert.deepEqual(applied, ['start', 'finish']);
    assert.equal(objs.get('p')?.phase, 'Succeeded');
    engine.stop();
  });
});
