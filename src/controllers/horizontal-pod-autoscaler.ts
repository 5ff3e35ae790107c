/**
 * Upstream's horizontal pod autoscaler controller, on autoscaling/v2 objects (v1 ones are
 * the same objects, converted by the API server). Every sync period (15 s) each HPA reads
 * its target's scale subresource and, within its bounds, what its metrics ask for
 * (hpa-metrics.ts: cpu and memory, as utilization or average value, from the metrics API);
 * the recommendation is stabilized and rate-limited — by the default rules (the highest
 * recommendation of the downscale window, at most max(2×, 4) up at once) or by the HPA's
 * `behavior` (hpa-behavior.ts) — then written to the scale with a `SuccessfulRescale`
 * event; the status records the metrics read and the AbleToScale, ScalingActive and
 * ScalingLimited conditions, worded as upstream words them.
 */
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerStatus, MetricStatus } from '../api/autoscaling/v2/index.js';
import { HorizontalPodAutoscalerKind } from '../api/autoscaling/v2/index.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import { controller } from '../client/controller.js';
import { NAMESPACE_INDEX } from '../client/indexer.js';
import { rfc3339 } from '../client/micro-time.js';
import { isNotFound } from '../client/status-error.js';
import { LabelSelector } from '../machinery/label-selector.js';
import { setCondition } from './conditions.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';
import { BehaviorHistory } from './hpa-behavior.js';
import { computeReplicasForMetrics, type Condition, type MetricSources } from './hpa-metrics.js';
import { limitedReplicas, RecommendationWindow } from './hpa-replicas.js';
import { podResourceUsage } from './pod-metrics.js';
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

/** Where pods' resource use comes from (default: the metrics API through the client); tests pass their own. */
export type PodUsageSource = (namespace: string, selector: string, resource: string, container?: string) => ReturnType<typeof podResourceUsage>;

export function newHorizontalPodAutoscalerController(ctx: ControllerContext, deps: { podUsage?: PodUsageSource } = {}): RunningController {
  const opts = ctx.options;
  const syncPeriod = opts.hpaSyncPeriodMs ?? DEFAULT_SYNC_PERIOD_MS;
  const stabilization = opts.hpaDownscaleStabilizationMs ?? DEFAULT_DOWNSCALE_STABILIZATION_MS;
  const podUsage: PodUsageSource = deps.podUsage ?? ((ns, sel, resource, container) => podResourceUsage(ctx.client, ns, sel, resource, container));
  const hpaInformer = ctx.informers.informerFor<HorizontalPodAutoscaler>(HorizontalPodAutoscalerKind);
  const podInformer = ctx.informers.informerFor<Pod>(PodKind);
  const hpas = ctx.client.resource<HorizontalPodAutoscaler>(HorizontalPodAutoscalerKind);
  const recorder = ctx.recorder('horizontal-pod-autoscaler');
  const recommendations = new RecommendationWindow(stabilization);
  const behaviors = new BehaviorHistory();

  const reconcile = async (key: string) => {
    const hpa = hpaInformer.indexer.get(key);
    if (!hpa) {
      recommendations.forget(key);
      behaviors.forget(key);
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
    // Conditions are worked on a copy: the informer's object is shared.
    const status: HorizontalPodAutoscalerStatus = structuredClone(hpa.status ?? {});
    const condition = (c: Condition) => setCondition(status, c, now);
    let scaleClient;
    let scale: Scale;
    try {
      const target = await scalableResource(ctx.client, ref.apiVersion ?? '', ref.kind ?? '');
      scaleClient = target.resource.subresource('scale');
      scale = await scaleClient.get<Scale>(ref.name ?? '', { namespace: ns });
    } catch (err) {
      recorder.event(hpa, 'Warning', 'FailedGetScale', message(err), GVK);
      condition({ type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: `the HPA controller was unable to get the target's current scale: ${message(err)}` });
      await writeStatus(hpa, status);
      return;
    }
    condition({ type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale', message: "the HPA controller was able to get the target's current scale" });
    const current = scale.spec?.replicas ?? 0;
    const min = spec.minReplicas ?? 1;
    const max = spec.maxReplicas ?? 0;
    recommendations.seed(key, current, now);
    behaviors.seed(key, current, now);
    let desired = 0;
    let reason = '';
    let rescale = true;
    let metricStatuses: MetricStatus[] | undefined;
    if (current === 0 && min !== 0) {
      // Autoscaling is off while the target is scaled to zero by hand.
      rescale = false;
      condition({ type: 'ScalingActive', status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero' });
    } else if (current > max) {
      [desired, reason] = [max, 'Current number of replicas above Spec.MaxReplicas'];
    } else if (current < min) {
      [desired, reason] = [min, 'Current number of replicas below Spec.MinReplicas'];
    } else {
      const outcome = await computeReplicasForMetrics(metricSources(hpa, ns, scale.status?.selector ?? ''), hpa, current, now);
      metricStatuses = outcome.statuses;
      condition(outcome.condition);
      if (!outcome.ok) {
        await writeStatus(hpa, { ...status, currentReplicas: current, desiredReplicas: status.desiredReplicas ?? 0, currentMetrics: metricStatuses });
        recorder.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', outcome.error, GVK);
        return;
      }
      desired = outcome.replicas;
      if (desired > current) reason = `${outcome.metric} above target`;
      if (desired < current) reason = 'All metrics below target';
      desired = normalize(key, hpa, current, desired, min, max, now, condition);
      rescale = desired !== current;
    }
    if (rescale) {
      try {
        await scaleClient.update(ref.name ?? '', { ...scale, spec: { ...scale.spec, replicas: desired } }, { namespace: ns });
      } catch (err) {
        recorder.event(hpa, 'Warning', 'FailedRescale', `New size: ${desired}; reason: ${reason}; error: ${message(err)}`, GVK);
        condition({ type: 'AbleToScale', status: 'False', reason: 'FailedUpdateScale', message: `the HPA controller was unable to update the target scale: ${message(err)}` });
        await writeStatus(hpa, { ...status, currentReplicas: current, desiredReplicas: status.desiredReplicas ?? 0, ...(metricStatuses ? { currentMetrics: metricStatuses } : {}) });
        throw err;
      }
      condition({ type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: `the HPA controller was able to update the target scale to ${desired}` });
      recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`, GVK);
      if (spec.behavior) behaviors.recordScale(key, spec.behavior, current, desired, now);
    } else desired = current;
    await writeStatus(hpa, {
      ...(hpa.metadata?.generation !== undefined ? { observedGeneration: hpa.metadata.generation } : {}),
      ...(rescale ? { lastScaleTime: rfc3339(now) } : status.lastScaleTime ? { lastScaleTime: status.lastScaleTime } : {}),
      currentReplicas: current,
      desiredReplicas: desired,
      ...(metricStatuses ? { currentMetrics: metricStatuses } : {}),
      ...(status.conditions ? { conditions: status.conditions } : {}),
    });
  }

  /** normalizeDesiredReplicas, with or without a behavior; sets AbleToScale and ScalingLimited. */
  function normalize(key: string, hpa: HorizontalPodAutoscaler, current: number, desired: number, min: number, max: number, now: number, condition: (c: Condition) => void): number {
    const behavior = hpa.spec?.behavior;
    if (behavior) {
      const n = behaviors.normalize(key, behavior, current, desired, min, max, now, Math.round(stabilization / 1000));
      condition({ type: 'AbleToScale', status: 'True', ...n.ableToScale });
      condition({ type: 'ScalingLimited', ...n.limited });
      return n.replicas;
    }
    const stabilized = recommendations.stabilize(key, desired, now);
    condition(
      stabilized !== desired
        ? { type: 'AbleToScale', status: 'True', reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' }
        : { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' },
    );
    const limited = limitedReplicas(current, stabilized, min, max);
    condition({ type: 'ScalingLimited', status: limited.replicas === stabilized ? 'False' : 'True', reason: limited.reason, message: limited.message });
    return limited.replicas;
  }

  /** The pods of the target (by its scale's selector) and their use, for hpa-metrics. */
  function metricSources(hpa: HorizontalPodAutoscaler, ns: string, selector: string): MetricSources {
    let pods: Pod[] | undefined;
    return {
      pods: () => {
        if (pods) return pods;
        let sel: LabelSelector;
        try {
          sel = LabelSelector.parse(selector);
        } catch {
          return (pods = []);
        }
        return (pods = podInformer.indexer.byIndex(NAMESPACE_INDEX, ns).filter((p) => sel.matches(p.metadata?.labels)));
      },
      usage: async (resource, container) => {
        LabelSelector.parse(selector); // an unparsable selector fails the fetch, as upstream
        return podUsage(ns, selector, resource, container);
      },
      warn: (reason, msg) => recorder.event(hpa, 'Warning', reason, msg, GVK),
    };
  }

  /** Writes the status when it differs from the stored one (updateStatusIfNeeded). */
  async function writeStatus(hpa: HorizontalPodAutoscaler, status: HorizontalPodAutoscalerStatus): Promise<void> {
    // Go omits a zero currentReplicas and an empty currentMetrics (omitempty / nil).
    const next: HorizontalPodAutoscalerStatus = { ...status };
    if (!next.currentReplicas) delete next.currentReplicas;
    if (next.currentMetrics?.length === 0) delete next.currentMetrics;
    if (sameJson(next, hpa.status ?? {})) return;
    try {
      await hpas.updateStatus({ ...hpa, status: next }, { namespace: hpa.metadata?.namespace ?? '' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  const c = controller('horizontalpodautoscaling', { reconcile, workers: 1, clock: ctx.clock, logger: ctx.log }).watches(hpaInformer);
  return { start: () => c.start(), stop: () => c.stop() };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
