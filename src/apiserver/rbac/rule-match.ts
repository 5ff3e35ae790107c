/**
 * Pure matching of RBAC PolicyRules and Subjects against a request, with upstream's
 * semantics (k8s.io/kubernetes pkg/apis/rbac/v1 evaluation helpers). Table-tested in
 * rule-match.test.ts.
 */
import type { UserInfo } from '../types.js';

/** rbac.authorization.k8s.io/v1 PolicyRule. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** rbac.authorization.k8s.io/v1 Subject. */
export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** The part of a request a rule is matched against (authorizer.Attributes). */
export interface RuleRequest {
  verb: string;
  resourceRequest: boolean;
  path: string;
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

const ALL = '*';
const SA_PREFIX = 'system:serviceaccount:';

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return (rule.verbs ?? []).some((v) => v === ALL || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === ALL || g === group);
}

/**
 * `combined` is "pods" or "pods/log". A rule's "*" matches any resource and subresource;
 * "*\/scale" matches the scale subresource of any resource — but "pods" does not match "pods/log".
 */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  return (rule.resources ?? []).some(
    (r) => r === ALL || r === combined || (subresource !== '' && r.length === subresource.length + 2 && r === `*/${subresource}`),
  );
}

/** No resourceNames: every name (including none, e.g. list and create). */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** "*" matches every path; a trailing "*" matches by prefix ("/apis/*"); otherwise exact. */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((u) => u === ALL || u === path || (u.endsWith(ALL) && path.startsWith(u.slice(0, -1))));
}

/** Whether one rule allows the request (upstream's RuleAllows). */
export function ruleAllows(rule: PolicyRule, req: RuleRequest): boolean {
  if (!req.resourceRequest) return verbMatches(rule, req.verb) && nonResourceURLMatches(rule, req.path);
  const combined = req.subresource ? `${req.resource ?? ''}/${req.subresource}` : (req.resource ?? '');
  return (
    verbMatches(rule, req.verb) &&
    apiGroupMatches(rule, req.apiGroup ?? '') &&
    resourceMatches(rule, combined, req.subresource ?? '') &&
    resourceNameMatches(rule, req.name ?? '')
  );
}

/**
 * Whether a binding's subject is this user. A ServiceAccount subject without a namespace
 * means the binding's own (`bindingNamespace`, '' for a ClusterRoleBinding: matches nobody).
 */
export function subjectMatches(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || bindingNamespace;
      return ns !== '' && user.name === `${SA_PREFIX}${ns}:${subject.name}`;
    }
    default:
      return false;
  }
}

/** How upstream names a subject in an "allowed by" reason: `ServiceAccount "sa/ns"`, `User "alice"`. */
export function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') return `${subject.kind} "${subject.name}/${subject.namespace || bindingNamespace}"`;
  return `${subject.kind} "${subject.name}"`;
}
