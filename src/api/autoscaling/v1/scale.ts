import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema, ageColumn, nonNegative } from '../../meta/v1/index.js';

export const ScaleSpecSchema = object('ScaleSpec', 'Desired replica count.', {
  replicas: f(1, t.int32(), 'Desired number of replicas.', { validate: (v, p) => nonNegative(v, p) }),
});

export const ScaleStatusSchema = object('ScaleStatus', 'Observed replica count and the pods’ selector.', {
  replicas: f(1, t.int32(), 'Observed number of replicas.', { required: true }),
  selector: f(2, t.string(), 'Label selector of the pods, in string form (app=web).'),
});

/**
 * The body of every `<resource>/scale` subresource (Deployment, ReplicaSet, StatefulSet,
 * custom resources with a scale subresource). kubectl scale reads and patches it.
 */
export const ScaleSchema = object('Scale', 'The replica count of a scalable resource.', {
  apiVersion: f(0, t.string(), 'Always autoscaling/v1.'),
  kind: f(0, t.string(), 'Always Scale.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Metadata of the scaled object.'),
  spec: f(2, t.object(() => ScaleSpecSchema), 'Desired replicas.'),
  status: f(3, t.object(() => ScaleStatusSchema), 'Observed replicas and selector.'),
});
export type Scale = Infer<typeof ScaleSchema>;

/**
 * Scale as a kind, for decoding and Table output of scale subresources. It is not a
 * top-level resource: keep it out of discovery's resource list.
 */
export const ScaleKind = kind<Scale>({
  group: 'autoscaling',
  version: 'v1',
  kind: 'Scale',
  plural: 'scale',
  singular: 'scale',
  namespaced: true,
  verbs: ['get', 'update', 'patch'],
  schema: ScaleSchema,
  protoName: 'k8s.io.api.autoscaling.v1.Scale',
  printerColumns: [
    { name: 'Desired', type: 'integer', description: 'Desired replicas.', value: (s) => s.spec?.replicas ?? 0 },
    { name: 'Available', type: 'integer', description: 'Observed replicas.', value: (s) => s.status?.replicas ?? 0 },
    ageColumn(),
  ],
});
