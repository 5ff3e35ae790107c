/**
 * The PersistentVolume binder (upstream's persistentvolume-binder controller): pairs
 * Pending claims with Available volumes, keeps both sides' phases (Available, Bound,
 * Released, Pending, Lost) true to each other, hands claims it cannot satisfy to their
 * class's provisioner (or waits for the scheduler when the class binds on first consumer),
 * and releases volumes whose claim is gone. Deleting released dynamically provisioned
 * volumes is their provisioner's job; in-tree deleters don't exist here.
 *
 * Keys are `claim/<ns>/<name>` and `volume/<name>`: one queue, so a claim and its volume
 * never race each other's writes from two workers of different controllers.
 */
import type { PersistentVolume } from '../api/core/v1/persistent-volume.js';
import { PersistentVolumeKind } from '../api/core/v1/persistent-volume.js';
import type { PersistentVolumeClaim } from '../api/core/v1/persistent-volume-claim.js';
import { PersistentVolumeClaimKind } from '../api/core/v1/persistent-volume-claim.js';
import type { StorageClass } from '../api/storage/v1/storage-class.js';
import { StorageClassKind } from '../api/storage/v1/storage-class.js';
import { controller } from '../client/controller.js';
import { isNotFound } from '../client/status-error.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';
import {
  accessModesFit,
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_PROVISIONED_BY,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  claimClass,
  findMatchingVolume,
  isVolumeBoundToClaim,
  requestOf,
  storageOf,
  volumeClass,
} from './pv-matching.js';

export const PV_BINDER = 'persistentvolume-binder';
/** Unbound claims are looked at again this often (upstream's --pvclaimbinder-sync-period, 15 s). */
const SYNC_PERIOD_MS = 15_000;
const INVOLVED_PVC = { kind: 'PersistentVolumeClaim', apiVersion: 'v1' };
const INVOLVED_PV = { kind: 'PersistentVolume', apiVersion: 'v1' };

export const persistentVolumeBinderController: ControllerDescriptor = {
  name: PV_BINDER,
  create: (ctx) => newPersistentVolumeBinder(ctx),
};

const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export function newPersistentVolumeBinder(ctx: ControllerContext): RunningController {
  const claims = ctx.informers.informerFor<PersistentVolumeClaim>(PersistentVolumeClaimKind);
  const volumes = ctx.informers.informerFor<PersistentVolume>(PersistentVolumeKind);
  const classes = ctx.informers.informerFor<StorageClass>(StorageClassKind);
  const pvcApi = ctx.client.resource<PersistentVolumeClaim>(PersistentVolumeClaimKind);
  const pvApi = ctx.client.resource<PersistentVolume>(PersistentVolumeKind);
  const recorder = ctx.recorder(PV_BINDER);
  const claimEvent = (c: PersistentVolumeClaim, type: 'Normal' | 'Warning', reason: string, msg: string) => recorder.event(c, type, reason, msg, INVOLVED_PVC);
  const nsOf = (c: PersistentVolumeClaim) => c.metadata?.namespace ?? 'default';

  const setClaimPhase = async (c: PersistentVolumeClaim, phase: 'Pending' | 'Bound' | 'Lost', pv?: PersistentVolume): Promise<PersistentVolumeClaim> => {
    const status = { ...(c.status ?? {}), phase };
    if (phase === 'Bound' && pv) {
      status.accessModes = pv.spec?.accessModes ?? [];
      status.capacity = { ...(pv.spec?.capacity ?? {}) };
    } else if (phase === 'Lost') {
      delete status.accessModes;
      delete status.capacity;
    }
    if (JSON.stringify(status) === JSON.stringify(c.status ?? {})) return c;
    return pvcApi.updateStatus({ ...c, status }, { namespace: nsOf(c) });
  };

  const setVolumePhase = async (pv: PersistentVolume, phase: 'Available' | 'Bound' | 'Released' | 'Failed', message?: string): Promise<PersistentVolume> => {
    if (pv.status?.phase === phase && (pv.status?.message ?? undefined) === message) return pv;
    const status = { phase, ...(message ? { message } : {}), lastPhaseTransitionTime: pv.status?.phase === phase ? pv.status?.lastPhaseTransitionTime : rfc3339(ctx.clock.now()) };
    return pvApi.updateStatus({ ...pv, status });
  };

  /** Binds both ways, each step idempotent: PV claimRef, PV Bound, claim volumeName + annotations, claim Bound. */
  const bind = async (pvIn: PersistentVolume, cIn: PersistentVolumeClaim): Promise<void> => {
    let pv = pvIn;
    let c = cIn;
    const ref = pv.spec?.claimRef;
    if (!ref || !isVolumeBoundToClaim(pv, c) || ref.uid !== c.metadata?.uid) {
      const annotations = { ...(pv.metadata?.annotations ?? {}) };
      // Only a claimRef we chose is ours to take back later; a user's pre-binding is not.
      if (!ref) annotations[ANN_BOUND_BY_CONTROLLER] = 'yes';
      const claimRef = { kind: 'PersistentVolumeClaim', namespace: nsOf(c), name: c.metadata?.name ?? '', uid: c.metadata?.uid ?? '', apiVersion: 'v1', resourceVersion: c.metadata?.resourceVersion ?? '' };
      pv = await pvApi.update({ ...pv, metadata: { ...pv.metadata, annotations }, spec: { ...pv.spec, claimRef } });
    }
    pv = await setVolumePhase(pv, 'Bound');
    const name = pv.metadata?.name ?? '';
    const ann = c.metadata?.annotations ?? {};
    if (c.spec?.volumeName !== name || ann[ANN_BIND_COMPLETED] !== 'yes') {
      const annotations: Record<string, string> = { ...ann, [ANN_BIND_COMPLETED]: 'yes' };
      if (!c.spec?.volumeName) annotations[ANN_BOUND_BY_CONTROLLER] = 'yes';
      c = await pvcApi.update({ ...c, metadata: { ...c.metadata, annotations }, spec: { ...c.spec, volumeName: name } }, { namespace: nsOf(c) });
    }
    await setClaimPhase(c, 'Bound', pv);
    ctx.log.info('claim bound', { controller: PV_BINDER, claim: `${nsOf(c)}/${c.metadata?.name}`, volume: name });
  };

  /** Why a volume the claim names cannot take it, or undefined (checkVolumeSatisfyClaim). */
  const mismatch = (pv: PersistentVolume, c: PersistentVolumeClaim): string | undefined => {
    const size = storageOf(pv.spec?.capacity as Record<string, unknown> | undefined);
    if (!size || size.cmp(requestOf(c)) < 0) return 'requested PV is too small';
    if (volumeClass(pv) !== claimClass(c)) return 'storageClassName does not match';
    if ((pv.spec?.volumeMode || 'Filesystem') !== (c.spec?.volumeMode || 'Filesystem')) return 'incompatible volumeMode';
    if (!accessModesFit(pv, c)) return 'incompatible accessMode';
    return undefined;
  };

  const syncUnboundClaim = async (c: PersistentVolumeClaim): Promise<{ requeueAfterMs?: number }> => {
    const volumeName = c.spec?.volumeName;
    if (!volumeName) {
      const clsName = claimClass(c);
      const cls = clsName ? classes.get(clsName) : undefined;
      const delay = cls?.volumeBindingMode === 'WaitForFirstConsumer';
      const pv = findMatchingVolume(c, volumes.list(), { delayBinding: delay });
      if (pv) {
        await bind(pv, c);
        return {};
      }
      const selected = c.metadata?.annotations?.[ANN_SELECTED_NODE];
      if (delay && !selected) {
        claimEvent(c, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      } else if (!clsName) {
        claimEvent(c, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      } else if (!cls) {
        claimEvent(c, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${clsName}" not found`);
      } else {
        await handToProvisioner(c, cls);
      }
      await setClaimPhase(c, 'Pending');
      return { requeueAfterMs: SYNC_PERIOD_MS };
    }
    const pv = volumes.get(volumeName);
    if (!pv) {
      // The user named a volume that does not exist (yet).
      await setClaimPhase(c, 'Pending');
      return { requeueAfterMs: SYNC_PERIOD_MS };
    }
    if (!pv.spec?.claimRef || isVolumeBoundToClaim(pv, c)) {
      const why = pv.spec?.claimRef ? undefined : mismatch(pv, c);
      if (why) {
        claimEvent(c, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${volumeName}": ${why}`);
        await setClaimPhase(c, 'Pending');
        return { requeueAfterMs: SYNC_PERIOD_MS };
      }
      await bind(pv, c);
      return {};
    }
    claimEvent(c, 'Warning', 'FailedBinding', `volume "${volumeName}" already bound to a different claim.`);
    await setClaimPhase(c, 'Pending');
    return { requeueAfterMs: SYNC_PERIOD_MS };
  };

  /** An external provisioner takes claims annotated with its name (upstream's setClaimProvisioner). */
  const handToProvisioner = async (c: PersistentVolumeClaim, cls: StorageClass): Promise<void> => {
    const provisioner = cls.provisioner ?? '';
    const ann = c.metadata?.annotations ?? {};
    if (ann[ANN_STORAGE_PROVISIONER] !== provisioner || ann[ANN_BETA_STORAGE_PROVISIONER] !== provisioner) {
      const annotations = { ...ann, [ANN_STORAGE_PROVISIONER]: provisioner, [ANN_BETA_STORAGE_PROVISIONER]: provisioner };
      await pvcApi.update({ ...c, metadata: { ...c.metadata, annotations } }, { namespace: nsOf(c) });
    }
    claimEvent(
      c,
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
  };

  const syncBoundClaim = async (c: PersistentVolumeClaim): Promise<void> => {
    const volumeName = c.spec?.volumeName;
    const pv = volumeName ? volumes.get(volumeName) : undefined;
    if (!pv) {
      if (c.status?.phase !== 'Lost') claimEvent(c, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      await setClaimPhase(c, 'Lost');
      return;
    }
    if (!pv.spec?.claimRef || pv.spec.claimRef.uid === c.metadata?.uid || isVolumeBoundToClaim(pv, c)) {
      await bind(pv, c);
      return;
    }
    if (c.status?.phase !== 'Lost') claimEvent(c, 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
    await setClaimPhase(c, 'Lost');
  };

  /** The claim a volume's claimRef names, from the cache; a live GET before believing it is gone. */
  const claimOf = async (pv: PersistentVolume): Promise<PersistentVolumeClaim | undefined> => {
    const ref = pv.spec?.claimRef;
    if (!ref) return undefined;
    const key = `${ref.namespace ?? ''}/${ref.name ?? ''}`;
    let c = claims.get(key);
    if (!c || c.metadata?.uid !== ref.uid) {
      try {
        c = await pvcApi.get(ref.name ?? '', { namespace: ref.namespace ?? '' });
      } catch (err) {
        if (!isNotFound(err)) throw err;
        c = undefined;
      }
    }
    return c && c.metadata?.uid === ref.uid ? c : undefined;
  };

  const syncVolume = async (name: string): Promise<void> => {
    let pv = volumes.get(name);
    if (!pv || pv.metadata?.deletionTimestamp) return;
    const ref = pv.spec?.claimRef;
    if (!ref || !ref.uid) {
      // Unbound, or pre-bound by a user to a claim that will come (its claim's sync binds it).
      await setVolumePhase(pv, 'Available');
      if (ref) ctl.enqueue(`claim/${ref.namespace ?? ''}/${ref.name ?? ''}`);
      return;
    }
    const claim = await claimOf(pv);
    if (!claim) {
      if (pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed') pv = await setVolumePhase(pv, 'Released');
      reclaim(pv);
      return;
    }
    const claimKey = `claim/${claim.metadata?.namespace ?? ''}/${claim.metadata?.name ?? ''}`;
    if (!claim.spec?.volumeName) {
      ctl.enqueue(claimKey);
      return;
    }
    if (claim.spec.volumeName === name) {
      await setVolumePhase(pv, 'Bound');
      return;
    }
    // The claim went to another volume. A binding we made is ours to undo; a provisioned volume is released.
    if (pv.metadata?.annotations?.[ANN_PROVISIONED_BY]) {
      pv = await setVolumePhase(pv, 'Released');
      reclaim(pv);
    } else if (pv.metadata?.annotations?.[ANN_BOUND_BY_CONTROLLER]) {
      const annotations = { ...(pv.metadata?.annotations ?? {}) };
      delete annotations[ANN_BOUND_BY_CONTROLLER];
      const spec = { ...pv.spec };
      delete spec.claimRef;
      pv = await pvApi.update({ ...pv, metadata: { ...pv.metadata, annotations }, spec });
      await setVolumePhase(pv, 'Available');
    }
  };

  /** Retain keeps a Released volume for an administrator; Delete is the provisioner's (no in-tree deleters here). */
  const reclaim = (pv: PersistentVolume): void => {
    if (pv.spec?.persistentVolumeReclaimPolicy !== 'Delete' || pv.metadata?.annotations?.[ANN_PROVISIONED_BY]) return;
    recorder.event(pv, 'Warning', 'VolumeFailedDelete', `error getting deleter volume plugin for volume "${pv.metadata?.name}": no deletable volume plugin matched`, INVOLVED_PV);
  };

  const reconcile = async (key: string): Promise<{ requeueAfterMs?: number } | void> => {
    if (key.startsWith('volume/')) return syncVolume(key.slice('volume/'.length));
    const c = claims.get(key.slice('claim/'.length));
    if (!c) return;
    if (c.metadata?.annotations?.[ANN_BIND_COMPLETED] !== 'yes') return syncUnboundClaim(c);
    return syncBoundClaim(c);
  };

  const claimKey = (pvc: PersistentVolumeClaim) => `claim/${pvc.metadata?.namespace ?? ''}/${pvc.metadata?.name ?? ''}`;
  const ctl = controller(PV_BINDER, { reconcile, workers: 1, clock: ctx.clock, logger: ctx.log })
    .watches(claims, (pvc) => [claimKey(pvc), ...(pvc.spec?.volumeName ? [`volume/${pvc.spec.volumeName}`] : [])])
    .watches(volumes, (pv) => {
      const ref = pv.spec?.claimRef;
      return [`volume/${pv.metadata?.name ?? ''}`, ...(ref ? [`claim/${ref.namespace ?? ''}/${ref.name ?? ''}`] : [])];
    })
    // A class appearing or changing can unblock claims that name it.
    .watches(classes, (sc) => claims.list().filter((pvc) => !pvc.spec?.volumeName && claimClass(pvc) === sc.metadata?.name).map(claimKey));
  return { start: () => ctl.start(), stop: () => ctl.stop() };
}
