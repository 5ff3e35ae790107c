/**
 * What every Pod Security check shares: the parts of a pod it reads, the result type, the
 * container visitor and upstream's wording helpers. Pods arrive as decoded JSON, so every
 * field may be absent; Go's nil pointer is `undefined` or `null` here.
 */

export interface SecurityContext {
  privileged?: boolean | null;
  allowPrivilegeEscalation?: boolean | null;
  capabilities?: { add?: string[] | null; drop?: string[] | null } | null;
  runAsNonRoot?: boolean | null;
  runAsUser?: number | null;
  seccompProfile?: { type?: string } | null;
  appArmorProfile?: { type?: string } | null;
  seLinuxOptions?: { type?: string; user?: string; role?: string } | null;
  procMount?: string | null;
  windowsOptions?: { hostProcess?: boolean | null } | null;
  sysctls?: Array<{ name?: string }> | null;
}

export interface Container {
  name?: string;
  image?: string;
  securityContext?: SecurityContext | null;
  ports?: Array<{ hostPort?: number | null }> | null;
}

export interface PodSpec {
  containers?: Container[] | null;
  initContainers?: Container[] | null;
  ephemeralContainers?: Container[] | null;
  securityContext?: SecurityContext | null;
  hostNetwork?: boolean | null;
  hostPID?: boolean | null;
  hostIPC?: boolean | null;
  volumes?: Array<Record<string, unknown> & { name?: string }> | null;
  os?: { name?: string } | null;
  runtimeClassName?: string | null;
}

export interface PodMeta {
  name?: string;
  annotations?: Record<string, string> | null;
}

/** One check's verdict: when not allowed, a short reason and an optional detail. */
export type CheckResult = { allowed: true } | { allowed: false; reason: string; detail: string };

export type CheckPodFn = (meta: PodMeta, spec: PodSpec) => CheckResult;

export const ALLOWED: CheckResult = { allowed: true };
export const forbid = (reason: string, detail = ''): CheckResult => ({ allowed: false, reason, detail });

/** Init containers, then containers, then ephemeral containers — upstream's visiting order. */
export function visitContainers(spec: PodSpec, visit: (c: Container) => void): void {
  for (const list of [spec.initContainers, spec.containers, spec.ephemeralContainers]) {
    if (Array.isArray(list)) for (const c of list) if (c && typeof c === 'object') visit(c);
  }
}

export const nameOf = (c: Container): string => String(c.name ?? '');

/** `"a", "b"` (no escaping, as upstream's joinQuote). */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** Sorted distinct values, as Go's sets.String.List(). */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** `container "a"` / `containers "a", "b"`. */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/** True for Windows pods, which several restricted checks skip from policy version 1.25. */
export const isWindowsPod = (spec: PodSpec): boolean => spec.os?.name === 'windows';

/** What a set of check results adds up to (upstream's AggregateCheckResult). */
export interface Aggregate {
  allowed: boolean;
  reasons: string[];
  details: string[];
}

export function aggregate(results: readonly CheckResult[]): Aggregate {
  const reasons: string[] = [];
  const details: string[] = [];
  for (const r of results) {
    if (r.allowed) continue;
    reasons.push(r.reason || 'unknown forbidden reason');
    details.push(r.detail);
  }
  return { allowed: reasons.length === 0, reasons, details };
}

/** `host namespaces, privileged` — the short form used for existing pods. */
export const forbiddenReason = (a: Aggregate): string => a.reasons.join(', ');

/** `hostPort (container "c" uses hostPort 80), privileged (…)` — the form for one object. */
export function forbiddenDetail(a: Aggregate): string {
  return a.reasons.map((r, i) => (a.details[i] ? `${r} (${a.details[i]})` : r)).join(', ');
}

/**
 * A check as upstream registers it: an ID (messages are ordered by it), the level it
 * belongs to, and its revisions, each applying from a policy minor version on until the
 * next. A restricted revision may name baseline checks it supersedes at that version.
 */
export interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  versions: ReadonlyArray<{ minVersion: number; check: CheckPodFn; overrides?: readonly string[] }>;
}
