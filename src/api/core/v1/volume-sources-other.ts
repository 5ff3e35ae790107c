import { f, object, t } from '../../schema/dsl.js';
import { ptr } from './embedded.js';
import { LocalObjectReferenceSchema } from './references.js';

/*
 * Volume sources skiff's kubelet does not mount (network and cloud disks, gitRepo, OCI
 * images). They are declared so manifests using them pass strict field validation and
 * round-trip unchanged, as on a cluster where the plugin is missing on the node.
 */

export const GCEPersistentDiskVolumeSourceSchema = object('GCEPersistentDiskVolumeSource', 'A Google Compute Engine persistent disk.', {
  pdName: f(1, t.string(), 'Name of the disk.', { required: true }),
  fsType: f(2, t.string(), 'Filesystem type.'),
  partition: f(3, t.int32(), 'Partition to mount.'),
  readOnly: f(4, t.bool(), 'Mount read-only.'),
});

export const AWSElasticBlockStoreVolumeSourceSchema = object('AWSElasticBlockStoreVolumeSource', 'An AWS EBS volume.', {
  volumeID: f(1, t.string(), 'ID of the volume.', { required: true }),
  fsType: f(2, t.string(), 'Filesystem type.'),
  partition: f(3, t.int32(), 'Partition to mount.'),
  readOnly: f(4, t.bool(), 'Mount read-only.'),
});

export const GitRepoVolumeSourceSchema = object('GitRepoVolumeSource', 'Deprecated: a git repository cloned into the volume.', {
  repository: f(1, t.string(), 'Repository URL.', { required: true }),
  revision: f(2, t.string(), 'Commit to check out.'),
  directory: f(3, t.string(), 'Target directory inside the volume.'),
});

export const ISCSIVolumeSourceSchema = object('ISCSIVolumeSource', 'An iSCSI disk.', {
  targetPortal: f(1, t.string(), 'Target portal, IP or IP:port.', { required: true }),
  iqn: f(2, t.string(), 'Target iSCSI qualified name.', { required: true }),
  lun: f(3, t.int32(), 'Target LUN.', { required: true }),
  iscsiInterface: f(4, t.string(), 'iSCSI interface name.'),
  fsType: f(5, t.string(), 'Filesystem type.'),
  readOnly: f(6, t.bool(), 'Mount read-only.'),
  portals: f(7, t.list(t.string()), 'Extra target portals.'),
  chapAuthDiscovery: f(8, t.bool(), 'Use CHAP for discovery.'),
  secretRef: f(10, t.object(() => LocalObjectReferenceSchema), 'CHAP secret.'),
  chapAuthSession: f(11, t.bool(), 'Use CHAP for the session.'),
  initiatorName: ptr(f(12, t.string(), 'Custom initiator name.')),
});

export const GlusterfsVolumeSourceSchema = object('GlusterfsVolumeSource', 'A GlusterFS volume.', {
  endpoints: f(1, t.string(), 'Endpoints object naming the Gluster servers.', { required: true }),
  path: f(2, t.string(), 'Gluster volume path.', { required: true }),
  readOnly: f(3, t.bool(), 'Mount read-only.'),
});

export const FlexVolumeSourceSchema = object('FlexVolumeSource', 'A volume handled by an exec-based FlexVolume driver.', {
  driver: f(1, t.string(), 'Driver name.', { required: true }),
  fsType: f(2, t.string(), 'Filesystem type.'),
  secretRef: f(3, t.object(() => LocalObjectReferenceSchema), 'Secret passed to the driver.'),
  readOnly: f(4, t.bool(), 'Mount read-only.'),
  options: f(5, t.map(t.string()), 'Driver options.'),
});

export const CephFSVolumeSourceSchema = object('CephFSVolumeSource', 'A CephFS mount.', {
  monitors: f(1, t.list(t.string()), 'Ceph monitors.', { required: true }),
  path: f(2, t.string(), 'Mounted root within CephFS.'),
  user: f(3, t.string(), 'RADOS user.'),
  secretFile: f(4, t.string(), 'Keyring path.'),
  secretRef: f(5, t.object(() => LocalObjectReferenceSchema), 'Secret holding the key.'),
  readOnly: f(6, t.bool(), 'Mount read-only.'),
});

export const FCVolumeSourceSchema = object('FCVolumeSource', 'A Fibre Channel disk.', {
  targetWWNs: f(1, t.list(t.string()), 'Target world wide names.'),
  lun: ptr(f(2, t.int32(), 'Target LUN.')),
  fsType: f(3, t.string(), 'Filesystem type.'),
  readOnly: f(4, t.bool(), 'Mount read-only.'),
  wwids: f(5, t.list(t.string()), 'Volume world wide identifiers.'),
});

export const AzureFileVolumeSourceSchema = object('AzureFileVolumeSource', 'An Azure File share.', {
  secretName: f(1, t.string(), 'Secret with the storage account name and key.', { required: true }),
  shareName: f(2, t.string(), 'Share name.', { required: true }),
  readOnly: f(3, t.bool(), 'Mount read-only.'),
});

export const AzureDiskVolumeSourceSchema = object('AzureDiskVolumeSource', 'An Azure data disk.', {
  diskName: f(1, t.string(), 'Disk name.', { required: true }),
  diskURI: f(2, t.string(), 'Disk URI.', { required: true }),
  cachingMode: ptr(f(3, t.enum('None', 'ReadOnly', 'ReadWrite'), 'Host caching mode.', { default: 'ReadWrite' })),
  fsType: ptr(f(4, t.string(), 'Filesystem type.', { default: 'ext4' })),
  readOnly: ptr(f(5, t.bool(), 'Mount read-only.', { default: false })),
  kind: ptr(f(6, t.enum('Shared', 'Dedicated', 'Managed'), 'Kind of disk.', { default: 'Shared' })),
});

export const ImageVolumeSourceSchema = object('ImageVolumeSource', 'An OCI image or artifact mounted read-only.', {
  reference: f(1, t.string(), 'Image reference.'),
  pullPolicy: f(2, t.enum('Always', 'Never', 'IfNotPresent'), 'When the image is pulled.'),
});

/** Field declarations (Go VolumeSource numbers) for the sources above. */
export function otherVolumeSourceFields() {
  return {
    gcePersistentDisk: f(3, t.object(() => GCEPersistentDiskVolumeSourceSchema), 'A GCE persistent disk (not mounted by skiff).'),
    awsElasticBlockStore: f(4, t.object(() => AWSElasticBlockStoreVolumeSourceSchema), 'An AWS EBS volume (not mounted by skiff).'),
    gitRepo: f(5, t.object(() => GitRepoVolumeSourceSchema), 'Deprecated git checkout (not mounted by skiff).'),
    iscsi: f(8, t.object(() => ISCSIVolumeSourceSchema), 'An iSCSI disk (not mounted by skiff).'),
    glusterfs: f(9, t.object(() => GlusterfsVolumeSourceSchema), 'A GlusterFS volume (not mounted by skiff).'),
    flexVolume: f(12, t.object(() => FlexVolumeSourceSchema), 'A FlexVolume driver volume (not mounted by skiff).'),
    cephfs: f(14, t.object(() => CephFSVolumeSourceSchema), 'A CephFS mount (not mounted by skiff).'),
    fc: f(17, t.object(() => FCVolumeSourceSchema), 'A Fibre Channel disk (not mounted by skiff).'),
    azureFile: f(18, t.object(() => AzureFileVolumeSourceSchema), 'An Azure File share (not mounted by skiff).'),
    azureDisk: f(22, t.object(() => AzureDiskVolumeSourceSchema), 'An Azure data disk (not mounted by skiff).'),
    image: f(30, t.object(() => ImageVolumeSourceSchema), 'An OCI image mounted read-only (not mounted by skiff).'),
  };
}

export const OTHER_VOLUME_SOURCE_FIELDS = [
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'iscsi',
  'glusterfs',
  'flexVolume',
  'cephfs',
  'fc',
  'azureFile',
  'azureDisk',
  'image',
] as const;
