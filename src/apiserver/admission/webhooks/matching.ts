/**
 * Which webhooks a request goes to, as upstream's webhook rule, namespace and object
 * matchers decide: rules (operation, group, version, resource/subresource, scope), then the
 * namespace selector against the namespace's labels, then the object selector against the
 * new or the old object's labels. Pure functions over plain data.
 */
import { labelSelectorMatches, type LabelSelector } from '../../../api/meta/v1/index.js';
import type { AnyWebhook, RuleWithOperations } from '../../../api/admissionregistration/v1/index.js';

/** The request as the matchers see it. */
export interface MatchRequest {
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  group: string;
  version: string;
  resource: string;
  subresource: string;
  /** '' for cluster-scoped objects (and for namespaces themselves). */
  namespace: string;
}

/** What the selectors are evaluated against. */
export interface MatchLabels {
  /** Labels of the request's namespace; undefined when it is unknown. */
  namespaceLabels?: Readonly<Record<string, string>>;
  /** Labels of the new object (absent for DELETE) and of the old one (absent for CREATE). */
  object?: Readonly<Record<string, string>>;
  oldObject?: Readonly<Record<string, string>>;
}

/** Other versions in which a group/resource is served (for matchPolicy Equivalent). */
export type EquivalentVersions = (group: string, resource: string) => readonly string[];

const ADMISSION_GROUP = 'admissionregistration.k8s.io';
const EXEMPT_RESOURCES = new Set(['mutatingwebhookconfigurations', 'validatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings']);

/** Webhooks are never called for the webhook (and policy) configurations themselves, so a bad webhook can always be removed. */
export function isExempt(req: Pick<MatchRequest, 'group' | 'resource'>): boolean {
  return req.group === ADMISSION_GROUP && EXEMPT_RESOURCES.has(req.resource);
}

const hasOrStar = (list: readonly string[] | undefined, v: string): boolean => (list ?? []).some((x) => x === '*' || x === v);

/** `pods` → [pods, ''], `pods/log` → [pods, log], `*\/*` → [*, *]. */
function splitResource(r: string): [string, string] {
  const i = r.indexOf('/');
  return i < 0 ? [r, ''] : [r.slice(0, i), r.slice(i + 1)];
}

/** Whether one rule matches the request exactly (its version included). */
export function ruleMatches(rule: RuleWithOperations, req: MatchRequest): boolean {
  return (
    hasOrStar(rule.operations, req.operation) &&
    hasOrStar(rule.apiGroups, req.group) &&
    hasOrStar(rule.apiVersions, req.version) &&
    resourceMatches(rule.resources ?? [], req.resource, req.subresource) &&
    scopeMatches(rule.scope, req)
  );
}

/** `*` matches resources without subresource; `x/*` x and its subresources; `*\/y` y of any resource. */
export function resourceMatches(resources: readonly string[], resource: string, subresource: string): boolean {
  return resources.some((r) => {
    const [res, sub] = splitResource(r);
    return (res === '*' || res === resource) && (sub === '*' || sub === subresource);
  });
}

function scopeMatches(scope: string | undefined | null, req: MatchRequest): boolean {
  if (!scope || scope === '*') return true;
  const isNamespace = req.group === '' && req.resource === 'namespaces';
  if (scope === 'Namespaced') return !isNamespace && req.namespace !== '';
  if (scope === 'Cluster') return isNamespace || req.namespace === '';
  return false;
}

/**
 * Whether any rule of the webhook matches: exactly, or (matchPolicy Equivalent) through
 * another served version of the same group and resource.
 */
export function rulesMatch(hook: Pick<AnyWebhook, 'rules' | 'matchPolicy'>, req: MatchRequest, equivalents?: EquivalentVersions): boolean {
  const rules = hook.rules ?? [];
  if (rules.some((r) => ruleMatches(r, req))) return true;
  if ((hook.matchPolicy ?? 'Equivalent') !== 'Equivalent' || !equivalents) return false;
  const others = equivalents(req.group, req.resource).filter((v) => v !== req.version);
  return others.some((version) => rules.some((r) => ruleMatches(r, { ...req, version })));
}

const isEmptySelector = (s: LabelSelector | undefined | null): boolean =>
  !s || (Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0);

/**
 * The namespace selector: cluster-scoped objects other than namespaces always match; a
 * namespace is matched on its own labels (new, else old), anything else on its namespace's.
 */
export function namespaceSelectorMatches(selector: LabelSelector | undefined | null, req: MatchRequest, labels: MatchLabels): boolean {
  const isNamespace = req.group === '' && req.resource === 'namespaces';
  if (req.namespace === '' && !isNamespace) return true;
  if (isEmptySelector(selector)) return true;
  const nsLabels = isNamespace ? (labels.object ?? labels.oldObject) : labels.namespaceLabels;
  return labelSelectorMatches(selector, nsLabels ?? {});
}

/** The object selector: the new or the old object matches; a missing object never does. */
export function objectSelectorMatches(selector: LabelSelector | undefined | null, labels: MatchLabels): boolean {
  if (isEmptySelector(selector)) return true;
  return [labels.object, labels.oldObject].some((l) => l !== undefined && labelSelectorMatches(selector, l));
}

/** Everything together: whether `hook` is called for this request. */
export function webhookApplies(hook: AnyWebhook, req: MatchRequest, labels: MatchLabels, equivalents?: EquivalentVersions): boolean {
  if (isExempt(req)) return false;
  return (
    rulesMatch(hook, req, equivalents) &&
    namespaceSelectorMatches(hook.namespaceSelector as LabelSelector | undefined, req, labels) &&
    objectSelectorMatches(hook.objectSelector as LabelSelector | undefined, labels)
  );
}
