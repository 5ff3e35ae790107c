import type { Node } from '../api/core/v1/node.js';
import type { Pod } from '../api/core/v1/pod.js';
import { LabelSelector, type LabelSelectorObject } from '../machinery/label-selector.js';

export interface Taint {
  key: string;
  value?: string | null;
  effect?: string | null;
}
export interface Toleration {
  key?: string | null;
  operator?: string | null;
  value?: string | null;
  effect?: string | null;
}

/** Whether one toleration tolerates a taint (v1 helper ToleratesTaint). */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

export function tolerated(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => toleratesTaint(t, taint));
}

export function taintText(t: Taint): string {
  return `{${t.key}: ${t.value ?? ''}}`;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: readonly string[] | null;
}
export interface NodeSelectorTerm {
  matchExpressions?: readonly NodeSelectorRequirement[] | null;
  matchFields?: readonly NodeSelectorRequirement[] | null;
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      const a = Number.parseInt(value, 10);
      const b = Number.parseInt(values[0] ?? '', 10);
      if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A node selector term: all expressions (labels) and fields (metadata.name) must match; an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = (node.metadata?.labels ?? {}) as Record<string, string>;
  for (const e of exprs) if (!requirementMatches(e, labels[e.key])) return false;
  for (const f of fields) {
    if (f.key !== 'metadata.name') return false;
    if (!requirementMatches(f, node.metadata?.name)) return false;
  }
  return true;
}

/** nodeSelector and required node affinity (terms ORed) both hold for the node. */
export function nodeMatchesPodNodeAffinity(pod: Pod, node: Node): boolean {
  const sel = pod.spec?.nodeSelector as Record<string, string> | undefined;
  if (sel) {
    const labels = (node.metadata?.labels ?? {}) as Record<string, string>;
    for (const k in sel) if (labels[k] !== sel[k]) return false;
  }
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && !terms.some((t) => termMatches(t as NodeSelectorTerm, node))) return false;
  return true;
}

const selectorCache = new WeakMap<object, LabelSelector>();

/** LabelSelector from an API selector object, cached per object (informer objects are immutable). */
export function selectorFor(obj: LabelSelectorObject | null | undefined): LabelSelector {
  if (!obj) return LabelSelector.nothing();
  const hit = selectorCache.get(obj);
  if (hit) return hit;
  let sel: LabelSelector;
  try {
    sel = LabelSelector.fromObject(obj);
  } catch {
    sel = LabelSelector.nothing();
  }
  selectorCache.set(obj, sel);
  return sel;
}

export function podLabels(pod: Pod): Record<string, string> {
  return (pod.metadata?.labels ?? {}) as Record<string, string>;
}

export function isTerminating(pod: Pod): boolean {
  return !!pod.metadata?.deletionTimestamp;
}
