/**
 * Generic ephemeral volumes: the claim a pod's `ephemeral` volume stands for. Shared by the
 * ephemeral-volume controller (which creates it), the scheduler and the kubelet (which
 * use it like a persistentVolumeClaim volume, but only when the pod owns it), and the
 * validation of the template the claim is made from.
 */
import type { SchemaFieldError } from '../../schema/dsl.js';
import { validateAnnotations, validateLabels } from '../../../machinery/names.js';
import { child, fe } from './field-errors.js';
import { validatePersistentVolumeClaimSpec, type PersistentVolumeClaim } from './persistent-volume-claim.js';
import type { Pod } from './pod.js';
import type { Volume } from './volume.js';

type EphemeralSource = NonNullable<Volume['ephemeral']>;

/** The claim of a pod's ephemeral volume: `<pod name>-<volume name>`, in the pod's namespace. */
export function ephemeralClaimName(pod: Pod, volume: Volume): string {
  return `${pod.metadata?.name ?? ''}-${volume.name ?? ''}`;
}

/**
 * Why the pod may not use this claim, or undefined when the pod controls it. A claim of the
 * right name that the pod does not own is someone else's data: never mounted by mistake.
 */
export function ephemeralClaimNotOwned(pod: Pod, pvc: PersistentVolumeClaim): string | undefined {
  const uid = pod.metadata?.uid;
  const owned = (pvc.metadata?.ownerReferences ?? []).some((r) => r.controller === true && !!uid && r.uid === uid);
  if (owned) return undefined;
  const ns = pod.metadata?.namespace ?? 'default';
  return `PVC ${pvc.metadata?.namespace ?? ns}/${pvc.metadata?.name ?? ''} was not created for pod ${ns}/${pod.metadata?.name ?? ''} (pod is not owner)`;
}

/**
 * The claim name each volume of the pod resolves to: a persistentVolumeClaim's claimName,
 * an ephemeral volume's `<pod>-<volume>`; other volumes are left out.
 */
export function podClaimVolumes(pod: Pod): Array<{ volume: Volume; claimName: string; ephemeral: boolean }> {
  const out: Array<{ volume: Volume; claimName: string; ephemeral: boolean }> = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) out.push({ volume: v, claimName: v.persistentVolumeClaim.claimName, ephemeral: false });
    else if (v.ephemeral) out.push({ volume: v, claimName: ephemeralClaimName(pod, v), ephemeral: true });
  }
  return out;
}

/** ObjectMeta fields in Go struct order (upstream reports forbidden ones in that order). */
const META_FIELDS = [
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
] as const;
const TEMPLATE_META_ALLOWED = new Set(['labels', 'annotations']);

/** Go's zero value test, as the reflection-based allow list sees a decoded field. */
function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

/**
 * Upstream's validateEphemeralVolumeSource: the template is required; its metadata may only
 * carry labels and annotations (they are copied into the claim); its spec is a claim spec.
 */
export function validateEphemeralVolumeSource(src: EphemeralSource, path: string): SchemaFieldError[] {
  const tp = child(path, 'volumeClaimTemplate');
  const tmpl = src.volumeClaimTemplate;
  if (!tmpl) return [fe.required(tp, '')];
  const errs: SchemaFieldError[] = [];
  const mp = child(tp, 'metadata');
  const meta = (tmpl.metadata ?? {}) as Record<string, unknown>;
  if (meta['annotations']) errs.push(...validateAnnotations(meta['annotations'] as Record<string, string>, child(mp, 'annotations')));
  if (meta['labels']) errs.push(...validateLabels(meta['labels'] as Record<string, string>, child(mp, 'labels')));
  for (const k of META_FIELDS) if (!TEMPLATE_META_ALLOWED.has(k) && !isZero(meta[k])) errs.push(fe.forbidden(child(mp, k), 'cannot be set for a template'));
  errs.push(...validatePersistentVolumeClaimSpec(tmpl.spec ?? {}, child(tp, 'spec')));
  return errs;
}
