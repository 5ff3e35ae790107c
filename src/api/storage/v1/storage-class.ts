import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectMetaSchema, ageColumn, fieldError } from '../../meta/v1/index.js';
import { ptr } from '../../core/v1/embedded.js';

/** Marks the class a claim without storageClassName gets (DefaultStorageClass admission). */
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
/** The beta spelling, still honoured by upstream's IsDefaultAnnotation. */
export const BETA_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

export const TopologySelectorLabelRequirementSchema = object('TopologySelectorLabelRequirement', 'A topology label and the values it may take.', {
  key: f(1, t.string(), 'The label key.', { required: true }),
  values: f(2, t.list(t.string()), 'Values the label may have (ORed).', { required: true }),
});

export const TopologySelectorTermSchema = object('TopologySelectorTerm', 'Topology requirements, ANDed together.', {
  matchLabelExpressions: f(1, t.list(t.object(() => TopologySelectorLabelRequirementSchema)), 'Label requirements.'),
});

export const StorageClassSchema = object(
  'StorageClass',
  'A class of storage that claims can ask for, and the provisioner that creates its volumes.',
  {
    apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
    kind: f(0, t.string(), 'The kind of this object.'),
    metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
    provisioner: f(2, t.string(), 'Name of the provisioner that creates volumes of this class.', { required: true, immutable: true }),
    parameters: f(3, t.map(t.string()), 'Provisioner-specific parameters.', { immutable: true }),
    reclaimPolicy: ptr(f(4, t.enum('Delete', 'Retain'), 'Reclaim policy of the volumes provisioned for this class.', { default: 'Delete', immutable: true })),
    mountOptions: f(5, t.list(t.string()), 'Mount options of the provisioned volumes, not validated.'),
    allowVolumeExpansion: ptr(f(6, t.bool(), 'Whether claims of this class may grow.')),
    volumeBindingMode: ptr(
      f(7, t.enum('Immediate', 'WaitForFirstConsumer'), 'When claims are bound and provisioned: at once, or once a pod using them is scheduled.', {
        default: 'Immediate',
        immutable: true,
      }),
    ),
    allowedTopologies: f(8, t.list(t.object(() => TopologySelectorTermSchema), { listType: 'atomic' }), 'Topologies volumes may be provisioned in.', { immutable: true }),
  },
);
export type StorageClass = Infer<typeof StorageClassSchema>;

/** storageutil.IsDefaultAnnotation: either spelling of the annotation, set to "true". */
export function isDefaultClass(sc: { metadata?: { annotations?: Record<string, string> | null } | null }): boolean {
  const a = sc.metadata?.annotations ?? {};
  return a[DEFAULT_CLASS_ANNOTATION] === 'true' || a[BETA_DEFAULT_CLASS_ANNOTATION] === 'true';
}

/** A provisioner name is a qualified name (upstream: at most 63 chars). */
function validateStorageClass(sc: StorageClass): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const p = sc.provisioner ?? '';
  if (p === '') errs.push(fieldError.required('provisioner'));
  else if (p.length > 63) errs.push(fieldError.tooLong('provisioner', p, 63));
  return errs;
}

export const StorageClassKind = kind<StorageClass>({
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  singular: 'storageclass',
  shortNames: ['sc'],
  namespaced: false,
  schema: StorageClassSchema,
  protoName: 'k8s.io.api.storage.v1.StorageClass',
  hasGeneration: false,
  validate: (sc) => validateStorageClass(sc),
  nameCell: (sc) => `${sc.metadata?.name ?? ''}${isDefaultClass(sc) ? ' (default)' : ''}`,
  printerColumns: [
    { name: 'Provisioner', type: 'string', description: 'Provisioner of the class.', value: (sc) => sc.provisioner ?? '' },
    { name: 'ReclaimPolicy', type: 'string', description: 'Reclaim policy of its volumes.', value: (sc) => sc.reclaimPolicy ?? 'Delete' },
    { name: 'VolumeBindingMode', type: 'string', description: 'When claims are bound.', value: (sc) => sc.volumeBindingMode ?? 'Immediate' },
    { name: 'AllowVolumeExpansion', type: 'string', description: 'Whether claims may grow.', value: (sc) => String(sc.allowVolumeExpansion ?? false) },
    ageColumn<StorageClass>(),
  ],
});
