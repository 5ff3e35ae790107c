import { isDefaultClass } from '../../api/storage/v1/storage-class.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import type { AdmissionPlugin } from './types.js';
import { newestDefaultName, type ClassMeta } from './newest-default.js';

/** The class annotation claims used before spec.storageClassName existed; a claim with it keeps it. */
const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** helper.GetDefaultClass: the newest class marked default, then the first by name. */
export function defaultStorageClassName(classes: readonly ClassMeta[]): string | undefined {
  return newestDefaultName(classes, isDefaultClass);
}

/**
 * Kubernetes' DefaultStorageClass admission: a PersistentVolumeClaim created with no
 * storageClassName (absent, not "") and no beta class annotation gets the default
 * StorageClass's name. With no default class the claim is left alone.
 */
export function defaultStorageClass(config: { listClasses: () => readonly KubeObject[] }): AdmissionPlugin {
  return {
    name: 'DefaultStorageClass',
    admit(attrs, obj) {
      if (attrs.operation !== 'CREATE' || attrs.subresource || !obj) return;
      if (attrs.spec.group !== '' || attrs.spec.plural !== 'persistentvolumeclaims') return;
      const pvc = obj as KubeObject & { spec?: { storageClassName?: string | null } };
      if (pvc.spec?.storageClassName != null) return;
      if (pvc.metadata?.annotations?.[BETA_CLASS_ANNOTATION] !== undefined) return;
      const name = defaultStorageClassName(config.listClasses() as ClassMeta[]);
      if (name === undefined) return;
      (pvc.spec ??= {}).storageClassName = name;
    },
  };
}
