import type { SchemaFieldError, ValidationContext } from '../../schema/dsl.js';
import type { Affinity, NodeSelectorTerm, PodAffinityTerm, WeightedPodAffinityTerm } from './affinity.js';
import type { EphemeralContainer } from './container.js';
import { validateContainer, type ContainerRole } from './container-validation.js';
import { validateEphemeralVolumeSource } from './ephemeral-volume.js';
import { child, fe, index } from './field-errors.js';
import { isValidLabelValue } from '../../../machinery/names.js';
import { isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidIP } from './names.js';
import type { PodSpec } from './pod-spec.js';
import type { Toleration } from './toleration.js';
import type { TopologySpreadConstraint } from './topology-spread.js';
import { VOLUME_SOURCE_FIELDS, type Volume } from './volume.js';

/** Volumes: valid unique names and exactly one source each. Returns the names seen. */
export function validateVolumes(volumes: readonly Volume[] | undefined, path: string): { names: Set<string>; errs: SchemaFieldError[] } {
  const errs: SchemaFieldError[] = [];
  const names = new Set<string>();
  (volumes ?? []).forEach((v, i) => {
    const vp = index(path, i);
    // Absent names and duplicates within the list are reported by the schema (list-map keyed by name).
    if (v.name === '') errs.push(fe.required(child(vp, 'name'), ''));
    else if (v.name !== undefined) {
      for (const msg of isDns1123Label(v.name)) errs.push(fe.invalid(child(vp, 'name'), v.name, msg));
      names.add(v.name);
    }
    const rec = v as Record<string, unknown>;
    const sources = VOLUME_SOURCE_FIELDS.filter((k) => rec[k] != null);
    if (sources.length === 0) errs.push(fe.required(vp, 'must specify a volume type'));
    for (const s of sources.slice(1)) errs.push(fe.forbidden(child(vp, s), 'may not specify more than 1 volume type'));
    if (v.hostPath && v.hostPath.path === '') errs.push(fe.required(child(child(vp, 'hostPath'), 'path'), ''));
    if (v.secret && !v.secret.secretName) errs.push(fe.required(child(child(vp, 'secret'), 'secretName'), ''));
    if (v.configMap && !v.configMap.name) errs.push(fe.required(child(child(vp, 'configMap'), 'name'), ''));
    if (v.persistentVolumeClaim && v.persistentVolumeClaim.claimName === '') {
      errs.push(fe.required(child(child(vp, 'persistentVolumeClaim'), 'claimName'), ''));
    }
    if (v.ephemeral) errs.push(...validateEphemeralVolumeSource(v.ephemeral, child(vp, 'ephemeral')));
    for (const [src, mode] of [
      ['secret', v.secret?.defaultMode],
      ['configMap', v.configMap?.defaultMode],
      ['downwardAPI', v.downwardAPI?.defaultMode],
      ['projected', v.projected?.defaultMode],
    ] as const) {
      if (mode !== undefined && (mode < 0 || mode > 0o777)) {
        errs.push(fe.invalid(child(child(vp, src), 'defaultMode'), mode, 'must be a number between 0 and 0777 (octal), both inclusive'));
      }
    }
  });
  return { names, errs };
}

function validateTolerations(tols: readonly Toleration[] | undefined, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  (tols ?? []).forEach((tol, i) => {
    const tp = index(path, i);
    if (tol.key) for (const msg of isQualifiedName(tol.key)) errs.push(fe.invalid(child(tp, 'key'), tol.key, msg));
    if (!tol.key && tol.operator !== 'Exists') {
      errs.push(fe.invalid(child(tp, 'operator'), tol.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (tol.tolerationSeconds !== undefined && tol.effect !== 'NoExecute') {
      errs.push(fe.invalid(child(tp, 'effect'), tol.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (tol.operator === 'Exists' && tol.value) {
      errs.push(fe.invalid(child(tp, 'operator'), tol.value, "value must be empty when `operator` is 'Exists'"));
    }
  });
  return errs;
}

function validateNodeSelectorTerm(term: NodeSelectorTerm, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  (term.matchExpressions ?? []).forEach((r, i) => {
    const rp = index(child(path, 'matchExpressions'), i);
    const n = r.values?.length ?? 0;
    if ((r.operator === 'In' || r.operator === 'NotIn') && n === 0) {
      errs.push(fe.required(child(rp, 'values'), 'must be specified when `operator` is \'In\' or \'NotIn\''));
    } else if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && n > 0) {
      errs.push(fe.forbidden(child(rp, 'values'), 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\''));
    } else if ((r.operator === 'Gt' || r.operator === 'Lt') && n !== 1) {
      errs.push(fe.required(child(rp, 'values'), 'must be specified single value when `operator` is \'Lt\' or \'Gt\''));
    }
    if (r.key) for (const msg of isQualifiedName(r.key)) errs.push(fe.invalid(child(rp, 'key'), r.key, msg));
  });
  return errs;
}

function validatePodAffinityTerm(term: PodAffinityTerm, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  if (term.topologyKey === '') errs.push(fe.required(child(path, 'topologyKey'), 'can not be empty'));
  else if (term.topologyKey !== undefined) for (const msg of isQualifiedName(term.topologyKey)) errs.push(fe.invalid(child(path, 'topologyKey'), term.topologyKey, msg));
  for (const ns of term.namespaces ?? []) for (const msg of isDns1123Label(ns)) errs.push(fe.invalid(child(path, 'namespaces'), ns, msg));
  return errs;
}

function validatePodAffinityTerms(terms: readonly PodAffinityTerm[] | undefined, path: string): SchemaFieldError[] {
  return (terms ?? []).flatMap((term, i) => validatePodAffinityTerm(term, index(path, i)));
}

function validateWeightedTerms(terms: readonly WeightedPodAffinityTerm[] | undefined, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  (terms ?? []).forEach((w, i) => {
    const wp = index(path, i);
    if (w.weight !== undefined && (w.weight < 1 || w.weight > 100)) errs.push(fe.invalid(child(wp, 'weight'), w.weight, 'must be in the range 1-100'));
    if (w.podAffinityTerm) errs.push(...validatePodAffinityTerm(w.podAffinityTerm, child(wp, 'podAffinityTerm')));
  });
  return errs;
}

export function validateAffinity(a: Affinity | undefined, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  if (!a) return errs;
  const na = a.nodeAffinity;
  if (na) {
    const np = child(path, 'nodeAffinity');
    const req = na.requiredDuringSchedulingIgnoredDuringExecution;
    if (req) {
      const rp = child(np, 'requiredDuringSchedulingIgnoredDuringExecution');
      const terms = req.nodeSelectorTerms ?? [];
      if (terms.length === 0) errs.push(fe.required(child(rp, 'nodeSelectorTerms'), 'must have at least one node selector term'));
      terms.forEach((term, i) => errs.push(...validateNodeSelectorTerm(term, index(child(rp, 'nodeSelectorTerms'), i))));
    }
    (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((p, i) => {
      const pp = index(child(np, 'preferredDuringSchedulingIgnoredDuringExecution'), i);
      if (p.weight !== undefined && (p.weight < 1 || p.weight > 100)) errs.push(fe.invalid(child(pp, 'weight'), p.weight, 'must be in the range 1-100'));
      if (p.preference) errs.push(...validateNodeSelectorTerm(p.preference, child(pp, 'preference')));
    });
  }
  for (const k of ['podAffinity', 'podAntiAffinity'] as const) {
    const pa = a[k];
    if (!pa) continue;
    const pp = child(path, k);
    errs.push(...validatePodAffinityTerms(pa.requiredDuringSchedulingIgnoredDuringExecution, child(pp, 'requiredDuringSchedulingIgnoredDuringExecution')));
    errs.push(...validateWeightedTerms(pa.preferredDuringSchedulingIgnoredDuringExecution, child(pp, 'preferredDuringSchedulingIgnoredDuringExecution')));
  }
  return errs;
}

function validateTopologySpread(cs: readonly TopologySpreadConstraint[] | undefined, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  // Duplicate {topologyKey, whenUnsatisfiable} pairs are reported by the schema (list-map keys).
  (cs ?? []).forEach((c, i) => {
    const cp = index(path, i);
    if (c.maxSkew !== undefined && c.maxSkew <= 0) errs.push(fe.invalid(child(cp, 'maxSkew'), c.maxSkew, 'must be greater than zero'));
    if (c.topologyKey === '') errs.push(fe.required(child(cp, 'topologyKey'), 'can not be empty'));
    if (c.minDomains !== undefined) {
      if (c.minDomains <= 0) errs.push(fe.invalid(child(cp, 'minDomains'), c.minDomains, 'must be greater than 0'));
      else if (c.whenUnsatisfiable !== 'DoNotSchedule') {
        errs.push(fe.invalid(child(cp, 'minDomains'), c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${c.whenUnsatisfiable ?? ''}`));
      }
    }
  });
  return errs;
}

/**
 * Validation context key (see ValidationContext): names, besides spec.volumes, that the
 * PodSpec's volumeMounts may name. A StatefulSetSpec sets its volumeClaimTemplates' names:
 * its controller adds a volume of each name to every pod it creates.
 */
export const EXTRA_VOLUME_NAMES = 'core/v1.PodSpec.extraVolumeNames';

/** The EXTRA_VOLUME_NAMES an enclosing object passed down (strings only). */
export function extraVolumeNames(context: ValidationContext | undefined): string[] {
  const v = context?.[EXTRA_VOLUME_NAMES];
  return Array.isArray(v) ? v.filter((n): n is string => typeof n === 'string') : [];
}

/** Whether a container from this list (by its field) may be an ephemeral container's target. */
const isTargetable = (field: string | undefined): boolean => field === 'containers' || field === 'initContainers';

/**
 * Kubernetes' ValidatePodSpec, for the checks skiff's components rely on. `path` is the
 * spec's own path ('spec' for a Pod, 'spec.template.spec' for a Deployment);
 * `extraVolumes` are names mounts may use beyond spec.volumes (a StatefulSet's claim
 * templates). Pure.
 */
export function validatePodSpec(spec: PodSpec, path: string, extraVolumes: readonly string[] = []): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const { names: volumeNames, errs: volErrs } = validateVolumes(spec.volumes, child(path, 'volumes'));
  errs.push(...volErrs);
  for (const n of extraVolumes) volumeNames.add(n);

  if (spec.containers !== undefined && spec.containers.length === 0) errs.push(fe.required(child(path, 'containers'), ''));
  // Names must be unique across all three lists; duplicates within one list are reported by
  // the schema (each is a list-map keyed by name), so only cross-list clashes are reported here.
  const containerNames = new Map<string, string>();
  const lists: [ContainerRole, 'initContainers' | 'containers' | 'ephemeralContainers'][] = [
    ['initContainer', 'initContainers'],
    ['container', 'containers'],
    ['ephemeralContainer', 'ephemeralContainers'],
  ];
  for (const [role, field] of lists) {
    (spec[field] ?? []).forEach((c, i) => {
      const cp = index(child(path, field), i);
      errs.push(...validateContainer(c, cp, role, volumeNames));
      if (c.name) {
        const first = containerNames.get(c.name);
        if (first !== undefined && first !== field) errs.push(fe.duplicate(child(cp, 'name'), c.name));
        if (first === undefined) containerNames.set(c.name, field);
      }
      // The target shares its namespaces with the ephemeral container: it must be a regular or init container.
      const target = role === 'ephemeralContainer' ? (c as EphemeralContainer).targetContainerName : undefined;
      if (target && !isTargetable(containerNames.get(target))) errs.push(fe.notFound(child(cp, 'targetContainerName'), target));
    });
  }

  if (spec.activeDeadlineSeconds !== undefined && (spec.activeDeadlineSeconds < 1 || spec.activeDeadlineSeconds > 2147483647)) {
    errs.push(fe.invalid(child(path, 'activeDeadlineSeconds'), spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  }
  for (const k of ['hostname', 'subdomain'] as const) {
    const v = spec[k];
    if (v) for (const msg of isDns1123Label(v)) errs.push(fe.invalid(child(path, k), v, msg));
  }
  if (spec.nodeName) for (const msg of isDns1123Subdomain(spec.nodeName)) errs.push(fe.invalid(child(path, 'nodeName'), spec.nodeName, msg));
  if (spec.serviceAccountName) {
    for (const msg of isDns1123Subdomain(spec.serviceAccountName)) errs.push(fe.invalid(child(path, 'serviceAccountName'), spec.serviceAccountName, msg));
  }
  if (spec.dnsPolicy === 'None' && !(spec.dnsConfig?.nameservers?.length)) {
    errs.push(fe.required(child(path, 'dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
  }
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(fe.invalid(child(path, 'nodeSelector'), k, msg));
    for (const msg of isValidLabelValue(v)) errs.push(fe.invalid(child(path, 'nodeSelector'), v, msg));
  }
  (spec.hostAliases ?? []).forEach((h, i) => {
    if (h.ip !== undefined && !isValidIP(h.ip)) errs.push(fe.invalid(child(index(child(path, 'hostAliases'), i), 'ip'), h.ip ?? '', 'must be a valid IP address'));
  });
  (spec.imagePullSecrets ?? []).forEach((s, i) => {
    if (!s.name) errs.push(fe.required(child(index(child(path, 'imagePullSecrets'), i), 'name'), ''));
  });
  (spec.readinessGates ?? []).forEach((g, i) => {
    const gp = child(index(child(path, 'readinessGates'), i), 'conditionType');
    for (const msg of isQualifiedName(g.conditionType ?? '')) errs.push(fe.invalid(gp, g.conditionType ?? '', msg));
  });
  (spec.schedulingGates ?? []).forEach((g, i) => {
    const gp = child(index(child(path, 'schedulingGates'), i), 'name');
    for (const msg of isQualifiedName(g.name ?? '')) errs.push(fe.invalid(gp, g.name ?? '', msg));
  });
  if (spec.hostPID && spec.shareProcessNamespace) {
    errs.push(fe.invalid(child(child(path, 'securityContext'), 'shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  errs.push(...validateTolerations(spec.tolerations, child(path, 'tolerations')));
  errs.push(...validateAffinity(spec.affinity, child(path, 'affinity')));
  errs.push(...validateTopologySpread(spec.topologySpreadConstraints, child(path, 'topologySpreadConstraints')));
  return errs;
}
