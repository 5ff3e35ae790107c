import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { PodTemplateSpecSchema } from '../../core/v1/pod-template.js';
import { EXTRA_VOLUME_NAMES } from '../../core/v1/pod-spec-validation.js';
import { LabelSelectorSchema, ObjectMetaSchema, ageColumn, containerCells, fieldError, nonNegative } from '../../meta/v1/index.js';
import { PersistentVolumeClaimTemplateSchema } from './volume-claim-template.js';
import { notMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent.js';
import { validateSelectorAndTemplate } from './workload-template.js';

export const RollingUpdateStatefulSetStrategySchema = object(
  'RollingUpdateStatefulSetStrategy',
  'Parameters of a StatefulSet rolling update.',
  {
    partition: f(1, t.int32(), 'Only pods with an ordinal at or above this are updated (canaries).', {
      default: 0,
      pointer: true,
      validate: (v, p) => nonNegative(v, p),
    }),
    maxUnavailable: f(2, t.intOrString(), 'Pods (or %) that may be unavailable during the update (alpha).'),
  },
  {
    validate: (ru, path) => [
      ...validatePositiveIntOrPercent(ru.maxUnavailable, `${path}.maxUnavailable`),
      ...notMoreThan100Percent(ru.maxUnavailable, `${path}.maxUnavailable`),
    ],
  },
);

export const StatefulSetUpdateStrategySchema = object(
  'StatefulSetUpdateStrategy',
  'How a StatefulSet replaces pods when its template changes.',
  {
    type: f(1, t.enum('RollingUpdate', 'OnDelete'), 'RollingUpdate (highest ordinal first) or OnDelete.', { default: 'RollingUpdate' }),
    rollingUpdate: f(2, t.object(() => RollingUpdateStatefulSetStrategySchema), 'Rolling update parameters.'),
  },
  {
    applyDefaults: (s) => {
      // Field defaults of rollingUpdate ran before it existed; fill partition here too.
      if (s.type === 'RollingUpdate') {
        s.rollingUpdate ??= {};
        s.rollingUpdate.partition ??= 0;
      }
    },
    validate: (s, path) =>
      s.type === 'OnDelete' && s.rollingUpdate
        ? [fieldError.invalid(`${path}.rollingUpdate`, s.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'")]
        : [],
  },
);

export const StatefulSetPersistentVolumeClaimRetentionPolicySchema = object(
  'StatefulSetPersistentVolumeClaimRetentionPolicy',
  'What happens to claims made from volumeClaimTemplates.',
  {
    whenDeleted: f(1, t.enum('Retain', 'Delete'), 'On StatefulSet deletion: keep (Retain) or delete the claims.', { default: 'Retain' }),
    whenScaled: f(2, t.enum('Retain', 'Delete'), 'On scale-down: keep or delete claims of removed pods.', { default: 'Retain' }),
  },
);

export const StatefulSetOrdinalsSchema = object('StatefulSetOrdinals', 'How pod ordinals are numbered.', {
  start: f(1, t.int32(), 'The first ordinal; pods are numbered start … start+replicas-1.', { validate: (v, p) => nonNegative(v, p) }),
});

export const StatefulSetSpecSchema = object(
  'StatefulSetSpec',
  'Desired state of a StatefulSet.',
  {
    replicas: f(1, t.int32(), 'Desired number of pods.', { default: 1, pointer: true, validate: (v, p) => nonNegative(v, p) }),
    selector: f(2, t.object(() => LabelSelectorSchema), 'Selects the pods; must match the template’s labels.', { required: true }),
    template: f(3, t.object(() => PodTemplateSpecSchema), 'The pods to run; each gets a stable identity.', { required: true }),
    volumeClaimTemplates: f(4, t.list(t.object(() => PersistentVolumeClaimTemplateSchema)), 'Claims created per pod (<claim>-<pod>) and mounted by name.'),
    serviceName: f(5, t.string(), 'Headless Service giving the pods DNS names <pod>.<serviceName>.', { default: '' }),
    podManagementPolicy: f(6, t.enum('OrderedReady', 'Parallel'), 'OrderedReady (one by one, in order) or Parallel.', { default: 'OrderedReady' }),
    updateStrategy: f(7, t.object(() => StatefulSetUpdateStrategySchema), 'How to replace pods on a template change.', { default: () => ({}) }),
    revisionHistoryLimit: f(8, t.int32(), 'Old revisions (ControllerRevisions) kept.', { default: 10, pointer: true, validate: (v, p) => nonNegative(v, p) }),
    minReadySeconds: f(9, t.int32(), 'Seconds a new pod must be ready before it counts as available.', { validate: (v, p) => nonNegative(v, p) }),
    persistentVolumeClaimRetentionPolicy: f(10, t.object(() => StatefulSetPersistentVolumeClaimRetentionPolicySchema), 'Claim lifecycle.', {
      default: () => ({}),
    }),
    ordinals: f(11, t.object(() => StatefulSetOrdinalsSchema), 'Ordinal numbering of the pods.'),
  },
  {
    validate: (s, path) => validateSelectorAndTemplate(s, path, { kindWord: 'statefulset', kindName: 'StatefulSet' }),
    // The controller gives each pod a volume per claim template (claim <template>-<set>-<ordinal>), so mounts may name them.
    validationContext: (s) => ({ [EXTRA_VOLUME_NAMES]: claimTemplateNames(s.volumeClaimTemplates) }),
  },
);
export type StatefulSetSpec = Infer<typeof StatefulSetSpecSchema>;

/** The claim templates' names; tolerates ill-typed input (it runs before type checks). */
function claimTemplateNames(templates: unknown): string[] {
  if (!Array.isArray(templates)) return [];
  return templates.map((c: unknown) => (c as { metadata?: { name?: unknown } } | null)?.metadata?.name).filter((n): n is string => typeof n === 'string' && n !== '');
}

export const StatefulSetConditionSchema = object('StatefulSetCondition', 'One aspect of a StatefulSet’s state.', {
  type: f(1, t.string(), 'Condition type.', { required: true }),
  status: f(2, t.enum('True', 'False', 'Unknown'), 'Status of the condition.', { required: true }),
  lastTransitionTime: f(3, t.time(), 'When the status last changed.'),
  reason: f(4, t.string(), 'Machine-readable reason.'),
  message: f(5, t.string(), 'Human-readable details.'),
});

export const StatefulSetStatusSchema = object('StatefulSetStatus', 'Observed state of a StatefulSet.', {
  observedGeneration: f(1, t.int64(), 'The generation the controller last acted on.'),
  replicas: f(2, t.int32(), 'Pods created by the controller.', { required: true }),
  readyReplicas: f(3, t.int32(), 'Pods that are ready.'),
  currentReplicas: f(4, t.int32(), 'Pods at currentRevision.'),
  updatedReplicas: f(5, t.int32(), 'Pods at updateRevision.'),
  currentRevision: f(6, t.string(), 'Revision of the pods [0, currentReplicas).'),
  updateRevision: f(7, t.string(), 'Revision being rolled out.'),
  collisionCount: f(9, t.int32(), 'Hash collisions met naming new ControllerRevisions.', { pointer: true }),
  conditions: f(10, t.list(t.object(() => StatefulSetConditionSchema), { listType: 'map', listMapKeys: ['type'] }), 'Latest observations.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'type',
  }),
  availableReplicas: f(11, t.int32(), 'Pods ready for at least minReadySeconds.'),
});

export const StatefulSetSchema = object('StatefulSet', 'Pods with stable names, network identities and storage.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => StatefulSetSpecSchema), 'Desired state.'),
  status: f(3, t.object(() => StatefulSetStatusSchema), 'Observed state.'),
});
export type StatefulSet = Infer<typeof StatefulSetSchema>;

/** Spec fields a StatefulSet update may change (upstream's ValidateStatefulSetUpdate). */
const mutableSpecFields = new Set(['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds']);

function validateStatefulSetUpdate(sts: StatefulSet, old: StatefulSet): SchemaFieldError[] {
  const a = (sts.spec ?? {}) as Record<string, unknown>;
  const b = (old.spec ?? {}) as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (mutableSpecFields.has(k)) continue;
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) {
      return [
        fieldError.forbidden(
          'spec',
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ),
      ];
    }
  }
  return [];
}

export const StatefulSetKind = kind<StatefulSet>({
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  singular: 'statefulset',
  shortNames: ['sts'],
  categories: ['all'],
  namespaced: true,
  schema: StatefulSetSchema,
  protoName: 'k8s.io.api.apps.v1.StatefulSet',
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' } },
  hasGeneration: true,
  validate: (sts, old) => (old ? validateStatefulSetUpdate(sts, old) : []),
  printerColumns: [
    { name: 'Ready', type: 'string', description: 'Ready pods out of desired.', value: (s) => `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 0}` },
    ageColumn(),
    { name: 'Containers', type: 'string', priority: 1, description: 'Names of the template’s containers.', value: (s) => containerCells(s.spec?.template?.spec?.containers).names },
    { name: 'Images', type: 'string', priority: 1, description: 'Images of the template’s containers.', value: (s) => containerCells(s.spec?.template?.spec?.containers).images },
  ],
});
