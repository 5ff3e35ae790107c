import type { SchemaFieldError } from '../../schema/dsl.js';
import { fe } from './field-errors.js';
import type { PodSpec } from './pod-spec.js';
import type { Toleration } from './toleration.js';

/** kube-apiserver's message for a forbidden pod spec change (followed by what changed). */
export const POD_UPDATE_FORBIDDEN_MESSAGE =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/**
 * Deep equality of JSON values as their sorted-key JSON would compare: key order and
 * undefined-valued keys do not matter, null is a value. Cheaper than serializing both.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let count = 0;
  for (const k of Object.keys(ao)) {
    const v = ao[k];
    if (v === undefined) continue;
    count++;
    if (!Object.hasOwn(bo, k) || !sameJson(v, bo[k])) return false;
  }
  for (const k of Object.keys(bo)) if (bo[k] !== undefined) count--;
  return count === 0;
}

/** Top-level spec fields whose values differ, for the message (ours, not Go's cmp.Diff). */
function changedFields(a: PodSpec, b: PodSpec): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])).sort();
}

const sameToleration = (a: Toleration, b: Toleration): boolean =>
  (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');

/**
 * Kubernetes' ValidatePodUpdate rules for the spec: only container images,
 * activeDeadlineSeconds (set, or lowered), tolerations (additions; NoExecute
 * tolerationSeconds may shrink), terminationGracePeriodSeconds (negative → 1),
 * schedulingGates (removals) and, while gated, nodeSelector additions may change.
 * Pure; `path` is the spec's path ('spec').
 */
export function validatePodSpecUpdate(next: PodSpec, old: PodSpec, path = 'spec'): SchemaFieldError[] {
  const oldAds = old.activeDeadlineSeconds;
  const newAds = next.activeDeadlineSeconds;
  if (newAds !== undefined && (newAds < 0 || newAds > 2147483647)) {
    return [fe.invalid(`${path}.activeDeadlineSeconds`, newAds, 'must be between 0 and 2147483647, inclusive')];
  }
  // The common case — status writes, metadata changes — leaves the spec as it was.
  if (sameJson(next, old)) return [];

  const errs: SchemaFieldError[] = [];
  // `next` with every allowed change undone, to compare with `old`: shallow copies, as
  // only top-level fields and container images are replaced.
  const munged: PodSpec = { ...next };
  for (const list of ['containers', 'initContainers'] as const) {
    const oldList = old[list] ?? [];
    const cs = next[list];
    if (cs) munged[list] = cs.map((c, i) => (oldList[i] ? { ...c, image: oldList[i].image } : c));
  }

  if (newAds !== undefined) {
    if (oldAds !== undefined && oldAds < newAds) {
      return [fe.invalid(`${path}.activeDeadlineSeconds`, newAds, 'must be less than or equal to previous value')];
    }
  } else if (oldAds !== undefined) {
    errs.push(fe.invalid(`${path}.activeDeadlineSeconds`, null, 'must not update from a positive integer to nil value'));
  }
  munged.activeDeadlineSeconds = oldAds;

  const oldTols = old.tolerations ?? [];
  const newTols = next.tolerations ?? [];
  for (const ot of oldTols) {
    const nt = newTols.find((t) => sameToleration(t, ot));
    const secondsOk =
      nt !== undefined &&
      (ot.tolerationSeconds === nt.tolerationSeconds ||
        (ot.effect === 'NoExecute' && ot.tolerationSeconds !== undefined && nt.tolerationSeconds !== undefined && nt.tolerationSeconds <= ot.tolerationSeconds));
    if (!secondsOk) {
      errs.push(fe.forbidden(`${path}.tolerations`, 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  munged.tolerations = old.tolerations;

  const oldGrace = old.terminationGracePeriodSeconds;
  if (oldGrace !== undefined && oldGrace < 0 && next.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;

  const oldGates = new Set((old.schedulingGates ?? []).map((g) => g.name));
  for (const g of next.schedulingGates ?? []) {
    if (!oldGates.has(g.name)) {
      errs.push(fe.forbidden(`${path}.schedulingGates`, `only deletion is allowed, but found new scheduling gate '${g.name ?? ''}'`));
    }
  }
  munged.schedulingGates = old.schedulingGates;

  // While a pod is still gated, its node selector may gain (never lose or change) entries.
  if (oldGates.size > 0) {
    const oldSel = old.nodeSelector ?? {};
    const newSel = next.nodeSelector ?? {};
    if (Object.entries(oldSel).every(([k, v]) => newSel[k] === v)) munged.nodeSelector = old.nodeSelector;
  }

  if (!sameJson(munged, old)) {
    const changed = changedFields(munged, old);
    errs.push(fe.forbidden(path, `${POD_UPDATE_FORBIDDEN_MESSAGE}\n  changed: ${changed.map((k) => `${path}.${k}`).join(', ')}`));
  }
  return errs;
}
