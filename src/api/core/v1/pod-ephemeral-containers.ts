/**
 * The strategy of `pods/ephemeralcontainers` (upstream's podEphemeralContainersStrategy):
 * an update through it changes only spec.ephemeralContainers, and may only add to them.
 */
import type { SchemaFieldError } from '../../schema/dsl.js';
import type { EphemeralContainer } from './container.js';
import { fe } from './field-errors.js';
import type { Pod } from './pod.js';
import { sameJson } from './pod-update.js';

/** Marks a static pod's API mirror: its kubelet runs it from a file and would not start ephemeral containers. */
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** Metadata an update through a subresource may not change (upstream's ResetObjectMetaForStatus). */
const KEPT_METADATA = ['deletionTimestamp', 'generation', 'selfLink', 'labels', 'annotations', 'finalizers', 'ownerReferences'] as const;

/**
 * Shapes `next` (the requested pod, changed in place) into what the subresource may store:
 * `current` with only spec.ephemeralContainers taken from `next` — every other change is
 * dropped, not refused, as upstream's dropNonEphemeralContainerUpdates does.
 */
export function keepOnlyEphemeralContainers(next: Pod, current: Pod): void {
  const ephemeral = next.spec?.ephemeralContainers;
  const spec = structuredClone(current.spec ?? {});
  if (ephemeral === undefined) delete spec.ephemeralContainers;
  else spec.ephemeralContainers = ephemeral;
  next.spec = spec;
  if (current.status === undefined) delete next.status;
  else next.status = structuredClone(current.status);
  const meta = (next.metadata ??= {}) as Record<string, unknown>;
  const old = (current.metadata ?? {}) as Record<string, unknown>;
  for (const k of KEPT_METADATA) {
    if (old[k] === undefined) delete meta[k];
    else meta[k] = structuredClone(old[k]);
  }
}

/** Fields of two ephemeral containers that differ, for the message (ours; upstream prints a Go diff). */
function changedFields(a: EphemeralContainer, b: EphemeralContainer): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])).sort();
}

/**
 * Upstream's ValidatePodEphemeralContainersUpdate beyond the pod spec's own rules (which
 * the schema validation applies to the whole new pod): no ephemeral containers on static
 * pods, and existing ones may be neither removed nor changed. Matched by name, as a patch
 * may reorder the list. Pure.
 */
export function validateEphemeralContainersUpdate(pod: Pod, old: Pod): SchemaFieldError[] {
  if (old.metadata?.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return [fe.forbidden('', 'static pods do not support ephemeral containers')];
  const path = 'spec.ephemeralContainers';
  const byName = new Map((pod.spec?.ephemeralContainers ?? []).map((c) => [c.name ?? '', c]));
  const errs: SchemaFieldError[] = [];
  for (const was of old.spec?.ephemeralContainers ?? []) {
    const name = was.name ?? '';
    const now = byName.get(name);
    // Upstream's messages end with a newline (before its diff); kept, so clients print the same.
    if (!now) errs.push(fe.forbidden(path, `existing ephemeral containers "${name}" may not be removed\n`));
    else if (!sameJson(was, now)) errs.push(fe.forbidden(path, `existing ephemeral containers "${name}" may not be changed\nchanged: ${changedFields(was, now).join(', ')}`));
  }
  return errs;
}
