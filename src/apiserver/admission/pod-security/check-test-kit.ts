/** Test helpers: run one check, by ID, at a policy version, on a pod spec. */
import type { CheckResult, PodMeta, PodSpec } from './check-kit.js';
import { BASELINE_CHECKS } from './checks-baseline.js';
import { RESTRICTED_CHECKS } from './checks-restricted.js';
import { MAX_POLICY_VERSION } from './registry.js';

export function runCheck(id: string, spec: PodSpec, opts: { meta?: PodMeta; version?: number } = {}): CheckResult {
  const check = [...BASELINE_CHECKS, ...RESTRICTED_CHECKS].find((c) => c.id === id);
  if (!check) throw new Error(`no check ${id}`);
  const version = opts.version ?? MAX_POLICY_VERSION;
  const revision = [...check.versions].reverse().find((v) => v.minVersion <= version);
  if (!revision) throw new Error(`check ${id} does not exist at v1.${version}`);
  return revision.check(opts.meta ?? {}, spec);
}

/** A spec of one container named `c` with the given securityContext (and extra container fields). */
export const oneContainer = (securityContext?: object, extra: object = {}): PodSpec => ({ containers: [{ name: 'c', ...(securityContext ? { securityContext } : {}), ...extra }] });
