import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from '../api/apps/v1/deployment.js';
import { DeploymentKind } from '../api/apps/v1/deployment.js';
import type { Event } from '../api/core/v1/event.js';
import { EventKind } from '../api/core/v1/event.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import type { PodDisruptionBudget } from '../api/policy/v1/pod-disruption-budget.js';
import { PodDisruptionBudgetKind } from '../api/policy/v1/pod-disruption-budget.js';
import {
  countHealthy,
  DELETION_TIMEOUT_MS,
  desiredHealthyFor,
  disruptedPodsStillPending,
  expectedFromScale,
  failSafeStatus,
  goLabelSelectorString,
  nextPdbStatus,
  scaledValue,
} from './disruption-status.js';
import { ALL_CONTROLLERS } from './manager.js';
import { markPodsReady, startCluster, waitFor, type TestCluster } from './test-support.js';

const NOW = Date.parse('2024-01-01T00:10:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const budget = (spec: Record<string, unknown>, status?: Record<string, unknown>, generation = 1): PodDisruptionBudget =>
  ({ metadata: { name: 'b', namespace: 'ns', generation }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec }, ...(status ? { status } : {}) }) as PodDisruptionBudget;
const pod = (name: string, opts: { ready?: boolean; deleting?: boolean } = {}): Pod =>
  ({
    metadata: { name, ...(opts.deleting ? { deletionTimestamp: iso(NOW) } : {}) },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  }) as Pod;

describe('disruption budget arithmetic (pure)', () => {
  it('desiredHealthy: maxUnavailable from the expected pods (percent rounded up), minAvailable as is or a percent rounded up', () => {
    assert.equal(scaledValue('25%', 10, true), 3);
    assert.equal(scaledValue('25%', 10, false), 2);
    assert.equal(scaledValue(4, 10, true), 4);
    assert.throws(() => scaledValue('4', 10, true), /not a percentage/);
    assert.equal(desiredHealthyFor(budget({ maxUnavailable: 1 }), 3), 2);
    assert.equal(desiredHealthyFor(budget({ maxUnavailable: '50%' }), 3), 1, '3 − ceil(1.5)');
    assert.equal(desiredHealthyFor(budget({ maxUnavailable: 5 }), 3), 0, 'never below 0');
    assert.equal(desiredHealthyFor(budget({ minAvailable: 2 }), 7), 2);
    assert.equal(desiredHealthyFor(budget({ minAvailable: '50%' }), 3), 2, 'ceil(1.5)');
    assert.equal(desiredHealthyFor(budget({}), 3), 0);
    assert.deepEqual(
      [budget({ maxUnavailable: 1 }), budget({ minAvailable: '10%' }), budget({ minAvailable: 1 }), budget({})].map(expectedFromScale),
      [true, true, false, false],
      'only integer minAvailable counts the matching pods',
    );
  });

  it('healthy: Ready and not terminating, and not evicted within the deletion timeout', () => {
    const pods = [pod('a'), pod('b', { ready: false }), pod('c', { deleting: true }), pod('d'), pod('e')];
    assert.equal(countHealthy(pods, {}, NOW), 3);
    assert.equal(countHealthy(pods, { d: iso(NOW - 10_000) }, NOW), 2, 'd was just evicted');
    assert.equal(countHealthy(pods, { d: iso(NOW - DELETION_TIMEOUT_MS - 1000) }, NOW), 3, 'an old eviction no longer counts');

    const recorded = { d: iso(NOW - 10_000), e: iso(NOW - DELETION_TIMEOUT_MS - 1000), c: iso(NOW - 5000), gone: iso(NOW) };
    const r = disruptedPodsStillPending(recorded, pods, NOW);
    assert.deepEqual(r.disrupted, { d: recorded.d }, 'terminating (c), vanished (gone) and expired (e) entries are dropped');
    assert.deepEqual(r.expired.map((p) => p.metadata?.name), ['e']);
    assert.equal(r.recheckAt, Date.parse(recorded.d) + DELETION_TIMEOUT_MS);
    assert.deepEqual(disruptedPodsStillPending(undefined, pods, NOW), { disrupted: {}, expired: [] });
  });

  it('status: disruptionsAllowed, observedGeneration and the DisruptionAllowed condition; nothing to write once up to date', () => {
    const b = budget({ maxUnavailable: 1 }, undefined, 3);
    const s = nextPdbStatus(b, { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptedPods: {} }, NOW)!;
    assert.deepEqual(s, {
      disruptionsAllowed: 1,
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 3,
      observedGeneration: 3,
      conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 3, lastTransitionTime: iso(NOW) }],
    });
    assert.equal(nextPdbStatus({ ...b, status: s }, { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptedPods: {} }, NOW + 5000), undefined);

    const short = nextPdbStatus({ ...b, status: s }, { currentHealthy: 2, desiredHealthy: 2, expectedPods: 3, disruptedPods: { a: iso(NOW) } }, NOW + 5000)!;
    assert.equal(short.disruptionsAllowed, 0);
    assert.deepEqual(short.disruptedPods, { a: iso(NOW) });
    assert.deepEqual(short.conditions?.map((c) => [c.status, c.reason, c.lastTransitionTime]), [['False', 'InsufficientPods', iso(NOW + 5000)]]);

    const none = nextPdbStatus(budget({ minAvailable: 0 }), { currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptedPods: {} }, NOW)!;
    assert.equal(none.disruptionsAllowed, 0, 'no expected pods: nothing may be disrupted');
    const neg = nextPdbStatus(budget({ minAvailable: 5 }), { currentHealthy: 2, desiredHealthy: 5, expectedPods: 2, disruptedPods: {} }, NOW)!;
    assert.equal(neg.disruptionsAllowed, 0, 'never negative');

    const failed = failSafeStatus({ ...b, status: s }, 'jobs.batch does not implement the scale subresource', NOW + 9000);
    assert.equal(failed.disruptionsAllowed, 0);
    assert.deepEqual(failed.conditions?.map((c) => [c.status, c.reason, c.message, c.lastTransitionTime]), [['False', 'SyncFailed', 'jobs.batch does not implement the scale subresource', iso(NOW + 9000)]]);
    assert.equal(failSafeStatus(b, 'x', NOW).expectedPods, 0, 'the printed counters are filled in');
  });

  it('selectors print as Go prints a *LabelSelector (the UnmanagedPods event)', () => {
    assert.equal(goLabelSelectorString({ matchLabels: { b: '2', a: '1' } }), '&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{},}');
    assert.equal(
      goLabelSelectorString({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['x', 'y'] }] }),
      '&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:tier,Operator:In,Values:[x y],},},}',
    );
  });

  it('is one of the controllers the manager runs by default', () => {
    assert.ok(ALL_CONTROLLERS.some((c) => c.name === 'disruption'));
  });
});

describe('disruption controller (e2e)', () => {
  let c: TestCluster;
  let ready: { stop(): Promise<void> } | undefined;
  before(async () => {
    c = await startCluster({ controllers: ['disruption', 'deployment', 'replicaset'] });
    // Pods labelled lonely stay unready until the test says otherwise.
    ready = markPodsReady(c.client, 'default', (p) => p.metadata?.labels?.app !== 'lonely');
  });
  after(async () => {
    await ready?.stop();
    await c?.stop();
  });
  const api = () => c.client.resource<PodDisruptionBudget>(PodDisruptionBudgetKind);
  const createPdb = (name: string, spec: Record<string, unknown>) => api().create({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec } as PodDisruptionBudget, { namespace: 'default' });
  const statusOf = async (name: string) => (await api().get(name, { namespace: 'default' })).status;
  const counts = (s: PodDisruptionBudget['status']) => s && { healthy: s.currentHealthy, desired: s.desiredHealthy, expected: s.expectedPods, allowed: s.disruptionsAllowed, gen: s.observedGeneration };
  const barePod = (name: string, labels: Record<string, string>, ownerReferences?: unknown[]) =>
    c.client.resource<Pod>(PodKind).create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels, ...(ownerReferences ? { ownerReferences } : {}) }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } as Pod, { namespace: 'default' });

  it('a Deployment’s budget: counts from its scale, disruptionsAllowed, the condition, and kubectl get pdb', async () => {
    await c.client.resource<Deployment>(DeploymentKind).create(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } } as Deployment,
      { namespace: 'default' },
    );
    await createPdb('web-max', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } });
    await createPdb('web-pct', { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } });
    const s = await waitFor('web-max status', async () => {
      const s = await statusOf('web-max');
      return s?.currentHealthy === 3 ? s : undefined;
    });
    assert.deepEqual(counts(s), { healthy: 3, desired: 2, expected: 3, allowed: 1, gen: 1 });
    const cond = s.conditions?.find((x) => x.type === 'DisruptionAllowed');
    assert.deepEqual([cond?.status, cond?.reason, cond?.observedGeneration], ['True', 'SufficientPods', 1]);
    assert.ok(cond?.lastTransitionTime);
    await waitFor('web-pct status', async () => (await statusOf('web-pct'))?.currentHealthy === 3);
    assert.deepEqual(counts(await statusOf('web-pct')), { healthy: 3, desired: 2, expected: 3, allowed: 1, gen: 1 }, 'ceil(50% of 3)');

    const table = await c.kk(['get', 'pdb', 'web-max', 'web-pct', '-n', 'default']);
    assert.match(table, /web-max\s+N\/A\s+1\s+1\s/);
    assert.match(table, /web-pct\s+50%\s+N\/A\s+1\s/);

    // A spec change is a new generation: observed once recomputed.
    await api().patch('web-max', { spec: { maxUnavailable: 0 } }, 'merge', { namespace: 'default' });
    const s2 = await waitFor('generation 2 observed', async () => {
      const s = await statusOf('web-max');
      return s?.observedGeneration === 2 ? s : undefined;
    });
    assert.deepEqual(counts(s2), { healthy: 3, desired: 3, expected: 3, allowed: 0, gen: 2 });
    assert.deepEqual(s2.conditions?.map((x) => [x.type, x.status, x.reason]), [['DisruptionAllowed', 'False', 'InsufficientPods']]);
  });

  it('integer minAvailable counts the matching pods; readiness moves currentHealthy; an empty budget says so', async () => {
    await createPdb('lonely', { minAvailable: 1, selector: { matchLabels: { app: 'lonely' } } });
    await waitFor('NoPods event', async () => (await c.client.resource<Event>(EventKind).list({ namespace: 'default' })).items.some((e) => e.involvedObject?.name === 'lonely' && e.reason === 'NoPods' && e.message === 'No matching pods found'));
    await barePod('lonely-1', { app: 'lonely' });
    await barePod('lonely-2', { app: 'lonely' });
    await waitFor('two unready pods counted', async () => (await statusOf('lonely'))?.expectedPods === 2);
    assert.deepEqual(counts(await statusOf('lonely')), { healthy: 0, desired: 1, expected: 2, allowed: 0, gen: 1 });
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    for (const n of ['lonely-1', 'lonely-2']) {
      await c.client.resource<Pod>(PodKind).subresource('status').patch(n, { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } }, 'merge', { namespace: 'default' });
    }
    await waitFor('both healthy', async () => (await statusOf('lonely'))?.currentHealthy === 2);
    assert.deepEqual(counts(await statusOf('lonely')), { healthy: 2, desired: 1, expected: 2, allowed: 1, gen: 1 });
  });

  it('a pod whose controller has no scale fails safe (SyncFailed, nothing allowed); unmanaged pods are reported', async () => {
    await barePod('batch-1', { app: 'batchy' }, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: '00000000-0000-0000-0000-000000000001', controller: true }]);
    await createPdb('batchy', { maxUnavailable: 1, selector: { matchLabels: { app: 'batchy' } } });
    const s = await waitFor('SyncFailed', async () => {
      const s = await statusOf('batchy');
      return s?.conditions?.some((x) => x.reason === 'SyncFailed') ? s : undefined;
    });
    assert.equal(s.disruptionsAllowed, 0);
    assert.equal(s.conditions?.[0]?.message, 'jobs.batch does not implement the scale subresource');

    await barePod('stray-1', { app: 'stray' });
    await createPdb('stray', { minAvailable: '100%', selector: { matchLabels: { app: 'stray' } } });
    const ev = await waitFor('UnmanagedPods event', async () => (await c.client.resource<Event>(EventKind).list({ namespace: 'default' })).items.find((e) => e.involvedObject?.name === 'stray' && e.reason === 'UnmanagedPods'));
    assert.equal(ev.type, 'Warning');
    assert.match(ev.message ?? '', /^Pods selected by this PodDisruptionBudget \(selector: &LabelSelector\{MatchLabels:map\[string\]string\{app: stray,\},MatchExpressions:\[\]LabelSelectorRequirement\{\},\}\) were found to be unmanaged\./);
    // An unmanaged pod has no scale: it adds nothing to expectedPods.
    await waitFor('stray status', async () => (await statusOf('stray'))?.observedGeneration === 1);
    assert.equal((await statusOf('stray'))?.expectedPods, 0);
  });
});
