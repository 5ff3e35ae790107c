/**
 * Upstream's horizontal pod autoscaler controller, for autoscaling/v1 (a CPU utilization
 * target). Every sync period (15 s) each HPA reads its target's scale subresource, the
 * CPU use of the target's pods from the metrics API (metrics.k8s.io, as metrics-server
 * serves it) and their CPU requests, works out the replicas (hpa-replicas.ts), keeps the
 * highest recommendation of the last 5 minutes before scaling down (the downscale
 * stabilization window), bounds it (min/max, at most max(2×, 4) up at once), writes the
 * new scale with a `SuccessfulRescale` event, and records what it saw in the status.
 */
import type { HorizontalPodAutoscaler } from '../api/autoscaling/v1/horizontal-pod-autoscaler.js';
import { HorizontalPodAutoscalerKind } from '../api/autoscaling/v1/horizontal-pod-autoscaler.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import { controller } from '../client/controller.js';
import { NAMESPACE_INDEX } from '../client/indexer.js';
import { rfc3339 } from '../client/micro-time.js';
import { isNotFound } from '../client/status-error.js';
import { LabelSelector } from '../machinery/label-selector.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';
import { boundedReplicas, cpuReplicas, RecommendationWindow } from './hpa-replicas.js';
import { podCpuUsage } from './pod-metrics.js';
import { scalableResource } from './scale-target.js';
import { sameJson } from './status-fields.js';

const GVK = { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2' };
const DEFAULT_SYNC_PERIOD_MS = 15_000;
const DEFAULT_DOWNSCALE_STABILIZATION_MS = 5 * 60_000;

export const horizontalPodAutoscalerController: ControllerDescriptor = {
  name: 'horizontalpodautoscaling',
  create: (ctx) => newHorizontalPodAutoscalerController(ctx),
};

interface Scale {
  metadata?: Record<string, unknown>;
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

export function newHorizontalPodAutoscalerController(ctx: ControllerContext): RunningController {
  const opts = ctx.options;
  const syncPeriod = opts.hpaSyncPeriodMs ?? DEFAULT_SYNC_PERIOD_MS;
  const stabilization = opts.hpaDownscaleStabilizationMs ?? DEFAULT_DOWNSCALE_STABILIZATION_MS;
  const hpaInformer = ctx.informers.informerFor<HorizontalPodAutoscaler>(HorizontalPodAutoscalerKind);
  const podInformer = ctx.informers.informerFor<Pod>(PodKind);
  const hpas = ctx.client.resource<HorizontalPodAutoscaler>(HorizontalPodAutoscalerKind);
  const recorder = ctx.recorder('horizontal-pod-autoscaler');
  const recommendations = new RecommendationWindow(stabilization);

  const reconcile = async (key: string) => {
    const hpa = hpaInformer.indexer.get(key);
    if (!hpa) {
      recommendations.forget(key);
      return;
    }
    await sync(key, hpa);
    return { requeueAfterMs: syncPeriod };
  };

  async function sync(key: string, hpa: HorizontalPodAutoscaler): Promise<void> {
    const ns = hpa.metadata?.namespace ?? '';
    const spec = hpa.spec ?? {};
    const ref = spec.scaleTargetRef ?? {};
    const now = ctx.clock.now();
    let scaleClient;
    let scale: Scale;
    try {
      const target = await scalableResource(ctx.client, ref.apiVersion ?? '', ref.kind ?? '');
      scaleClient = target.resource.subresource('scale');
      scale = await scaleClient.get<Scale>(ref.name ?? '', { namespace: ns });
    } catch (err) {
      recorder.event(hpa, 'Warning', 'FailedGetScale', message(err), GVK);
      return;
    }
    const current = scale.status?.replicas ?? 0;
    const min = spec.minReplicas ?? 1;
    const max = spec.maxReplicas ?? 1;
    let desired = current;
    let reason = '';
    let utilization: number | undefined;
    if ((scale.spec?.replicas ?? 0) === 0 && min !== 0) {
      desired = 0; // autoscaling is off while the target is scaled to zero by hand
    } else if (current > max) {
      [desired, reason] = [max, 'Current number of replicas above Spec.MaxReplicas'];
    } else if (current < min) {
      [desired, reason] = [min, 'Current number of replicas below Spec.MinReplicas'];
    } else {
      const computed = await cpuRecommendation(hpa, ns, scale.status?.selector ?? '', current, now);
      if ('error' in computed) {
        const failure = `failed to get cpu utilization: ${computed.error}`;
        recorder.event(hpa, 'Warning', 'FailedGetResourceMetric', failure, GVK);
        recorder.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', `invalid metrics (1 invalid out of 1), first error is: ${failure}`, GVK);
      } else {
        utilization = computed.utilization;
        desired = boundedReplicas(current, recommendations.stabilize(key, computed.replicas, now), min, max);
        reason = desired > current ? 'cpu resource utilization (percentage of request) above target' : 'All metrics below target';
      }
    }
    const rescale = desired !== current && !((scale.spec?.replicas ?? 0) === 0 && min !== 0);
    if (rescale) {
      try {
        await scaleClient.update(ref.name ?? '', { ...scale, spec: { ...scale.spec, replicas: desired } }, { namespace: ns });
      } catch (err) {
        recorder.event(hpa, 'Warning', 'FailedRescale', `New size: ${desired}; reason: ${reason}; error: ${message(err)}`, GVK);
        throw err;
      }
      recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`, GVK);
    }
    const status = {
      ...(hpa.metadata?.generation !== undefined ? { observedGeneration: hpa.metadata.generation } : {}),
      ...(rescale ? { lastScaleTime: rfc3339(now) } : hpa.status?.lastScaleTime ? { lastScaleTime: hpa.status.lastScaleTime } : {}),
      currentReplicas: current,
      desiredReplicas: desired,
      ...(utilization !== undefined ? { currentCPUUtilizationPercentage: utilization } : hpa.status?.currentCPUUtilizationPercentage !== undefined ? { currentCPUUtilizationPercentage: hpa.status.currentCPUUtilizationPercentage } : {}),
    };
    if (sameJson(status, hpa.status ?? {})) return;
    try {
      await hpas.updateStatus({ ...hpa, status }, { namespace: ns });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** The replicas the pods' CPU use asks for, from the metrics API; an error says why there is no answer. */
  async function cpuRecommendation(hpa: HorizontalPodAutoscaler, ns: string, selector: string, current: number, now: number) {
    let sel: LabelSelector;
    try {
      sel = LabelSelector.parse(selector);
    } catch (err) {
      return { error: `couldn't convert selector into a corresponding internal selector object: ${message(err)}` };
    }
    const pods = podInformer.indexer.byIndex(NAMESPACE_INDEX, ns).filter((p) => sel.matches(p.metadata?.labels));
    let usage;
    try {
      usage = await podCpuUsage(ctx.client, ns, selector);
    } catch (err) {
      return { error: `unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: ${message(err)}` };
    }
    return cpuReplicas(pods, usage, hpa.spec?.targetCPUUtilizationPercentage ?? 80, current, now);
  }

  const c = controller('horizontalpodautoscaling', { reconcile, workers: 1, clock: ctx.clock, logger: ctx.log }).watches(hpaInformer);
  return { start: () => c.start(), stop: () => c.stop() };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
