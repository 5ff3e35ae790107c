import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';
import { ageColumn } from '../../meta/v1/printing.js';
import { NodeSelectorSchema } from './affinity.js';
import { embedded, ptr } from './embedded.js';
import { fe } from './field-errors.js';
import { ACCESS_MODES, accessModesText } from './persistent-volume-claim.js';
import { ObjectReferenceSchema, SecretReferenceSchema } from './references.js';
import { resourceList } from './resources.js';
import { HostPathVolumeSourceSchema, NFSVolumeSourceSchema } from './volume.js';

export const LocalVolumeSourceSchema = object('LocalVolumeSource', 'A disk, partition or directory on one node.', {
  path: f(1, t.string(), 'Full path on the node.', { required: true }),
  fsType: ptr(f(2, t.string(), 'Filesystem type, for block devices.')),
});

export const CSIPersistentVolumeSourceSchema = object('CSIPersistentVolumeSource', 'Storage managed by a CSI driver.', {
  driver: f(1, t.string(), 'CSI driver name.', { required: true }),
  volumeHandle: f(2, t.string(), 'Driver’s ID of the volume.', { required: true }),
  readOnly: f(3, t.bool(), 'Publish read-only.'),
  fsType: f(4, t.string(), 'Filesystem type.'),
  volumeAttributes: f(5, t.map(t.string()), 'Driver-specific attributes.'),
  controllerPublishSecretRef: f(6, t.object(() => SecretReferenceSchema), 'Secret for ControllerPublish.'),
  nodeStageSecretRef: f(7, t.object(() => SecretReferenceSchema), 'Secret for NodeStage.'),
  nodePublishSecretRef: f(8, t.object(() => SecretReferenceSchema), 'Secret for NodePublish.'),
  controllerExpandSecretRef: f(9, t.object(() => SecretReferenceSchema), 'Secret for ControllerExpand.'),
  nodeExpandSecretRef: f(10, t.object(() => SecretReferenceSchema), 'Secret for NodeExpand.'),
});

export const VolumeNodeAffinitySchema = object('VolumeNodeAffinity', 'Nodes a volume can be used from.', {
  required: f(1, t.object(() => NodeSelectorSchema), 'Nodes that can use the volume.'),
});

/** The storage source fields (Go: PersistentVolumeSource, inlined at proto field 2). */
export const PV_SOURCE_FIELDS = ['hostPath', 'nfs', 'local', 'csi'] as const;

export const PersistentVolumeSpecSchema = object('PersistentVolumeSpec', 'A piece of storage and how it may be claimed.', {
  capacity: f(1, resourceList(), 'Size of the volume (storage).'),
  ...embedded(2, 'PersistentVolumeSource', {
    hostPath: f(3, t.object(() => HostPathVolumeSourceSchema), 'A directory on the node (single-node testing only).'),
    nfs: f(5, t.object(() => NFSVolumeSourceSchema), 'An NFS export.'),
    local: f(20, t.object(() => LocalVolumeSourceSchema), 'Local storage with node affinity.'),
    csi: f(22, t.object(() => CSIPersistentVolumeSourceSchema), 'Storage from a CSI driver.'),
  }),
  accessModes: f(3, t.list(t.enum(...ACCESS_MODES)), 'Ways the volume can be mounted.'),
  claimRef: f(4, t.object(() => ObjectReferenceSchema), 'The claim bound to the volume.'),
  persistentVolumeReclaimPolicy: f(5, t.enum('Retain', 'Delete', 'Recycle'), 'What happens when the claim is released.', { default: 'Retain' }),
  storageClassName: f(6, t.string(), 'StorageClass the volume belongs to.'),
  mountOptions: f(7, t.list(t.string()), 'Mount options, not validated.'),
  volumeMode: ptr(f(8, t.enum('Block', 'Filesystem'), 'Filesystem or raw block device.', { default: 'Filesystem' })),
  nodeAffinity: f(9, t.object(() => VolumeNodeAffinitySchema), 'Nodes the volume can be used from.'),
  volumeAttributesClassName: ptr(f(10, t.string(), 'VolumeAttributesClass of the volume.')),
});

export const PersistentVolumeStatusSchema = object('PersistentVolumeStatus', 'Observed state of a volume.', {
  phase: f(1, t.enum('Pending', 'Available', 'Bound', 'Released', 'Failed'), 'Lifecycle phase.'),
  message: f(2, t.string(), 'Why the volume is in this state.'),
  reason: f(3, t.string(), 'CamelCase reason for failures.'),
  lastPhaseTransitionTime: f(4, t.time(), 'When the phase last changed.'),
});

export const PersistentVolumeSchema = object(
  'PersistentVolume',
  'A piece of cluster storage provisioned by an administrator or a provisioner.',
  {
    apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
    kind: f(0, t.string(), 'The kind of this object.'),
    metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
    spec: f(2, t.object(() => PersistentVolumeSpecSchema), 'The volume.'),
    status: f(3, t.object(() => PersistentVolumeStatusSchema), 'Observed state.'),
  },
  {
    // SetDefaults_PersistentVolume: a new volume is Pending.
    applyDefaults: (pv) => {
      pv.status ??= {};
      pv.status.phase ??= 'Pending';
    },
  },
);
export type PersistentVolume = Infer<typeof PersistentVolumeSchema>;

/** A volume has exactly one source, some access mode and a storage capacity. */
export function validatePersistentVolume(pv: PersistentVolume): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const spec = (pv.spec ?? {}) as Record<string, unknown> & NonNullable<PersistentVolume['spec']>;
  const sources = PV_SOURCE_FIELDS.filter((k) => spec[k] != null);
  if (sources.length === 0) errs.push(fe.required('spec', 'must specify a volume type'));
  for (const s of sources.slice(1)) errs.push(fe.forbidden(`spec.${s}`, 'may not specify more than 1 volume type'));
  if ((spec.accessModes ?? []).length === 0) errs.push(fe.required('spec.accessModes', ''));
  if (spec.capacity?.['storage'] === undefined) errs.push(fe.required('spec.capacity', ''));
  if (spec.local && !spec.nodeAffinity) errs.push(fe.required('spec.nodeAffinity', 'Local volume requires node affinity'));
  return errs;
}

const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

export const PersistentVolumeKind = kind<PersistentVolume>({
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  singular: 'persistentvolume',
  shortNames: ['pv'],
  namespaced: false,
  schema: PersistentVolumeSchema,
  protoName: 'k8s.io.api.core.v1.PersistentVolume',
  subresources: { status: true },
  validate: (pv) => validatePersistentVolume(pv),
  printerColumns: [
    { name: 'Capacity', type: 'string', description: 'Size of the volume.', value: (pv) => String(pv.spec?.capacity?.['storage'] ?? '0') },
    { name: 'Access Modes', type: 'string', description: 'Ways the volume can be mounted.', value: (pv) => accessModesText(pv.spec?.accessModes) },
    { name: 'Reclaim Policy', type: 'string', description: 'What happens when the claim is released.', value: (pv) => pv.spec?.persistentVolumeReclaimPolicy ?? '' },
    { name: 'Status', type: 'string', description: 'Lifecycle phase.', value: (pv) => (pv.metadata?.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? '')) },
    {
      name: 'Claim',
      type: 'string',
      description: 'The bound claim, as namespace/name.',
      value: (pv) => (pv.spec?.claimRef ? `${pv.spec.claimRef.namespace ?? ''}/${pv.spec.claimRef.name ?? ''}` : ''),
    },
    {
      name: 'StorageClass',
      type: 'string',
      description: 'StorageClass of the volume.',
      value: (pv) => pv.metadata?.annotations?.[BETA_CLASS_ANNOTATION] ?? pv.spec?.storageClassName ?? '',
    },
    { name: 'VolumeAttributesClass', type: 'string', description: 'VolumeAttributesClass of the volume.', value: (pv) => pv.spec?.volumeAttributesClassName || '<unset>' },
    { name: 'Reason', type: 'string', description: 'Reason for failures.', value: (pv) => pv.status?.reason ?? '' },
    ageColumn<PersistentVolume>(),
    { name: 'VolumeMode', type: 'string', priority: 1, description: 'Filesystem or Block.', value: (pv) => pv.spec?.volumeMode ?? '<unset>' },
  ],
});
