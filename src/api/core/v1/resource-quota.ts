import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';
import { ageColumn } from '../../meta/v1/printing.js';
import { Quantity } from '../../../machinery/quantity.js';
import { resourceList } from './resources.js';

export const QUOTA_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'] as const;

export const ScopedResourceSelectorRequirementSchema = object('ScopedResourceSelectorRequirement', 'A requirement on a quota scope.', {
  scopeName: f(1, t.enum(...QUOTA_SCOPES), 'The scope.', { required: true }),
  operator: f(2, t.enum('In', 'NotIn', 'Exists', 'DoesNotExist'), 'How the scope relates to the values.', { required: true }),
  values: f(3, t.list(t.string()), 'Values for In and NotIn.'),
});

export const ScopeSelectorSchema = object('ScopeSelector', 'Scope requirements, ANDed.', {
  matchExpressions: f(1, t.list(t.object(() => ScopedResourceSelectorRequirementSchema)), 'The requirements.'),
});

export const ResourceQuotaSpecSchema = object('ResourceQuotaSpec', 'Hard limits for a namespace.', {
  hard: f(1, resourceList(), 'Limit per resource, e.g. pods, requests.cpu, limits.memory.'),
  scopes: f(2, t.list(t.enum(...QUOTA_SCOPES)), 'Only objects in all these scopes count.'),
  scopeSelector: f(3, t.object(() => ScopeSelectorSchema), 'Scope requirements objects must meet to count.'),
});

export const ResourceQuotaStatusSchema = object('ResourceQuotaStatus', 'Enforced limits and current usage.', {
  hard: f(1, resourceList(), 'Limits being enforced.'),
  used: f(2, resourceList(), 'Current usage.'),
});

export const ResourceQuotaSchema = object('ResourceQuota', 'Aggregate resource limits for a namespace.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => ResourceQuotaSpecSchema), 'The limits.'),
  status: f(3, t.object(() => ResourceQuotaStatusSchema), 'Enforced limits and usage.'),
});
export type ResourceQuota = Infer<typeof ResourceQuotaSchema>;

const canonical = (v: string | number | undefined): string => {
  try {
    return Quantity.parse(String(v ?? '0')).toString();
  } catch {
    return String(v);
  }
};

/** REQUEST and LIMIT cells: "name: used/hard" for every resource in status.hard, sorted. */
export function quotaCells(rq: ResourceQuota): { request: string; limit: string } {
  const hard = rq.status?.hard ?? {};
  const used = rq.status?.used ?? {};
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const text = `${name}: ${canonical(used[name])}/${canonical(hard[name])}`;
    const pieces = name.split('.');
    (pieces.length > 1 && pieces[0] === 'limits' ? limit : request).push(text);
  }
  return { request: request.join(', '), limit: limit.join(', ') };
}

export const ResourceQuotaKind = kind<ResourceQuota>({
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  plural: 'resourcequotas',
  singular: 'resourcequota',
  shortNames: ['quota'],
  namespaced: true,
  schema: ResourceQuotaSchema,
  protoName: 'k8s.io.api.core.v1.ResourceQuota',
  subresources: { status: true },
  printerColumns: [
    ageColumn<ResourceQuota>(),
    { name: 'Request', type: 'string', description: 'Usage of request and count quotas.', value: (rq) => quotaCells(rq).request },
    { name: 'Limit', type: 'string', description: 'Usage of limit quotas.', value: (rq) => quotaCells(rq).limit },
  ],
});
