/**
 * Upstream's resource quota controller: each ResourceQuota's status says what it enforces
 * (`hard`, from the spec) and what the namespace uses of it (`used`), recounted from the
 * objects whenever a quota or a counted object changes, and every resync period. The
 * ResourceQuota admission plugin charges creates at once; this keeps the count true as
 * objects go away (and corrects charges for creates that then failed).
 */
import { DaemonSetKind } from '../api/apps/v1/daemon-set.js';
import { DeploymentKind } from '../api/apps/v1/deployment.js';
import { ReplicaSetKind } from '../api/apps/v1/replica-set.js';
import { StatefulSetKind } from '../api/apps/v1/stateful-set.js';
import { CronJobKind } from '../api/batch/v1/cron-job.js';
import { JobKind } from '../api/batch/v1/job.js';
import { ConfigMapKind } from '../api/core/v1/config-map.js';
import { PersistentVolumeClaimKind } from '../api/core/v1/persistent-volume-claim.js';
import { PodKind } from '../api/core/v1/pod.js';
import { ReplicationControllerKind } from '../api/core/v1/replication-controller.js';
import type { ResourceQuota } from '../api/core/v1/resource-quota.js';
import { ResourceQuotaKind } from '../api/core/v1/resource-quota.js';
import { quotaCovers, usageOf } from '../api/core/v1/resource-quota-usage.js';
import { SecretKind } from '../api/core/v1/secret.js';
import { ServiceKind } from '../api/core/v1/service.js';
import type { KindSpec } from '../api/schema/dsl.js';
import { controller } from '../client/controller.js';
import { NAMESPACE_INDEX } from '../client/indexer.js';
import type { Informer } from '../client/informer.js';
import { isNotFound } from '../client/status-error.js';
import { Quantity } from '../machinery/quantity.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';
import { sameJson } from './status-fields.js';

/** The kinds whose objects are counted (a `count/<resource>` of any other kind reads 0). */
const COUNTED: readonly KindSpec<any>[] = [PodKind, ServiceKind, ConfigMapKind, SecretKind, PersistentVolumeClaimKind, ReplicationControllerKind, ResourceQuotaKind, DeploymentKind, ReplicaSetKind, StatefulSetKind, DaemonSetKind, JobKind, CronJobKind];
const DEFAULT_RESYNC_MS = 5 * 60_000;

export const resourceQuotaController: ControllerDescriptor = {
  name: 'resourcequota',
  create: (ctx) => newResourceQuotaController(ctx),
};

export function newResourceQuotaController(ctx: ControllerContext): RunningController {
  const quotaInformer = ctx.informers.informerFor<ResourceQuota>(ResourceQuotaKind);
  const counted = COUNTED.map((spec) => ({ spec, informer: ctx.informers.informerFor<Record<string, any>>(spec) as Informer<Record<string, any>> }));
  const quotas = ctx.client.resource<ResourceQuota>(ResourceQuotaKind);
  const resync = ctx.options.resyncPeriodMs ?? DEFAULT_RESYNC_MS;

  const reconcile = async (key: string) => {
    const quota = quotaInformer.indexer.get(key);
    if (!quota) return;
    const ns = quota.metadata?.namespace ?? '';
    const hard = quota.spec?.hard ?? {};
    const totals = new Map<string, Quantity>(Object.keys(hard).map((k) => [k, Quantity.fromValue(0)]));
    for (const { spec, informer } of counted) {
      for (const obj of informer.indexer.byIndex(NAMESPACE_INDEX, ns)) {
        if (!quotaCovers(quota, spec.plural, spec.group, obj)) continue;
        for (const [k, v] of usageOf(spec.plural, spec.group, obj)) {
          const cur = totals.get(k);
          if (cur) totals.set(k, cur.add(v));
        }
      }
    }
    const canonical = (v: unknown) => Quantity.parse(String(v)).toString();
    const status = {
      hard: Object.fromEntries(Object.entries(hard).map(([k, v]) => [k, canonical(v)])),
      used: Object.fromEntries([...totals].map(([k, v]) => [k, v.toString()])),
    };
    if (!sameJson(status, quota.status ?? {})) {
      try {
        await quotas.updateStatus({ ...quota, status }, { namespace: ns });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return { requeueAfterMs: resync };
  };

  const quotasOf = (obj: Record<string, any>): string[] => quotaInformer.indexer.byIndex(NAMESPACE_INDEX, obj.metadata?.namespace ?? '').map((q) => `${q.metadata?.namespace}/${q.metadata?.name}`);
  let c = controller('resourcequota', { reconcile, workers: 1, clock: ctx.clock, logger: ctx.log }).watches(quotaInformer);
  for (const { informer } of counted) if (informer !== (quotaInformer as unknown)) c = c.watches(informer, quotasOf);
  return { start: () => c.start(), stop: () => c.stop() };
}
