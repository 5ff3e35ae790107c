import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyWebhook } from '../../../api/admissionregistration/v1/index.js';
import { isExempt, resourceMatches, ruleMatches, rulesMatch, webhookApplies, type MatchRequest } from './matching.js';

const podCreate: MatchRequest = { operation: 'CREATE', group: '', version: 'v1', resource: 'pods', subresource: '', namespace: 'team-a' };
const rule = { operations: ['CREATE' as const], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] };

test('rules: operations, groups, versions and wildcards', () => {
  assert.equal(ruleMatches(rule, podCreate), true);
  assert.equal(ruleMatches(rule, { ...podCreate, operation: 'UPDATE' }), false);
  assert.equal(ruleMatches({ ...rule, operations: ['*'] }, { ...podCreate, operation: 'DELETE' }), true);
  assert.equal(ruleMatches(rule, { ...podCreate, group: 'apps', resource: 'deployments' }), false);
  assert.equal(ruleMatches({ ...rule, apiGroups: ['*'], resources: ['*'] }, { ...podCreate, group: 'apps', resource: 'deployments' }), true);
  assert.equal(ruleMatches(rule, { ...podCreate, version: 'v2' }), false);
});

test('resources: * excludes subresources, pods/* and */status include them, */* is everything', () => {
  assert.equal(resourceMatches(['*'], 'pods', ''), true);
  assert.equal(resourceMatches(['*'], 'pods', 'status'), false);
  assert.equal(resourceMatches(['pods'], 'pods', 'status'), false);
  assert.equal(resourceMatches(['pods/*'], 'pods', 'status'), true);
  assert.equal(resourceMatches(['pods/*'], 'services', 'status'), false);
  assert.equal(resourceMatches(['pods/status'], 'pods', 'status'), true);
  assert.equal(resourceMatches(['pods/status'], 'pods', 'exec'), false);
  assert.equal(resourceMatches(['*/scale'], 'deployments', 'scale'), true);
  assert.equal(resourceMatches(['*/scale'], 'deployments', ''), false);
  assert.equal(resourceMatches(['*/*'], 'deployments', 'scale'), true);
  assert.equal(resourceMatches(['*/*'], 'pods', ''), true);
});

test('scope: Namespaced excludes namespaces and cluster-scoped kinds; Cluster is the reverse', () => {
  const ns: MatchRequest = { operation: 'CREATE', group: '', version: 'v1', resource: 'namespaces', subresource: '', namespace: '' };
  const node: MatchRequest = { ...ns, resource: 'nodes' };
  const any = { operations: ['*' as const], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] };
  assert.equal(ruleMatches({ ...any, scope: 'Namespaced' }, podCreate), true);
  assert.equal(ruleMatches({ ...any, scope: 'Namespaced' }, ns), false);
  assert.equal(ruleMatches({ ...any, scope: 'Namespaced' }, node), false);
  assert.equal(ruleMatches({ ...any, scope: 'Cluster' }, podCreate), false);
  assert.equal(ruleMatches({ ...any, scope: 'Cluster' }, ns), true);
  assert.equal(ruleMatches({ ...any, scope: 'Cluster' }, node), true);
  assert.equal(ruleMatches({ ...any, scope: '*' }, node), true);
});

test('matchPolicy: Equivalent matches the resource through another served version, Exact does not', () => {
  const hpa: MatchRequest = { operation: 'CREATE', group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', subresource: '', namespace: 'a' };
  const hook = { rules: [{ operations: ['CREATE' as const], apiGroups: ['autoscaling'], apiVersions: ['v1'], resources: ['horizontalpodautoscalers'] }] };
  const equivalents = () => ['v1', 'v2'];
  assert.equal(rulesMatch({ ...hook, matchPolicy: 'Equivalent' }, hpa, equivalents), true);
  assert.equal(rulesMatch({ ...hook, matchPolicy: 'Exact' }, hpa, equivalents), false);
});

test('selectors: namespace labels, own labels for namespaces, new or old object labels', () => {
  const hook: AnyWebhook = { name: 'a.b.c', rules: [{ ...rule, operations: ['*'], resources: ['*'] }], namespaceSelector: { matchLabels: { webhook: 'on' } }, objectSelector: {} };
  assert.equal(webhookApplies(hook, podCreate, { namespaceLabels: { webhook: 'on' }, object: {} }), true);
  assert.equal(webhookApplies(hook, podCreate, { namespaceLabels: { webhook: 'off' }, object: {} }), false);
  assert.equal(webhookApplies(hook, podCreate, { namespaceLabels: {}, object: {} }), false);
  // A namespace is judged on its own labels; other cluster-scoped objects always match.
  const nsCreate: MatchRequest = { ...podCreate, resource: 'namespaces', namespace: '' };
  assert.equal(webhookApplies(hook, nsCreate, { object: { webhook: 'on' } }), true);
  assert.equal(webhookApplies(hook, nsCreate, { object: {} }), false);
  assert.equal(webhookApplies(hook, { ...podCreate, resource: 'nodes', namespace: '' }, { object: {} }), true);

  const bySelector: AnyWebhook = { ...hook, namespaceSelector: {}, objectSelector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] } };
  assert.equal(webhookApplies(bySelector, podCreate, { object: {} }), true);
  assert.equal(webhookApplies(bySelector, podCreate, { object: { skip: 'yes' } }), false);
  const update = { ...podCreate, operation: 'UPDATE' as const };
  assert.equal(webhookApplies(bySelector, update, { object: { skip: 'yes' }, oldObject: {} }), true, 'the old object matching is enough');
  const del = { ...podCreate, operation: 'DELETE' as const };
  assert.equal(webhookApplies(bySelector, del, { oldObject: { skip: 'yes' } }), false, 'a missing object never matches');
});

test('webhook configurations themselves are exempt', () => {
  assert.equal(isExempt({ group: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations' }), true);
  assert.equal(isExempt({ group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations' }), true);
  assert.equal(isExempt({ group: '', resource: 'pods' }), false);
  const all: AnyWebhook = { name: 'a.b.c', rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }] };
  assert.equal(webhookApplies(all, { ...podCreate, group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations', namespace: '' }, {}), false);
});
