import { f, object, t, type Infer } from '../../schema/dsl.js';
import { LabelSelectorSchema, ObjectMetaSchema } from '../../meta/v1/index.js';
import { embedded, ptr } from './embedded.js';
import { PersistentVolumeClaimSpecSchema } from './persistent-volume-claim.js';
import { LocalObjectReferenceSchema, ObjectFieldSelectorSchema, ResourceFieldSelectorSchema } from './references.js';
import { OTHER_VOLUME_SOURCE_FIELDS, otherVolumeSourceFields } from './volume-sources-other.js';

/** Default file mode (0644) of secret, configMap, downwardAPI and projected volumes. */
export const DEFAULT_VOLUME_MODE = 0o644;

const inlinedName = (description: string) => embedded(1, 'LocalObjectReference', { name: f(1, t.string(), description) });

export const HostPathVolumeSourceSchema = object('HostPathVolumeSource', 'A file or directory of the node.', {
  path: f(1, t.string(), 'Path on the node.', { required: true }),
  type: ptr(
    f(
      2,
      t.enum('', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'),
      'What must exist at the path; empty skips the check.',
      { default: '' },
    ),
  ),
});

export const EmptyDirVolumeSourceSchema = object('EmptyDirVolumeSource', 'A scratch directory that lives as long as the pod.', {
  medium: f(1, t.string(), 'Storage medium: empty for the node default, or Memory.'),
  sizeLimit: f(2, t.quantity(), 'Most space the directory may use.'),
});

export const KeyToPathSchema = object('KeyToPath', 'Maps one key to a file path in the volume.', {
  key: f(1, t.string(), 'The key to project.', { required: true }),
  path: f(2, t.string(), 'Relative file path; may not contain "..".', { required: true }),
  mode: ptr(f(3, t.int32(), 'File mode bits (0–0777).')),
});

export const SecretVolumeSourceSchema = object('SecretVolumeSource', 'A Secret’s keys as files.', {
  secretName: f(1, t.string(), 'Name of the Secret in the pod’s namespace.'),
  items: f(2, t.list(t.object(() => KeyToPathSchema)), 'Only these keys, at these paths.'),
  defaultMode: ptr(f(3, t.int32(), 'Mode bits of created files.', { default: DEFAULT_VOLUME_MODE })),
  optional: ptr(f(4, t.bool(), 'Whether the Secret may be missing.')),
});

export const ConfigMapVolumeSourceSchema = object('ConfigMapVolumeSource', 'A ConfigMap’s keys as files.', {
  ...inlinedName('Name of the ConfigMap.'),
  items: f(2, t.list(t.object(() => KeyToPathSchema)), 'Only these keys, at these paths.'),
  defaultMode: ptr(f(3, t.int32(), 'Mode bits of created files.', { default: DEFAULT_VOLUME_MODE })),
  optional: ptr(f(4, t.bool(), 'Whether the ConfigMap may be missing.')),
});

export const DownwardAPIVolumeFileSchema = object('DownwardAPIVolumeFile', 'One file holding a pod field or container resource.', {
  path: f(1, t.string(), 'Relative file path.', { required: true }),
  fieldRef: f(2, t.object(() => ObjectFieldSelectorSchema), 'Pod field to write.'),
  resourceFieldRef: f(3, t.object(() => ResourceFieldSelectorSchema), 'Container resource to write.'),
  mode: ptr(f(4, t.int32(), 'File mode bits (0–0777).')),
});

export const DownwardAPIVolumeSourceSchema = object('DownwardAPIVolumeSource', 'Pod information as files.', {
  items: f(1, t.list(t.object(() => DownwardAPIVolumeFileSchema)), 'Files to create.'),
  defaultMode: ptr(f(2, t.int32(), 'Mode bits of created files.', { default: DEFAULT_VOLUME_MODE })),
});

export const PersistentVolumeClaimVolumeSourceSchema = object(
  'PersistentVolumeClaimVolumeSource',
  'A PersistentVolumeClaim of the pod’s namespace.',
  {
    claimName: f(1, t.string(), 'Name of the claim.', { required: true }),
    readOnly: f(2, t.bool(), 'Mount read-only.'),
  },
);

export const NFSVolumeSourceSchema = object('NFSVolumeSource', 'An NFS export.', {
  server: f(1, t.string(), 'NFS server host or IP.', { required: true }),
  path: f(2, t.string(), 'Exported path.', { required: true }),
  readOnly: f(3, t.bool(), 'Mount read-only.'),
});

export const CSIVolumeSourceSchema = object('CSIVolumeSource', 'An inline volume served by a CSI driver.', {
  driver: f(1, t.string(), 'CSI driver name.', { required: true }),
  readOnly: ptr(f(2, t.bool(), 'Mount read-only.')),
  fsType: ptr(f(3, t.string(), 'Filesystem type.')),
  volumeAttributes: f(4, t.map(t.string()), 'Driver-specific attributes.'),
  nodePublishSecretRef: f(5, t.object(() => LocalObjectReferenceSchema), 'Secret passed to the driver on publish.'),
});

export const PersistentVolumeClaimTemplateSchema = object('PersistentVolumeClaimTemplate', 'Template of a claim created for a pod.', {
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Labels and annotations copied into the claim.'),
  spec: f(2, t.object(() => PersistentVolumeClaimSpecSchema), 'Spec of the claim.', { required: true }),
});

export const EphemeralVolumeSourceSchema = object('EphemeralVolumeSource', 'A volume from a claim created and deleted with the pod.', {
  volumeClaimTemplate: f(1, t.object(() => PersistentVolumeClaimTemplateSchema), 'Template of the claim.'),
});

export const SecretProjectionSchema = object('SecretProjection', 'A Secret’s keys within a projected volume.', {
  ...inlinedName('Name of the Secret.'),
  items: f(2, t.list(t.object(() => KeyToPathSchema)), 'Only these keys, at these paths.'),
  optional: ptr(f(4, t.bool(), 'Whether the Secret may be missing.')),
});

export const ConfigMapProjectionSchema = object('ConfigMapProjection', 'A ConfigMap’s keys within a projected volume.', {
  ...inlinedName('Name of the ConfigMap.'),
  items: f(2, t.list(t.object(() => KeyToPathSchema)), 'Only these keys, at these paths.'),
  optional: ptr(f(4, t.bool(), 'Whether the ConfigMap may be missing.')),
});

export const DownwardAPIProjectionSchema = object('DownwardAPIProjection', 'Pod information within a projected volume.', {
  items: f(1, t.list(t.object(() => DownwardAPIVolumeFileSchema)), 'Files to create.'),
});

export const ServiceAccountTokenProjectionSchema = object('ServiceAccountTokenProjection', 'A service account token within a projected volume.', {
  audience: f(1, t.string(), 'Intended audience of the token; defaults to the API server.'),
  expirationSeconds: ptr(f(2, t.int64(), 'Requested lifetime; at least 600.', { default: 3600 })),
  path: f(3, t.string(), 'File path of the token.', { required: true }),
});

export const ClusterTrustBundleProjectionSchema = object('ClusterTrustBundleProjection', 'ClusterTrustBundle certificates within a projected volume.', {
  name: ptr(f(1, t.string(), 'A single bundle by name.')),
  signerName: ptr(f(2, t.string(), 'All bundles of this signer.')),
  labelSelector: f(3, t.object(() => LabelSelectorSchema), 'Bundles of the signer with these labels.'),
  path: f(4, t.string(), 'File path of the bundle.', { required: true }),
  optional: ptr(f(5, t.bool(), 'Whether no bundle may match.')),
});

export const VolumeProjectionSchema = object('VolumeProjection', 'One source of a projected volume.', {
  secret: f(1, t.object(() => SecretProjectionSchema), 'Secret keys.'),
  downwardAPI: f(2, t.object(() => DownwardAPIProjectionSchema), 'Pod information.'),
  configMap: f(3, t.object(() => ConfigMapProjectionSchema), 'ConfigMap keys.'),
  serviceAccountToken: f(4, t.object(() => ServiceAccountTokenProjectionSchema), 'A service account token.'),
  clusterTrustBundle: f(5, t.object(() => ClusterTrustBundleProjectionSchema), 'Trust bundle certificates.'),
});

export const ProjectedVolumeSourceSchema = object('ProjectedVolumeSource', 'Several sources merged into one directory.', {
  sources: f(1, t.list(t.object(() => VolumeProjectionSchema)), 'The sources.'),
  defaultMode: ptr(f(2, t.int32(), 'Mode bits of created files.', { default: DEFAULT_VOLUME_MODE })),
});

/** The volume source fields (Go: VolumeSource, inlined into Volume at proto field 2). */
export const VOLUME_SOURCE_FIELDS = [
  'hostPath',
  'emptyDir',
  'secret',
  'nfs',
  'persistentVolumeClaim',
  'downwardAPI',
  'configMap',
  'projected',
  'csi',
  'ephemeral',
  ...OTHER_VOLUME_SOURCE_FIELDS,
] as const;

export const VolumeSchema = object(
  'Volume',
  'A named volume that containers of the pod may mount.',
  {
    name: f(1, t.string(), 'Volume name (DNS label), unique within the pod.', { required: true }),
    ...embedded(2, 'VolumeSource', {
      hostPath: f(1, t.object(() => HostPathVolumeSourceSchema), 'A path on the node.'),
      emptyDir: f(2, t.object(() => EmptyDirVolumeSourceSchema), 'A scratch directory.'),
      secret: f(6, t.object(() => SecretVolumeSourceSchema), 'A Secret’s keys as files.'),
      nfs: f(7, t.object(() => NFSVolumeSourceSchema), 'An NFS export.'),
      persistentVolumeClaim: f(10, t.object(() => PersistentVolumeClaimVolumeSourceSchema), 'A PersistentVolumeClaim.'),
      downwardAPI: f(16, t.object(() => DownwardAPIVolumeSourceSchema), 'Pod information as files.'),
      configMap: f(19, t.object(() => ConfigMapVolumeSourceSchema), 'A ConfigMap’s keys as files.'),
      projected: f(26, t.object(() => ProjectedVolumeSourceSchema), 'Several sources in one directory.'),
      csi: f(28, t.object(() => CSIVolumeSourceSchema), 'An inline CSI volume.'),
      ephemeral: f(29, t.object(() => EphemeralVolumeSourceSchema), 'A claim created and deleted with the pod.'),
      ...otherVolumeSourceFields(),
    }),
  },
  {
    // A volume with no source is an emptyDir, as in Kubernetes' SetDefaults_Volume.
    applyDefaults: (v) => {
      const rec = v as Record<string, unknown>;
      if (!VOLUME_SOURCE_FIELDS.some((k) => rec[k] != null)) v.emptyDir = {};
    },
  },
);
export type Volume = Infer<typeof VolumeSchema>;
