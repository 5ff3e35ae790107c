import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';

export const NamespaceConditionSchema = object('NamespaceCondition', 'One aspect of a namespace’s state.', {
  type: f(1, t.string(), 'Condition type.', { required: true }),
  status: f(2, t.enum('True', 'False', 'Unknown'), 'Status of the condition.', { required: true }),
  lastTransitionTime: f(4, t.time(), 'When the status last changed.'),
  reason: f(5, t.string(), 'Machine-readable reason.'),
  message: f(6, t.string(), 'Human-readable details.'),
});

export const NamespaceSpecSchema = object('NamespaceSpec', 'Desired state of a namespace.', {
  finalizers: f(1, t.list(t.string()), 'Must be empty before the namespace is removed from storage.'),
});

export const NamespaceStatusSchema = object('NamespaceStatus', 'Observed state of a namespace.', {
  phase: f(1, t.enum('Active', 'Terminating'), 'Lifecycle phase of the namespace.'),
  conditions: f(2, t.list(t.object(() => NamespaceConditionSchema), { listType: 'map', listMapKeys: ['type'] }), 'Latest observations of the namespace.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'type',
  }),
});

/** Label Kubernetes puts on every namespace, holding its name (so selectors can pick namespaces by name). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export const NamespaceSchema = object(
  'Namespace',
  'A scope for names; most objects live in one.',
  {
    apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
    kind: f(0, t.string(), 'The kind of this object.'),
    metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
    spec: f(2, t.object(() => NamespaceSpecSchema), 'Desired state.'),
    status: f(3, t.object(() => NamespaceStatusSchema), 'Observed state.'),
  },
  {
    // SetDefaults_Namespace and SetDefaults_NamespaceStatus: the name label, and phase Active.
    applyDefaults: (ns) => {
      const name = ns.metadata?.name;
      if (name) ns.metadata!.labels = { ...ns.metadata!.labels, [NAMESPACE_NAME_LABEL]: name };
      ns.status ??= {};
      ns.status.phase ??= 'Active';
    },
  },
);
export type Namespace = Infer<typeof NamespaceSchema>;

export const NamespaceKind = kind<Namespace>({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  namespaced: false,
  nameFormat: 'dns1123-label',
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  schema: NamespaceSchema,
  protoName: 'k8s.io.api.core.v1.Namespace',
  subresources: { status: true },
  fieldSelectors: { 'status.phase': (ns) => ns.status?.phase ?? '' },
  printerColumns: [
    { name: 'Status', type: 'string', description: 'The namespace phase.', value: (ns) => ns.status?.phase ?? '' },
    { name: 'Age', type: 'date', description: 'Time since creation.', value: (ns) => ns.metadata?.creationTimestamp },
  ],
});
