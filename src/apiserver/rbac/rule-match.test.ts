import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nonResourceURLMatches, resourceMatches, ruleAllows, subjectMatches, type PolicyRule, type RuleRequest } from './rule-match.js';

const req = (over: Partial<RuleRequest>): RuleRequest => ({ verb: 'get', resourceRequest: true, path: '', apiGroup: '', resource: 'pods', ...over });

describe('RBAC rule matching', () => {
  const podsRead: PolicyRule = { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] };

  it('matches verb, API group and resource', () => {
    assert.equal(ruleAllows(podsRead, req({ verb: 'list' })), true);
    assert.equal(ruleAllows(podsRead, req({ verb: 'create' })), false);
    assert.equal(ruleAllows(podsRead, req({ apiGroup: 'apps' })), false);
    assert.equal(ruleAllows(podsRead, req({ resource: 'secrets' })), false);
  });

  it('"*" matches every verb, group and resource, subresources included', () => {
    const all: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
    assert.equal(ruleAllows(all, req({ verb: 'deletecollection', apiGroup: 'apps', resource: 'deployments', subresource: 'scale' })), true);
  });

  it('a resource does not cover its subresources; "pods/log" and "*/scale" name them', () => {
    assert.equal(ruleAllows(podsRead, req({ subresource: 'log' })), false);
    assert.equal(ruleAllows({ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, req({ subresource: 'log' })), true);
    assert.equal(ruleAllows({ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, req({})), false);
    assert.equal(resourceMatches({ verbs: [], resources: ['*/scale'] }, 'deployments/scale', 'scale'), true);
    assert.equal(resourceMatches({ verbs: [], resources: ['*/scale'] }, 'deployments/status', 'status'), false);
    assert.equal(resourceMatches({ verbs: [], resources: ['*/scale'] }, 'deployments', ''), false);
  });

  it('resourceNames restrict to those names (and so never match a list or create without a name)', () => {
    const one: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['cfg'] };
    assert.equal(ruleAllows(one, req({ resource: 'configmaps', name: 'cfg' })), true);
    assert.equal(ruleAllows(one, req({ resource: 'configmaps', name: 'other' })), false);
    assert.equal(ruleAllows(one, req({ resource: 'configmaps', verb: 'list' })), false);
  });

  it('nonResourceURLs: exact, "*", and a trailing "*" as a prefix', () => {
    const rule: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] };
    assert.equal(nonResourceURLMatches(rule, '/healthz'), true);
    assert.equal(nonResourceURLMatches(rule, '/healthz/etcd'), false);
    assert.equal(nonResourceURLMatches(rule, '/apis/apps/v1'), true);
    assert.equal(nonResourceURLMatches(rule, '/apis'), false);
    assert.equal(nonResourceURLMatches({ verbs: ['get'], nonResourceURLs: ['*'] }, '/anything'), true);
    assert.equal(ruleAllows(rule, { verb: 'get', resourceRequest: false, path: '/apis/v1' }), true);
    assert.equal(ruleAllows(rule, { verb: 'post', resourceRequest: false, path: '/healthz' }), false);
    // A resource rule never matches a non-resource request, nor the reverse.
    assert.equal(ruleAllows(podsRead, { verb: 'get', resourceRequest: false, path: '/api/v1/pods' }), false);
    assert.equal(ruleAllows(rule, req({})), false);
  });

  it('subjects: users, groups, and service accounts (namespace defaulting to the binding\'s)', () => {
    const sa = { name: 'system:serviceaccount:ns1:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'] };
    assert.equal(subjectMatches({ kind: 'User', name: 'alice' }, { name: 'alice', groups: [] }, ''), true);
    assert.equal(subjectMatches({ kind: 'User', name: 'alice' }, { name: 'bob', groups: ['alice'] }, ''), false);
    assert.equal(subjectMatches({ kind: 'Group', name: 'system:serviceaccounts:ns1' }, sa, ''), true);
    assert.equal(subjectMatches({ kind: 'ServiceAccount', name: 'robot', namespace: 'ns1' }, sa, ''), true);
    assert.equal(subjectMatches({ kind: 'ServiceAccount', name: 'robot', namespace: 'ns2' }, sa, ''), false);
    assert.equal(subjectMatches({ kind: 'ServiceAccount', name: 'robot' }, sa, 'ns1'), true);
    assert.equal(subjectMatches({ kind: 'ServiceAccount', name: 'robot' }, sa, ''), false);
    assert.equal(subjectMatches({ kind: 'Other', name: sa.name }, sa, 'ns1'), false);
  });
});
