import { after, before, describe, it } from 'node:test';
import type { Timer } from '../client/clock.js';
import assert from 'node:assert/strict';
import type { Lease } from '../api/coordination/v1/lease.js';
import { LeaseKind } from '../api/coordination/v1/lease.js';
import type { Node } from '../api/core/v1/node.js';
import { NodeKind } from '../api/core/v1/node.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import type { ReplicaSet } from '../api/apps/v1/replica-set.js';
import { ReplicaSetKind } from '../api/apps/v1/replica-set.js';
import { silentLogger } from '../client/logger.js';
import { startControllerManager, type ControllerManager } from './manager.js';
import { evictionTime, reconcileTaints, reconcileUnschedulableTaint, wantedTaintKey, wantedTaints, TAINT_UNREACHABLE, TAINT_NOT_READY, TAINT_UNSCHEDULABLE } from './node-taints.js';
import { resolveNodeLifecycleTimings } from './node-lifecycle.js';
import { StallMeter } from './node-lifecycle-stalls.js';
import { startCluster, waitFor, type TestCluster } from './test-support.js';

const nodeWith = (status?: 'True' | 'False' | 'Unknown'): Node => ({ metadata: { name: 'n' }, status: status ? { conditions: [{ type: 'Ready', status }] } : {} }) as Node;

describe('node taints and evictions (pure)', () => {
  it('Ready Unknown → unreachable, False → not-ready, True → none; NoSchedule + NoExecute; other taints kept', () => {
    assert.equal(wantedTaintKey(nodeWith('Unknown')), TAINT_UNREACHABLE);
    assert.equal(wantedTaintKey(nodeWith('False')), TAINT_NOT_READY);
    assert.equal(wantedTaintKey(nodeWith('True')), undefined);
    const t = reconcileTaints([{ key: 'gpu', effect: 'NoSchedule' }], TAINT_UNREACHABLE, '2024-01-01T00:00:00Z')!;
    assert.deepEqual(t, [
      { key: 'gpu', effect: 'NoSchedule' },
      { key: TAINT_UNREACHABLE, effect: 'NoSchedule' },
      { key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' },
    ]);
    assert.equal(reconcileTaints(t, TAINT_UNREACHABLE, 'later'), undefined, 'no change, timeAdded kept');
    assert.deepEqual(reconcileTaints(t, undefined, 'later'), [{ key: 'gpu', effect: 'NoSchedule' }]);
    assert.deepEqual(reconcileTaints(t, TAINT_NOT_READY, 'x')?.map((x) => x.key), ['gpu', TAINT_NOT_READY, TAINT_NOT_READY]);
  });

  it('spec.unschedulable (cordon) ↔ the unschedulable:NoSchedule taint, beside the Ready taints; other taints kept', () => {
    const gpu = { key: 'gpu', effect: 'NoSchedule' as const };
    const onlyKey = { key: TAINT_UNSCHEDULABLE, effect: 'PreferNoSchedule' as const };
    const added = reconcileUnschedulableTaint([gpu, onlyKey], true, '2024-01-01T00:00:00Z')!;
    assert.deepEqual(added, [gpu, onlyKey, { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule', timeAdded: '2024-01-01T00:00:00Z' }]);
    assert.equal(reconcileUnschedulableTaint(added, true, 'later'), undefined, 'kept as it is');
    assert.deepEqual(reconcileUnschedulableTaint(added, false, 'later'), [gpu, onlyKey], 'uncordon removes only ours');
    assert.equal(reconcileUnschedulableTaint([gpu], false, 'x'), undefined);
    const cordonedUnknown = { metadata: { name: 'n' }, spec: { unschedulable: true, taints: [gpu] }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } } as Node;
    assert.deepEqual(wantedTaints(cordonedUnknown, 't')?.map((x) => `${x.key}:${x.effect}`), ['gpu:NoSchedule', `${TAINT_UNREACHABLE}:NoSchedule`, `${TAINT_UNREACHABLE}:NoExecute`, `${TAINT_UNSCHEDULABLE}:NoSchedule`]);
    assert.equal(wantedTaints({ ...cordonedUnknown, spec: { ...cordonedUnknown.spec, taints: wantedTaints(cordonedUnknown, 't') } } as Node, 'later'), undefined);
    assert.equal(wantedTaints(nodeWith('True'), 't'), undefined);
  });

  it('eviction time: untolerated → now; tolerationSeconds from timeAdded (smallest match); no seconds → never', () => {
    const now = Date.parse('2024-01-01T00:00:10Z');
    const taints = [{ key: TAINT_UNREACHABLE, effect: 'NoExecute' as const, timeAdded: '2024-01-01T00:00:00Z' }];
    const pod = (tolerations: unknown[]) => ({ spec: { containers: [], tolerations } }) as unknown as Pod;
    assert.equal(evictionTime(pod([]), taints, now), now);
    assert.equal(evictionTime(pod([{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { operator: 'Exists', tolerationSeconds: 30 }]), taints, now), Date.parse('2024-01-01T00:00:30Z'));
    assert.equal(evictionTime(pod([{ key: TAINT_UNREACHABLE, operator: 'Exists' }]), taints, now), undefined);
    assert.equal(evictionTime(pod([]), [{ key: 'k', effect: 'NoSchedule' }], now), undefined);
    assert.deepEqual(resolveNodeLifecycleTimings('fast').nodeMonitorGracePeriodMs, 8000);
    assert.equal(resolveNodeLifecycleTimings(undefined).nodeMonitorGracePeriodMs, 40_000);
    assert.throws(() => resolveNodeLifecycleTimings('nope' as never), /unknown node lifecycle preset/);
  });
});

describe('stall meter (pure)', () => {
  // A clock whose time jumps without firing timers: what a blocked event loop looks like.
  const jumpClock = () => {
    let t = 1_000_000;
    let due: (() => void) | undefined;
    return {
      clock: { now: () => t, setTimeout: (fn: () => void): Timer => ((due = fn), { cancel: () => (due = undefined) }) },
      jump: (ms: number) => (t += ms),
      fire: () => due?.(),
    };
  };

  it('counts time past an overdue tick, before and after the tick ran; on-time ticks count nothing', () => {
    const c = jumpClock();
    const m = new StallMeter({ clock: c.clock, tickMs: 500, keepMs: 60_000 });
    m.start();
    const t0 = c.clock.now();
    c.jump(500);
    c.fire();
    assert.equal(m.stalledWithin(t0, c.clock.now()), 0, 'a tick on time');
    c.jump(9_500); // blocked: the tick due at +1000 runs at +10000
    assert.equal(m.stalledWithin(t0, c.clock.now()), 9_000, 'a stall still being woken from counts');
    c.fire();
    assert.equal(m.stalledWithin(t0, c.clock.now()), 9_000, 'and stays counted once the tick ran');
    assert.equal(m.stalledWithin(t0 + 5_000, c.clock.now()), 5_000, 'only the part after `from`');
    c.jump(500);
    c.fire();
    assert.equal(m.stalledWithin(t0, c.clock.now()), 9_000);
    c.jump(700); // late by less than a tick: ordinary jitter
    c.fire();
    assert.equal(m.stalledWithin(t0, c.clock.now()), 9_000);
    c.jump(70_000);
    c.fire();
    assert.equal(m.stalledWithin(t0, c.clock.now()), 69_500, 'the old stall forgotten past keepMs, the new one counted');
    m.stop();
  });
});

describe('node lifecycle controller (e2e, fast preset)', () => {
  let c: TestCluster;
  let cm: ControllerManager | undefined;
  const renewing = new Map<string, NodeJS.Timeout>();
  before(async () => {
    c = await startCluster({ manager: false });
    cm = await startControllerManager({ client: c.client, log: silentLogger, controllers: ['node-lifecycle', 'replicaset'], nodeLifecycle: 'fast' });
  });
  after(async () => {
    for (const t of renewing.values()) clearInterval(t);
    await cm?.stop();
    await c?.stop();
  });
  const nodes = () => c.client.resource<Node>(NodeKind);
  const leases = () => c.client.resource<Lease>(LeaseKind);
  const pods = () => c.client.resource<Pod>(PodKind);
  const micro = () => new Date().toISOString().replace('Z', '000Z');
  const renew = async (name: string) => {
    await leases().patch(name, { spec: { renewTime: micro() } }, 'merge', { namespace: 'kube-node-lease' });
  };
  // A kubelet renews its lease every 10 s against a 40 s grace; this one renews at the same ratio against the fast preset's 8 s.
  const addNode = async (name: string) => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await nodes().create({ apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now }] } } as Node);
    await leases().create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: micro() } } as Lease, { namespace: 'kube-node-lease' });
    renewing.set(name, setInterval(() => void renew(name).catch(() => {}), 500));
  };
  const readyOf = async (name: string) => (await nodes().get(name)).status?.conditions?.find((x) => x.type === 'Ready');
  // What a loaded CI machine does to us, made certain: this process (controller and renewers) or the server gets no CPU for longer than the grace period.
  const STALL_MS = 9_000;
  const blockThisProcess = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const stopServerFor = async (ms: number) => {
    process.kill(c.server.pid, 'SIGSTOP');
    try {
      await new Promise((r) => setTimeout(r, ms));
    } finally {
      process.kill(c.server.pid, 'SIGCONT');
    }
  };

  it('a silent node goes Ready=Unknown and unreachable-tainted; its pods are evicted per toleration; the ReplicaSet replaces them; a renewing node survives stalls', { timeout: 55_000 }, async () => {
    await addNode('alive');
    await addNode('dying');
    const tolerate2s = [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }];
    await c.client.resource<ReplicaSet>(ReplicaSetKind).create(
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }], tolerations: tolerate2s } } } } as ReplicaSet,
      { namespace: 'default' },
    );
    const rsPod = await waitFor('rs pod', async () => (await pods().list({ namespace: 'default', labelSelector: 'app=web' })).items[0], 15_000);
    // No scheduler here: bind by hand.
    await pods().subresource('binding').create(rsPod.metadata?.name ?? '', { apiVersion: 'v1', kind: 'Binding', metadata: { name: rsPod.metadata?.name }, target: { kind: 'Node', name: 'dying' } } as never, { namespace: 'default' });
    const bare = await pods().create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare' }, spec: { nodeName: 'dying', containers: [{ name: 'c', image: 'nginx' }], tolerations: [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }] } } as Pod, { namespace: 'default' });
    assert.equal(bare.spec?.tolerations?.some((t) => t.key === 'node.kubernetes.io/not-ready' && t.tolerationSeconds === 300), true, 'DefaultTolerationSeconds added not-ready');
    const aliveSince = (await readyOf('alive'))?.lastTransitionTime;

    const t0 = Date.now();
    clearInterval(renewing.get('dying'));
    // While 'dying' is silent: first the controller's own process, then the server, stall past the grace period.
    blockThisProcess(STALL_MS);
    await stopServerFor(STALL_MS);
    const ready = await waitFor('dying Ready=Unknown', async () => {
      const r = await readyOf('dying');
      return r?.status === 'Unknown' ? r : undefined;
    }, 20_000);
    assert.equal(ready.message, 'Kubelet stopped posting node status.');
    assert.ok(Date.now() - t0 >= 7500, 'not before the 8 s grace period');
    // The taints follow the condition in a second write.
    const taints = await waitFor('unreachable taints on dying', async () => {
      const ts = (await nodes().get('dying')).spec?.taints ?? [];
      return ts.some((t) => t.key === TAINT_UNREACHABLE && t.effect === 'NoExecute' && t.timeAdded) && ts.some((t) => t.key === TAINT_UNREACHABLE && t.effect === 'NoSchedule') ? ts : undefined;
    }, 10_000);
    assert.equal(taints.filter((t) => t.key === TAINT_UNREACHABLE).length, 2, 'one NoSchedule and one NoExecute');

    // Deleted gracefully: with no kubelet the pod stays Terminating, which is what counts.
    const evicted = await waitFor('rs pod evicted', async () => {
      const p = await pods().get(rsPod.metadata?.name ?? '', { namespace: 'default' });
      return p.metadata?.deletionTimestamp ? p : undefined;
    }, 15_000);
    // When the delete was asked (deletionTimestamp is then + grace; both whole seconds, as timeAdded).
    const askedAt = Date.parse(evicted.metadata?.deletionTimestamp ?? '') - (evicted.metadata?.deletionGracePeriodSeconds ?? 0) * 1000;
    const taintedAt = Date.parse(taints.find((t) => t.effect === 'NoExecute')?.timeAdded ?? '');
    assert.ok(askedAt >= taintedAt + 2000, `evicted after its 2 s toleration, not at once (tainted ${taintedAt}, evicted ${askedAt})`);
    await waitFor('replacement pod', async () => (await pods().list({ namespace: 'default', labelSelector: 'app=web' })).items.find((p) => p.metadata?.uid !== rsPod.metadata?.uid && !p.metadata?.deletionTimestamp), 15_000);
    const still = await pods().get('bare', { namespace: 'default' });
    assert.ok(!still.metadata?.deletionTimestamp, 'a pod tolerating unreachable forever stays');

    // Nothing but the kubelet sets Ready back to True: a renewing node never went Unknown if it is still True since before.
    const alive = await readyOf('alive');
    assert.equal(alive?.status, 'True', 'the renewing node stays Ready through both stalls');
    assert.equal(alive?.lastTransitionTime, aliveSince);
    assert.deepEqual((await nodes().get('alive')).spec?.taints ?? [], []);

    // The kubelet comes back: taints go.
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await renew('dying');
    await nodes().subresource('status').patch('dying', { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now }] } }, 'strategic');
    await waitFor('taints removed', async () => !((await nodes().get('dying')).spec?.taints ?? []).some((t) => t.key === TAINT_UNREACHABLE), 10_000);
  });

  it('kubectl cordon adds node.kubernetes.io/unschedulable:NoSchedule, uncordon removes it; other taints stay', { timeout: 30_000 }, async () => {
    await addNode('cordoned');
    await nodes().patch('cordoned', { spec: { taints: [{ key: 'team', value: 'a', effect: 'NoSchedule' }] } }, 'merge');
    await c.kk(['cordon', 'cordoned']);
    const taints = await waitFor('unschedulable taint', async () => {
      const ts = (await nodes().get('cordoned')).spec?.taints ?? [];
      return ts.some((t) => t.key === TAINT_UNSCHEDULABLE && t.effect === 'NoSchedule') ? ts : undefined;
    }, 10_000);
    assert.deepEqual(taints.map((t) => `${t.key}=${t.value ?? ''}:${t.effect}`), ['team=a:NoSchedule', `${TAINT_UNSCHEDULABLE}=:NoSchedule`]);
    assert.ok(taints[1]?.timeAdded, 'timeAdded, as upstream sets it');
    await c.kk(['uncordon', 'cordoned']);
    await waitFor('unschedulable taint removed', async () => {
      const ts = (await nodes().get('cordoned')).spec?.taints ?? [];
      return ts.length === 1 && ts[0]?.key === 'team';
    }, 10_000);
  });
});
