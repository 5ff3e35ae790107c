import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ptr } from './embedded.js';
import { LabelSelectorSchema, ObjectMetaSchema } from '../../meta/v1/index.js';
import { ageColumn } from '../../meta/v1/printing.js';
import { fe } from './field-errors.js';
import { TypedLocalObjectReferenceSchema, TypedObjectReferenceSchema } from './references.js';
import { VolumeResourceRequirementsSchema, resourceList } from './resources.js';

export const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] as const;

export const PersistentVolumeClaimSpecSchema = object(
  'PersistentVolumeClaimSpec',
  'The storage a claim asks for.',
  {
    accessModes: f(1, t.list(t.enum(...ACCESS_MODES)), 'Ways the volume must be mountable.'),
    resources: f(2, t.object(() => VolumeResourceRequirementsSchema), 'Minimum storage requested.'),
    volumeName: f(3, t.string(), 'The PersistentVolume bound to this claim.'),
    selector: f(4, t.object(() => LabelSelectorSchema), 'Labels of volumes eligible for binding.'),
    storageClassName: ptr(f(5, t.string(), 'StorageClass required; empty string means none.')),
    volumeMode: ptr(f(6, t.enum('Block', 'Filesystem'), 'Filesystem or raw block device.', { default: 'Filesystem' })),
    dataSource: f(7, t.object(() => TypedLocalObjectReferenceSchema), 'Snapshot or claim to populate from.'),
    dataSourceRef: f(8, t.object(() => TypedObjectReferenceSchema), 'Any populator object to populate from.'),
    volumeAttributesClassName: ptr(f(9, t.string(), 'VolumeAttributesClass to apply.')),
  },
);
export type PersistentVolumeClaimSpec = Infer<typeof PersistentVolumeClaimSpecSchema>;

export const PersistentVolumeClaimConditionSchema = object('PersistentVolumeClaimCondition', 'One aspect of a claim’s state.', {
  type: f(1, t.string(), 'Condition type, e.g. Resizing.', { required: true }),
  status: f(2, t.enum('True', 'False', 'Unknown'), 'Status of the condition.', { required: true }),
  lastProbeTime: f(3, t.time(), 'When the condition was last probed.'),
  lastTransitionTime: f(4, t.time(), 'When the status last changed.'),
  reason: f(5, t.string(), 'Machine-readable reason.'),
  message: f(6, t.string(), 'Human-readable details.'),
});

export const PersistentVolumeClaimStatusSchema = object('PersistentVolumeClaimStatus', 'Observed state of a claim.', {
  phase: f(1, t.enum('Pending', 'Bound', 'Lost'), 'Binding phase.'),
  accessModes: f(2, t.list(t.enum(...ACCESS_MODES)), 'Access modes of the bound volume.'),
  capacity: f(3, resourceList(), 'Capacity of the bound volume.'),
  conditions: f(4, t.list(t.object(() => PersistentVolumeClaimConditionSchema), { listType: 'map', listMapKeys: ['type'] }), 'Current conditions.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'type',
  }),
  allocatedResources: f(5, resourceList(), 'Resources allocated to the claim.'),
  allocatedResourceStatuses: f(7, t.map(t.string()), 'Resize progress per resource.'),
  currentVolumeAttributesClassName: ptr(f(8, t.string(), 'VolumeAttributesClass in effect.')),
});

export const PersistentVolumeClaimSchema = object('PersistentVolumeClaim', 'A request for storage, bound to a PersistentVolume.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => PersistentVolumeClaimSpecSchema), 'The storage requested.'),
  status: f(3, t.object(() => PersistentVolumeClaimStatusSchema), 'Observed state.'),
}, {
  // SetDefaults_PersistentVolumeClaim: a new claim is Pending.
  applyDefaults: (c) => {
    c.status ??= {};
    c.status.phase ??= 'Pending';
  },
});
export type PersistentVolumeClaim = Infer<typeof PersistentVolumeClaimSchema>;

const MODE_ABBREVIATIONS: readonly (readonly [string, string])[] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** "RWO,ROX", in kubectl's fixed order. */
export function accessModesText(modes: readonly string[] | undefined): string {
  const set = new Set(modes ?? []);
  return MODE_ABBREVIATIONS.filter(([m]) => set.has(m)).map(([, a]) => a).join(',');
}

const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/**
 * A new claim's spec (also a pod's ephemeral volumeClaimTemplate spec): at least one access
 * mode and a storage request. `path` is where the spec sits ('spec' for a claim).
 */
export function validatePersistentVolumeClaimSpec(spec: PersistentVolumeClaimSpec, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  if ((spec.accessModes ?? []).length === 0) errs.push(fe.required(`${path}.accessModes`, 'at least 1 access mode is required'));
  const storage = spec.resources?.requests?.['storage'];
  if (storage === undefined) errs.push(fe.required(`${path}.resources[storage]`, ''));
  return errs;
}

/** Claims must ask for at least one access mode and a storage size; the request may not shrink. */
export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim, old?: PersistentVolumeClaim): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const spec = pvc.spec ?? {};
  if (!old) {
    errs.push(...validatePersistentVolumeClaimSpec(spec, 'spec'));
  } else {
    const immutable = { ...old.spec, resources: undefined, volumeName: undefined, volumeAttributesClassName: undefined };
    const next = { ...spec, resources: undefined, volumeName: undefined, volumeAttributesClassName: undefined };
    if (JSON.stringify(immutable, Object.keys(immutable).sort()) !== JSON.stringify(next, Object.keys(next).sort())) {
      errs.push(fe.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
    }
    if (old.spec?.volumeName && spec.volumeName !== old.spec.volumeName) errs.push(fe.invalid('spec.volumeName', spec.volumeName ?? '', 'field is immutable'));
  }
  return errs;
}

export const PersistentVolumeClaimKind = kind<PersistentVolumeClaim>({
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  shortNames: ['pvc'],
  namespaced: true,
  schema: PersistentVolumeClaimSchema,
  protoName: 'k8s.io.api.core.v1.PersistentVolumeClaim',
  subresources: { status: true },
  validate: validatePersistentVolumeClaim,
  printerColumns: [
    { name: 'Status', type: 'string', description: 'Binding phase.', value: (c) => (c.metadata?.deletionTimestamp ? 'Terminating' : (c.status?.phase ?? '')) },
    { name: 'Volume', type: 'string', description: 'Bound PersistentVolume.', value: (c) => c.spec?.volumeName ?? '' },
    {
      name: 'Capacity',
      type: 'string',
      description: 'Capacity of the bound volume.',
      value: (c) => (c.spec?.volumeName ? String(c.status?.capacity?.['storage'] ?? '0') : ''),
    },
    { name: 'Access Modes', type: 'string', description: 'Access modes of the bound volume.', value: (c) => (c.spec?.volumeName ? accessModesText(c.status?.accessModes) : '') },
    {
      name: 'StorageClass',
      type: 'string',
      description: 'Storage class of the claim.',
      value: (c) => c.metadata?.annotations?.[BETA_CLASS_ANNOTATION] ?? c.spec?.storageClassName ?? '',
    },
    { name: 'VolumeAttributesClass', type: 'string', description: 'VolumeAttributesClass in effect.', value: (c) => c.spec?.volumeAttributesClassName || '<unset>' },
    ageColumn<PersistentVolumeClaim>(),
    { name: 'VolumeMode', type: 'string', priority: 1, description: 'Filesystem or Block.', value: (c) => c.spec?.volumeMode ?? '<unset>' },
  ],
});
