import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PodKind } from '../../api/core/v1/pod.js';
import { PriorityClassKind } from '../../api/scheduling/v1/priority-class.js';
import type { Store } from '../../storage/store.js';
import { ApiError } from '../../machinery/status.js';
import type { AdmissionAttributes } from './types.js';
import { priorityAdmission } from './priority.js';

const attrs = (over: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({ operation: 'CREATE', spec: PodKind, namespace: 'ns', name: 'p', user: { name: 'u', groups: [] }, dryRun: false, ...over }) as AdmissionAttributes;
const emptyStore = { list: async () => ({ items: [], revision: 1 }) } as unknown as Store;
const plugin = (classes: object[]) => priorityAdmission({ store: emptyStore, listClasses: () => classes.map((c) => ({ kind: 'PriorityClass', ...c })) });
const hi = { metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'Never' };
const def = { metadata: { name: 'normal' }, value: 10, globalDefault: true };

describe('Priority admission', () => {
  it('fills priority from the named class, else the global default, else 0', async () => {
    const named = { spec: { priorityClassName: 'high', containers: [] } } as any;
    await plugin([hi, def]).admit(attrs(), named, undefined);
    assert.deepEqual([named.spec.priority, named.spec.preemptionPolicy], [1000, 'Never']);
    const unnamed = { spec: { containers: [] } } as any;
    await plugin([hi, def]).admit(attrs(), unnamed, undefined);
    assert.deepEqual([unnamed.spec.priority, unnamed.spec.priorityClassName], [10, 'normal']);
    const none = { spec: { containers: [] } } as any;
    await plugin([hi]).admit(attrs(), none, undefined);
    assert.deepEqual([none.spec.priority, none.spec.priorityClassName], [0, undefined]);
    const sys = { spec: { priorityClassName: 'system-node-critical' } } as any;
    await plugin([]).admit(attrs(), sys, undefined);
    assert.equal(sys.spec.priority, 2_000_001_000);
  });

  it('refuses an unknown class and a conflicting explicit priority with 403', async () => {
    await assert.rejects(
      async () => plugin([hi]).admit(attrs(), { spec: { priorityClassName: 'nope' } } as any, undefined),
      (e: unknown) => e instanceof ApiError && e.code === 403 && /no PriorityClass with name nope was found/.test(e.message),
    );
    await assert.rejects(async () => plugin([hi]).admit(attrs(), { spec: { priorityClassName: 'high', priority: 5 } } as any, undefined), (e: unknown) => e instanceof ApiError && e.code === 403);
    const same = { spec: { priorityClassName: 'high', priority: 1000 } } as any;
    await plugin([hi]).admit(attrs(), same, undefined);
    assert.equal(same.spec.priority, 1000);
  });

  it('allows only one globalDefault class; ignores updates of pods', async () => {
    const kv = { key: '/registry/scheduling.k8s.io/priorityclasses/normal', value: new TextEncoder().encode(JSON.stringify(def)), createRevision: 2, modRevision: 2 };
    const store = { list: async () => ({ items: [kv], revision: 2 }) } as unknown as Store;
    const p = priorityAdmission({ store, listClasses: () => [] });
    await assert.rejects(async () => p.admit(attrs({ spec: PriorityClassKind, name: 'x' }), { globalDefault: true } as any, undefined), /PriorityClass normal is already marked as default/);
    await p.admit(attrs({ spec: PriorityClassKind, name: 'normal', operation: 'UPDATE' }), { globalDefault: true } as any, undefined);
    await p.admit(attrs({ spec: PriorityClassKind, name: 'y' }), { globalDefault: false } as any, undefined);
    const upd = { spec: { priorityClassName: 'nope' } } as any;
    await plugin([]).admit(attrs({ operation: 'UPDATE' }), upd, undefined);
    assert.equal(upd.spec.priority, undefined);
  });
});
