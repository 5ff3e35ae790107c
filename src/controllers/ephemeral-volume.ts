/**
 * The ephemeral volume controller (upstream's ephemeral-volume-controller): every pod
 * volume with `ephemeral.volumeClaimTemplate` gets its claim `<pod>-<volume>`, made from
 * the template and controlled by the pod, so the garbage collector deletes it with the
 * pod. A claim of that name the pod does not control is left alone: the scheduler and the
 * kubelet refuse to use it, and the pod waits until someone removes it.
 *
 * Keys are pods (`ns/name`). Claims only wake the pods that would use them, found through
 * an index of the claim names pods' ephemeral volumes resolve to.
 */
import { ephemeralClaimName, ephemeralClaimNotOwned } from '../api/core/v1/ephemeral-volume.js';
import { PersistentVolumeClaimKind, type PersistentVolumeClaim } from '../api/core/v1/persistent-volume-claim.js';
import { PodKind, type Pod } from '../api/core/v1/pod.js';
import type { Volume } from '../api/core/v1/volume.js';
import { controller } from '../client/controller.js';
import { isAlreadyExists } from '../client/status-error.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';
import { ensureIndex } from './indexes.js';
import { newControllerRef } from './owner-refs.js';

export const EPHEMERAL_VOLUME = 'ephemeral-volume';
/** Event source component, as upstream's recorder names it. */
const COMPONENT = 'ephemeral_volume';
/** Pods by `ns/<claim>` of each of their ephemeral volumes. */
const POD_CLAIM_INDEX = 'ephemeral-volume/claims';
const INVOLVED_POD = { kind: 'Pod', apiVersion: 'v1' };

export const ephemeralVolumeController: ControllerDescriptor = {
  name: EPHEMERAL_VOLUME,
  create: (ctx) => newEphemeralVolumeController(ctx),
};

/** The claim the controller creates for one ephemeral volume of the pod (template labels/annotations, spec copied). */
export function ephemeralClaim(pod: Pod, volume: Volume): PersistentVolumeClaim {
  const tmpl = volume.ephemeral?.volumeClaimTemplate;
  const labels = tmpl?.metadata?.labels;
  const annotations = tmpl?.metadata?.annotations;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: ephemeralClaimName(pod, volume),
      namespace: pod.metadata?.namespace ?? 'default',
      ownerReferences: [newControllerRef(pod, 'v1', 'Pod')],
      ...(labels && Object.keys(labels).length ? { labels: { ...labels } } : {}),
      ...(annotations && Object.keys(annotations).length ? { annotations: { ...annotations } } : {}),
    },
    spec: structuredClone(tmpl?.spec ?? {}),
  };
}

const claimKeys = (pod: Pod): string[] =>
  (pod.spec?.volumes ?? []).filter((v) => v.ephemeral).map((v) => `${pod.metadata?.namespace ?? ''}/${ephemeralClaimName(pod, v)}`);

export function newEphemeralVolumeController(ctx: ControllerContext): RunningController {
  const pods = ctx.informers.informerFor<Pod>(PodKind);
  const claims = ctx.informers.informerFor<PersistentVolumeClaim>(PersistentVolumeClaimKind);
  const pvcApi = ctx.client.resource<PersistentVolumeClaim>(PersistentVolumeClaimKind);
  const recorder = ctx.recorder(COMPONENT);
  ensureIndex(pods, POD_CLAIM_INDEX, claimKeys);

  /** Creates what is missing; safe to run again (an existing claim is never touched). */
  const reconcile = async (key: string): Promise<void> => {
    const pod = pods.get(key);
    // A pod being deleted needs no new claims: the garbage collector takes the ones it has.
    if (!pod || pod.metadata?.deletionTimestamp) return;
    const ns = pod.metadata?.namespace ?? 'default';
    for (const v of pod.spec?.volumes ?? []) {
      if (!v.ephemeral) continue;
      const name = ephemeralClaimName(pod, v);
      const existing = claims.get(`${ns}/${name}`);
      if (existing) {
        // Not ours: reported, and looked at again when that claim changes or goes.
        const why = ephemeralClaimNotOwned(pod, existing);
        if (why) recorder.event(pod, 'Warning', 'FailedBinding', why, INVOLVED_POD);
        continue;
      }
      try {
        await pvcApi.create(ephemeralClaim(pod, v), { namespace: ns });
        ctx.log.info('ephemeral claim created', { controller: EPHEMERAL_VOLUME, pod: key, claim: `${ns}/${name}` });
      } catch (err) {
        // Our cache lags behind a claim someone made: the claim's event brings us back.
        if (isAlreadyExists(err)) continue;
        recorder.event(pod, 'Warning', 'FailedBinding', `PVC creation failed: ${err instanceof Error ? err.message : String(err)}`, INVOLVED_POD);
        throw err;
      }
    }
  };

  const ctl = controller(EPHEMERAL_VOLUME, { reconcile, workers: ctx.options.workers ?? 1, clock: ctx.clock, logger: ctx.log })
    .watches(pods, (p) => (p.spec?.volumes?.some((v) => v.ephemeral) ? `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}` : undefined))
    // A claim deleted (or changed) can unblock or need recreating for the pods that name it.
    .watches(claims, (c) =>
      pods.byIndex(POD_CLAIM_INDEX, `${c.metadata?.namespace ?? ''}/${c.metadata?.name ?? ''}`).map((p) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`),
    );
  return { start: () => ctl.start(), stop: () => ctl.stop() };
}
