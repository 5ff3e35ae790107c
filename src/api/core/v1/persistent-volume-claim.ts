import { f, object, t, type Infer } from '../../schema/dsl.js';
import { ptr } from './embedded.js';
import { LabelSelectorSchema } from '../../meta/v1/index.js';
import { TypedLocalObjectReferenceSchema, TypedObjectReferenceSchema } from './references.js';
import { VolumeResourceRequirementsSchema } from './resources.js';

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
