import { renderFieldError } from '../../machinery/field-errors.js';
import { forbidden, internalError, invalid } from '../resources/errors.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import { aggregate, forbiddenDetail, type Aggregate, type PodMeta, type PodSpec } from './pod-security/check-kit.js';
import { evaluatePodsInNamespace } from './pod-security/namespace-pods.js';
import { isSignificantPodUpdate, podParts, POD_TEMPLATE_RESOURCES, templateParts } from './pod-security/pods.js';
import { compareLevels, fullyPrivileged, levelVersionString, policyFromLabels, PRIVILEGED_POLICY, sameLevelVersion, type LevelVersion, type Policy } from './pod-security/policy.js';
import { evaluatePod } from './pod-security/registry.js';
import { exemptNamespaceWarning } from './pod-security/exemptions.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';

/** What audit mode records for a request (upstream puts these in audit annotations, prefixed `pod-security.kubernetes.io/`). */
export interface PodSecurityAuditRecord {
  resource: string;
  namespace: string;
  name: string;
  annotations: Record<string, string>;
}

export interface PodSecurityConfig {
  /** A namespace by name (for its labels); undefined when there is none. */
  getNamespace(name: string): Promise<KubeObject | undefined>;
  /** The pods of a namespace (to warn about them when its enforce level is raised). */
  listPods(namespace: string): Promise<KubeObject[]>;
  /** The policy of unlabelled modes (default: privileged:latest for all three, as upstream). */
  defaults?: Policy;
  /** Never checked; upstream exempts nothing by default. */
  exemptions?: { namespaces?: readonly string[]; usernames?: readonly string[]; runtimeClasses?: readonly string[] };
  /** Receives audit-mode violations and label errors (default: one JSON log line each). */
  audit?: (record: PodSecurityAuditRecord) => void;
  maxPodsToCheck?: number;
  podCheckTimeoutMs?: number;
  now?: () => number;
}

/** Pod subresources that cannot change what the checks see (ephemeralcontainers and resize are checked). */
const IGNORED_POD_SUBRESOURCES = new Set(['exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy', 'status']);

/**
 * Kubernetes' PodSecurity admission plugin: each namespace's `pod-security.kubernetes.io/*`
 * labels pick a Pod Security Standard level per mode. Pods failing the enforce level are
 * refused (403 `violates PodSecurity "restricted:latest": …`); failing the warn level adds a
 * `Warning`; failing the audit level is recorded. Workload templates are warned and audited,
 * never refused. Namespace labels must be valid (422), and raising the enforce level warns
 * about existing pods that would not pass it. Runs on create and update only.
 */
export function podSecurityAdmission(config: PodSecurityConfig): AdmissionPlugin {
  const defaults = config.defaults ?? PRIVILEGED_POLICY;
  const exemptNamespaces = new Set(config.exemptions?.namespaces ?? []);
  const exemptUsers = new Set(config.exemptions?.usernames ?? []);
  const exemptRuntimeClasses = new Set(config.exemptions?.runtimeClasses ?? []);
  const audit = config.audit ?? ((r: PodSecurityAuditRecord) => console.log(JSON.stringify({ component: 'pod-security', ...r })));
  const now = config.now ?? Date.now;

  const exemptRequest = (attrs: AdmissionAttributes): boolean => exemptNamespaces.has(attrs.namespace ?? '') || exemptUsers.has(attrs.user.name);

  /** Checks one pod(-like) object against the namespace's policy; throws when enforce refuses it. */
  const evaluate = (attrs: AdmissionAttributes, policy: Policy, labelErrors: string, parts: { meta: PodMeta; spec: PodSpec }, enforce: boolean): string[] => {
    const rc = parts.spec.runtimeClassName;
    if (typeof rc === 'string' && rc !== '' && exemptRuntimeClasses.has(rc)) return [];
    const annotations: Record<string, string> = {};
    if (labelErrors) annotations['pod-security.kubernetes.io/error'] = `Failed to parse policy: ${labelErrors}`;
    const results = new Map<string, Aggregate>();
    const resultFor = (lv: LevelVersion): Aggregate => {
      const key = levelVersionString(lv);
      let r = results.get(key);
      if (!r) results.set(key, (r = aggregate(evaluatePod(lv, parts.meta, parts.spec))));
      return r;
    };
    let refusal: Error | undefined;
    if (enforce) {
      const r = resultFor(policy.enforce);
      if (!r.allowed) refusal = forbidden(attrs.spec, attrs.name, `violates PodSecurity "${levelVersionString(policy.enforce)}": ${forbiddenDetail(r)}`);
    }
    const auditResult = resultFor(policy.audit);
    if (!auditResult.allowed) annotations['pod-security.kubernetes.io/audit-violations'] = `would violate PodSecurity "${levelVersionString(policy.audit)}": ${forbiddenDetail(auditResult)}`;
    if (Object.keys(annotations).length) audit({ resource: attrs.spec.plural, namespace: attrs.namespace ?? '', name: attrs.name, annotations });
    if (refusal) throw refusal;
    // No warning on a request that is refused anyway.
    const warnResult = resultFor(policy.warn);
    return warnResult.allowed ? [] : [`would violate PodSecurity "${levelVersionString(policy.warn)}": ${forbiddenDetail(warnResult)}`];
  };

  const namespacePolicy = async (attrs: AdmissionAttributes, failClosed: boolean): Promise<{ policy: Policy; errors: string } | undefined> => {
    const name = attrs.namespace ?? '';
    let ns: KubeObject | undefined;
    try {
      ns = await config.getNamespace(name);
    } catch {
      ns = undefined;
    }
    if (!ns) {
      if (failClosed) throw internalError(new Error(`failed to lookup namespace "${name}"`));
      audit({ resource: attrs.spec.plural, namespace: name, name: attrs.name, annotations: { 'pod-security.kubernetes.io/error': `failed to lookup namespace "${name}"` } });
      return undefined;
    }
    const { policy, errors } = policyFromLabels(ns.metadata?.labels, defaults);
    return { policy, errors: aggregateText(errors.map(renderFieldError)) };
  };

  const validatePod = async (attrs: AdmissionAttributes, pod: KubeObject, old: KubeObject | undefined): Promise<string[]> => {
    if (IGNORED_POD_SUBRESOURCES.has(attrs.subresource ?? '') || exemptRequest(attrs)) return [];
    // Cheap before the namespace lookup: most pod updates (finalizers, labels, a graceful delete) touch no checked field.
    if (attrs.operation === 'UPDATE' && old && !isSignificantPodUpdate(pod, old)) return [];
    const ns = await namespacePolicy(attrs, true);
    if (!ns || (!ns.errors && fullyPrivileged(ns.policy))) return [];
    return evaluate(attrs, ns.policy, ns.errors, podParts(pod), true);
  };

  const validateWorkload = async (attrs: AdmissionAttributes, resource: string, obj: KubeObject): Promise<string[]> => {
    if (attrs.subresource || exemptRequest(attrs)) return [];
    const ns = await namespacePolicy(attrs, false);
    if (!ns || (!ns.errors && ns.policy.warn.level === 'privileged' && ns.policy.audit.level === 'privileged')) return [];
    const parts = templateParts(resource, obj);
    return parts ? evaluate(attrs, ns.policy, ns.errors, parts, false) : [];
  };

  const validateNamespace = async (attrs: AdmissionAttributes, ns: KubeObject, old: KubeObject | undefined): Promise<string[]> => {
    if (attrs.subresource) return [];
    const next = policyFromLabels(ns.metadata?.labels, defaults);
    const exempt = exemptNamespaces.has(attrs.name);
    if (attrs.operation === 'CREATE' || !old) {
      if (next.errors.length) throw invalid({ kind: 'Namespace', group: '' }, attrs.name, next.errors);
      const warning = exempt ? exemptNamespaceWarning(attrs.name, next.policy, defaults, ns.metadata?.labels) : '';
      return warning ? [warning] : [];
    }
    const prev = policyFromLabels(old.metadata?.labels, defaults);
    // Labels already invalid before this update may stay so; new errors refuse it.
    const sameErrors = next.errors.map(renderFieldError).join('\n') === prev.errors.map(renderFieldError).join('\n');
    if (next.errors.length && (!prev.errors.length || !sameErrors)) throw invalid({ kind: 'Namespace', group: '' }, attrs.name, next.errors);
    const [enforce, was] = [next.policy.enforce, prev.policy.enforce];
    if (sameLevelVersion(enforce, was) || enforce.level === 'privileged') return [];
    if (enforce.version === was.version && compareLevels(enforce.level, was.level) < 1) return [];
    if (exempt) {
      const warning = exemptNamespaceWarning(attrs.name, next.policy, defaults, ns.metadata?.labels);
      return warning ? [warning] : [];
    }
    let pods: KubeObject[];
    try {
      pods = await config.listPods(attrs.name);
    } catch {
      return ['failed to list pods while checking new PodSecurity enforce level'];
    }
    return evaluatePodsInNamespace(attrs.name, enforce, pods, {
      maxPods: config.maxPodsToCheck ?? 3000,
      timeoutMs: config.podCheckTimeoutMs ?? 1000,
      now,
      exemptRuntimeClasses,
    });
  };

  return {
    name: 'PodSecurity',
    // A validating plugin: upstream's validating phase runs it before ResourceQuota charges.
    before: 'ResourceQuota',
    async admit(attrs, obj, old) {
      if ((attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') || !obj) return [];
      const resource = `${attrs.spec.group}/${attrs.spec.plural}`;
      if (resource === '/namespaces') return validateNamespace(attrs, obj, old);
      if (resource === '/pods') return validatePod(attrs, obj, old);
      if (POD_TEMPLATE_RESOURCES.has(resource)) return validateWorkload(attrs, resource, obj);
      return [];
    },
  };
}

/** utilerrors' aggregate text: one error alone, several as `[a, b]`. */
const aggregateText = (messages: string[]): string => (messages.length <= 1 ? (messages[0] ?? '') : `[${messages.join(', ')}]`);
