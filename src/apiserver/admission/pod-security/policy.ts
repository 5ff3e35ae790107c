/**
 * Pod Security levels, policy versions and the namespace labels that choose them, as
 * k8s.io/pod-security-admission/api has them: `pod-security.kubernetes.io/<mode>` names a
 * level, `pod-security.kubernetes.io/<mode>-version` a version (`latest` or `v1.x`).
 */
import { FieldPath, invalid, type FieldError } from '../../../machinery/field-errors.js';

export type Level = 'privileged' | 'baseline' | 'restricted';
/** A policy version: a Kubernetes minor (1.x) or the newest one this server knows. */
export type Version = number | 'latest';

export interface LevelVersion {
  level: Level;
  version: Version;
}

export interface Policy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

export type Mode = keyof Policy;
export const MODES: readonly Mode[] = ['enforce', 'audit', 'warn'];
export const LABEL_PREFIX = 'pod-security.kubernetes.io/';
export const levelLabel = (mode: Mode): string => `${LABEL_PREFIX}${mode}`;
export const versionLabel = (mode: Mode): string => `${LABEL_PREFIX}${mode}-version`;

/** Upstream's default configuration: every mode privileged at the latest version. */
export const PRIVILEGED_POLICY: Policy = {
  enforce: { level: 'privileged', version: 'latest' },
  audit: { level: 'privileged', version: 'latest' },
  warn: { level: 'privileged', version: 'latest' },
};

const LEVELS: readonly Level[] = ['privileged', 'baseline', 'restricted'];
const VERSION_RE = /^v1\.([0-9]|[1-9][0-9]*)$/;

/** `restricted:latest`, `baseline:v1.25` — how upstream prints a level and version in messages. */
export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${lv.version === 'latest' ? 'latest' : `v1.${lv.version}`}`;
}

export function sameLevelVersion(a: LevelVersion, b: LevelVersion): boolean {
  return a.level === b.level && a.version === b.version;
}

/** -1, 0 or 1 as `a` is less strict than, as strict as, or stricter than `b`. */
export function compareLevels(a: Level, b: Level): number {
  return Math.sign(LEVELS.indexOf(a) - LEVELS.indexOf(b));
}

export function parseLevel(value: string): Level | undefined {
  return (LEVELS as readonly string[]).includes(value) ? (value as Level) : undefined;
}

export function parseVersion(value: string): Version | undefined {
  if (value === 'latest') return 'latest';
  const m = VERSION_RE.exec(value);
  if (!m) return undefined;
  const minor = Number(m[1]);
  return Number.isSafeInteger(minor) ? minor : undefined;
}

const labelsPath = FieldPath.root('metadata').child('labels');

/**
 * The policy a namespace's labels select, with `defaults` for the unlabelled modes, and the
 * label errors. As upstream, a bad enforce level fails closed (restricted), a bad audit or
 * warn level fails open (privileged), a bad version means latest; a policy is always returned.
 */
export function policyFromLabels(labels: Record<string, unknown> | undefined, defaults: Policy = PRIVILEGED_POLICY): { policy: Policy; errors: FieldError[] } {
  const policy: Policy = { enforce: { ...defaults.enforce }, audit: { ...defaults.audit }, warn: { ...defaults.warn } };
  const errors: FieldError[] = [];
  if (!labels) return { policy, errors };
  const validLevel = new Set<Mode>();
  for (const mode of MODES) {
    const level = labels[levelLabel(mode)];
    if (typeof level === 'string') {
      const parsed = parseLevel(level);
      if (!parsed) errors.push(invalid(labelsPath.key(levelLabel(mode)), level, `must be one of ${LEVELS.join(', ')}`));
      else validLevel.add(mode);
      policy[mode].level = parsed ?? (mode === 'enforce' ? 'restricted' : 'privileged');
    }
    const version = labels[versionLabel(mode)];
    if (typeof version === 'string') {
      const parsed = parseVersion(version);
      if (parsed === undefined) errors.push(invalid(labelsPath.key(versionLabel(mode)), version, 'must be "latest" or "v1.x"'));
      policy[mode].version = parsed ?? 'latest';
    }
  }
  // Since 1.26 an enforce label alone also warns (workload templates are never enforced,
  // so this is what tells a Deployment's author): warn takes a stricter enforce level.
  const warnLabelled = typeof labels[levelLabel('warn')] === 'string';
  if (!warnLabelled && validLevel.has('enforce') && compareLevels(policy.enforce.level, policy.warn.level) > 0) {
    policy.warn.level = policy.enforce.level;
    if (typeof labels[versionLabel('warn')] !== 'string') policy.warn.version = policy.enforce.version;
  }
  return { policy, errors };
}

/** True when no mode would ever refuse, warn or audit anything. */
export function fullyPrivileged(p: Policy): boolean {
  return p.enforce.level === 'privileged' && p.audit.level === 'privileged' && p.warn.level === 'privileged';
}
