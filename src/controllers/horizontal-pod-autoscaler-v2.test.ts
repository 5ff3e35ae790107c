import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from '../api/apps/v1/deployment.js';
import { DeploymentKind } from '../api/apps/v1/deployment.js';
import type { HorizontalPodAutoscaler } from '../api/autoscaling/v2/index.js';
import { HorizontalPodAutoscalerKind } from '../api/autoscaling/v2/index.js';
import { EventKind, type Event } from '../api/core/v1/event.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import { realClock } from '../client/clock.js';
import { EventRecorder } from '../client/event-recorder.js';
import { SharedInformerFactory } from '../client/informer-factory.js';
import { silentLogger } from '../client/logger.js';
import type { ControllerContext, RunningController } from './context.js';
import { newHorizontalPodAutoscalerController } from './horizontal-pod-autoscaler.js';
import type { PodUsage } from './hpa-replicas.js';
import { markPodsReady, startCluster, waitFor, type TestCluster } from './test-support.js';

const MI = 1024 * 1024 * 1000; // one Mi, in the milli-bytes the metrics API's figures come to

/**
 * The HPA controller on an autoscaling/v2 object against a real skiff server, with the
 * pods' memory use fed in (the metrics API needs kubelets): an AverageValue memory target
 * scales a Deployment up; a behavior's scale-down policy then paces the way back down.
 */
describe('horizontal pod autoscaler controller, autoscaling/v2 (e2e)', () => {
  let c: TestCluster;
  let hpaController: RunningController;
  let informers: SharedInformerFactory;
  let ready: { stop(): Promise<void> };
  /** The deployment's memory use in Mi, shared evenly by its running pods; what the fake metrics API reports. */
  let totalMi = 250;
  const asked: string[] = [];

  before(async () => {
    c = await startCluster({ controllers: ['deployment', 'replicaset'] });
    informers = new SharedInformerFactory({ client: c.client, logger: silentLogger });
    const recorder = new EventRecorder({ events: c.client.resource<Event>(EventKind), component: 'horizontal-pod-autoscaler', clock: realClock, logger: silentLogger });
    const ctx: ControllerContext = { client: c.client, informers, clock: realClock, log: silentLogger, options: { hpaSyncPeriodMs: 300 }, recorder: () => recorder };
    const pods = informers.informerFor<Pod>(PodKind);
    hpaController = newHorizontalPodAutoscalerController(ctx, {
      podUsage: async (ns, selector, resource) => {
        asked.push(`${ns} ${selector} ${resource}`);
        const now = Date.now();
        const running = pods.indexer.list().filter((p) => p.metadata?.namespace === ns && p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
        return new Map(running.map((p): [string, PodUsage] => [p.metadata?.name ?? '', { milli: (totalMi * MI) / running.length, timestamp: now, windowMs: 15_000 }]));
      },
    });
    informers.start();
    await hpaController.start();
    ready = markPodsReady(c.client, 'default');
  });
  after(async () => {
    await ready?.stop();
    await hpaController?.stop();
    await informers?.stop();
    await c?.stop();
  });

  const replicas = async () => (await c.client.resource<Deployment>(DeploymentKind).get('mem', { namespace: 'default' })).spec?.replicas;
  const hpa = () => c.client.resource<HorizontalPodAutoscaler>(HorizontalPodAutoscalerKind).get('mem', { namespace: 'default' });

  it('scales a deployment up on a memory AverageValue target, with upstream status and conditions', async () => {
    await c.kk(['create', 'deployment', 'mem', '--image', 'x', '--replicas', '1']);
    await c.kk(['set', 'resources', 'deployment', 'mem', '--requests=memory=200Mi,cpu=100m']);
    await c.kk(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'mem', namespace: 'default' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'mem' },
        minReplicas: 1,
        maxReplicas: 6,
        metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } }],
      },
    }));
    // 250Mi on one pod against 100Mi a pod: ceil(2.5 × 1) = 3; then 83Mi a pod, and ceil(0.83 × 3) = 3 holds.
    await waitFor('the deployment scaled to 3', async () => ((await replicas()) === 3 ? true : undefined));
    // Steady at 3: the average over three pods, in milli-bytes as upstream's NewMilliQuantity prints it.
    const h = await waitFor('the status at 3 replicas', async () => {
      const x = await hpa();
      return x.status?.currentReplicas === 3 && x.status.desiredReplicas === 3 && x.status.currentMetrics?.[0]?.resource?.current?.averageValue === '87381333333m' ? x : undefined;
    });
    assert.ok(asked.some((a) => a === 'default app=mem memory'), asked.join('\n'));
    assert.deepEqual(h.status?.currentMetrics, [{ type: 'Resource', resource: { name: 'memory', current: { averageValue: '87381333333m' } } }]);
    assert.ok(h.status?.lastScaleTime);
    const byType = Object.fromEntries((h.status?.conditions ?? []).map((k) => [k.type, `${k.status} ${k.reason}: ${k.message}`]));
    assert.deepEqual(byType, {
      AbleToScale: 'True ReadyForNewScale: recommended size matches current size',
      ScalingActive: 'True ValidMetricFound: the HPA was able to successfully calculate a replica count from memory resource',
      ScalingLimited: 'False DesiredWithinRange: the desired count is within the acceptable range',
    });
    const events = (await c.client.resource<Event>(EventKind).list({ namespace: 'default' })).items.filter((e) => e.involvedObject?.name === 'mem' && e.reason === 'SuccessfulRescale');
    assert.equal(events[0]?.message, 'New size: 3; reason: memory resource above target');
    // kubectl prints the v2 reading (and the v1 view carries it in its annotation).
    const row = (await c.kk(['get', 'hpa', 'mem', '--no-headers'])).trim().split(/\s{2,}/);
    assert.deepEqual(row.slice(0, 6), ['mem', 'Deployment/mem', 'memory: 87381333333m/100Mi', '1', '6', '3']);
  });

  it('paces a scale-down by the behavior’s policy: one pod per minute, no stabilization window', async () => {
    await c.kk(['patch', 'horizontalpodautoscalers.v2.autoscaling', 'mem', '--type', 'merge', '-p', JSON.stringify({ spec: { behavior: { scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } } })]);
    totalMi = 30; // 10Mi a pod: the metric alone asks for 1
    await waitFor('one pod fewer', async () => ((await replicas()) === 2 ? true : undefined));
    const h = await waitFor('the limit in the status', async () => {
      const x = await hpa();
      return x.status?.conditions?.find((k) => k.type === 'ScalingLimited' && k.reason === 'ScaleDownLimit') ? x : undefined;
    });
    assert.equal(h.status?.conditions?.find((k) => k.type === 'ScalingLimited')?.message, 'the desired replica count is decreasing faster than the maximum scale rate');
    assert.deepEqual(h.spec?.behavior?.scaleUp?.policies?.map((p) => `${p.type}:${p.value}/${p.periodSeconds}`), ['Pods:4/15', 'Percent:100/15'], 'scaleUp defaulted');
    // Several syncs later (300 ms each) it still holds at 2: the minute is not over.
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline) {
      assert.equal(await replicas(), 2);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
});
