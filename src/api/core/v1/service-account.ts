import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';
import { ageColumn } from '../../meta/v1/printing.js';
import { ptr } from './embedded.js';
import { LocalObjectReferenceSchema, ObjectReferenceSchema } from './references.js';

export const ServiceAccountSchema = object('ServiceAccount', 'An identity for processes running in pods.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  secrets: f(2, t.list(t.object(() => ObjectReferenceSchema), { listType: 'map', listMapKeys: ['name'] }), 'Secrets pods using this account may use.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'name',
  }),
  imagePullSecrets: f(3, t.list(t.object(() => LocalObjectReferenceSchema)), 'Secrets used to pull images for pods using this account.'),
  automountServiceAccountToken: ptr(f(4, t.bool(), 'Whether pods get an API token mounted by default.')),
});
export type ServiceAccount = Infer<typeof ServiceAccountSchema>;

export const ServiceAccountKind = kind<ServiceAccount>({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  shortNames: ['sa'],
  namespaced: true,
  schema: ServiceAccountSchema,
  protoName: 'k8s.io.api.core.v1.ServiceAccount',
  printerColumns: [
    { name: 'Secrets', type: 'string', description: 'Number of secrets listed.', value: (sa) => (sa.secrets ?? []).length },
    ageColumn<ServiceAccount>(),
  ],
});
