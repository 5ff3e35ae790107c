/** The warning for labelling an exempt namespace: its labels will have no effect. */
import { fullyPrivileged, levelLabel, levelVersionString, MODES, versionLabel, type LevelVersion, type Policy } from './policy.js';

/** Same level, and the same version unless privileged (where the version changes nothing). */
const equivalent = (a: LevelVersion, b: LevelVersion): boolean => a.level === b.level && (a.level === 'privileged' || a.version === b.version);

/**
 * `namespace "x" is exempt from Pod Security, and the policy (enforce=restricted:latest)
 * will be ignored`, naming the non-privileged modes its labels set; '' when the policy is
 * privileged or no different from the defaults.
 */
export function exemptNamespaceWarning(name: string, policy: Policy, defaults: Policy, labels: Record<string, unknown> | undefined): string {
  if (fullyPrivileged(policy) || MODES.every((m) => equivalent(policy[m], defaults[m]))) return '';
  const parts = MODES.filter((m) => policy[m].level !== 'privileged' && (labels?.[levelLabel(m)] !== undefined || labels?.[versionLabel(m)] !== undefined)).map(
    (m) => `${m}=${levelVersionString(policy[m])}`,
  );
  return `namespace "${name}" is exempt from Pod Security, and the policy (${parts.join(', ')}) will be ignored`;
}
