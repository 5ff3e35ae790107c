/**
 * Which checks run for a level and version, in which order (upstream's checkRegistry):
 * baseline checks sorted by ID, then restricted checks sorted by ID, each at the revision
 * that applies to the version; at restricted, a baseline check superseded by a restricted
 * one (restrictedVolumes over hostPathVolumes, …) is left out so nothing is reported twice.
 */
import type { Check, CheckPodFn, CheckResult, PodMeta, PodSpec } from './check-kit.js';
import { BASELINE_CHECKS } from './checks-baseline.js';
import { RESTRICTED_CHECKS } from './checks-restricted.js';
import type { LevelVersion } from './policy.js';

/** The newest policy version this server knows (Kubernetes 1.32): `latest` and newer labels mean it. */
export const MAX_POLICY_VERSION = 32;

const byId = (a: Check, b: Check): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The revision of `check` in force at `minor`, if the check exists yet. */
function revisionAt(check: Check, minor: number): Check['versions'][number] | undefined {
  let found: Check['versions'][number] | undefined;
  for (const v of check.versions) if (v.minVersion <= minor) found = v;
  return found;
}

function checksFor(level: 'baseline' | 'restricted', minor: number): CheckPodFn[] {
  const baseline = [...BASELINE_CHECKS].sort(byId);
  if (level === 'baseline') return baseline.flatMap((c) => revisionAt(c, minor)?.check ?? []);
  const restricted = [...RESTRICTED_CHECKS].sort(byId).flatMap((c) => revisionAt(c, minor) ?? []);
  const overridden = new Set(restricted.flatMap((r) => r.overrides ?? []));
  return [...baseline.filter((c) => !overridden.has(c.id)).flatMap((c) => revisionAt(c, minor)?.check ?? []), ...restricted.map((r) => r.check)];
}

// Resolved up front for every level and version: admission runs these on every pod write.
const TABLE = {
  baseline: Array.from({ length: MAX_POLICY_VERSION + 1 }, (_, minor) => checksFor('baseline', minor)),
  restricted: Array.from({ length: MAX_POLICY_VERSION + 1 }, (_, minor) => checksFor('restricted', minor)),
};

/** Runs every check of the level and version on the pod (privileged: none), in upstream's order. */
export function evaluatePod(lv: LevelVersion, meta: PodMeta, spec: PodSpec): CheckResult[] {
  if (lv.level === 'privileged') return [];
  const minor = lv.version === 'latest' || lv.version > MAX_POLICY_VERSION ? MAX_POLICY_VERSION : lv.version;
  return (TABLE[lv.level][minor] ?? []).map((check) => check(meta, spec));
}
