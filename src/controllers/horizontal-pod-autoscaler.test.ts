import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from '../api/apps/v1/deployment.js';
import { DeploymentKind } from '../api/apps/v1/deployment.js';
import type { HorizontalPodAutoscaler } from '../api/autoscaling/v1/horizontal-pod-autoscaler.js';
import { HorizontalPodAutoscalerKind } from '../api/autoscaling/v1/horizontal-pod-autoscaler.js';
import type { Event } from '../api/core/v1/event.js';
import { EventKind } from '../api/core/v1/event.js';
import { startCluster, waitFor, type TestCluster } from './test-support.js';

/** The HPA controller against a real skiff server (no kubelets, no metrics): scale bounds, and its failures as Events. */
describe('horizontal pod autoscaler controller (e2e)', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster({ controllers: ['horizontalpodautoscaling', 'deployment', 'replicaset'], options: { hpaSyncPeriodMs: 300 } });
  });
  after(async () => c?.stop());

  const eventsFor = async (name: string) => (await c.client.resource<Event>(EventKind).list({ namespace: 'default' })).items.filter((e) => e.involvedObject?.name === name && e.involvedObject.kind === 'HorizontalPodAutoscaler');

  it('brings its target up to minReplicas, with a SuccessfulRescale event and the status upstream writes', async () => {
    await c.kk(['create', 'deployment', 'web', '--image', 'x', '--replicas', '1']);
    await c.kk(['autoscale', 'deployment', 'web', '--min', '2', '--max', '4', '--cpu-percent', '50']);
    await waitFor('the deployment scaled to 2', async () => ((await c.client.resource<Deployment>(DeploymentKind).get('web', { namespace: 'default' })).spec?.replicas === 2 ? true : undefined));
    const events = await waitFor('the rescale event', async () => {
      const e = (await eventsFor('web')).filter((x) => x.reason === 'SuccessfulRescale');
      return e.length ? e : undefined;
    });
    assert.equal(events[0]?.message, 'New size: 2; reason: Current number of replicas below Spec.MinReplicas');
    assert.equal(events[0]?.source?.component, 'horizontal-pod-autoscaler');
    const hpa = await waitFor('the HPA status', async () => {
      const h = await c.client.resource<HorizontalPodAutoscaler>(HorizontalPodAutoscalerKind).get('web', { namespace: 'default' });
      return h.status?.lastScaleTime && h.status.desiredReplicas === 2 ? h : undefined;
    });
    assert.equal(hpa.status?.observedGeneration, 1);
    // Within bounds now, and no pod runs anywhere: there is no CPU to go by, which it says.
    const failed = await waitFor('a metrics failure event', async () => (await eventsFor('web')).find((x) => x.reason === 'FailedGetResourceMetric'));
    assert.equal(failed.type, 'Warning');
    assert.match(failed.message ?? '', /^failed to get cpu utilization: /);
    assert.equal((await c.client.resource<Deployment>(DeploymentKind).get('web', { namespace: 'default' })).spec?.replicas, 2, 'no metrics: no change');
  });

  it('says so when its target cannot be scaled', async () => {
    const hpas = c.client.resource<HorizontalPodAutoscaler>(HorizontalPodAutoscalerKind);
    await hpas.create({ metadata: { name: 'ghost' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Nope', name: 'x' }, maxReplicas: 3 } }, { namespace: 'default' });
    const e = await waitFor('FailedGetScale', async () => (await eventsFor('ghost')).find((x) => x.reason === 'FailedGetScale'));
    assert.equal(e.message, 'no matches for kind "Nope" in version "apps/v1"');
  });
});
