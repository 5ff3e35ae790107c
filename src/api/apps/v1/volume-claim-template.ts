import { f, object, t, type Infer } from '../../schema/dsl.js';
import { PersistentVolumeClaimSpecSchema } from '../../core/v1/persistent-volume-claim.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';

/**
 * A PersistentVolumeClaim as it appears in StatefulSetSpec.volumeClaimTemplates
 * (upstream's core/v1 PersistentVolumeClaim message: metadata 1, spec 2, status 3).
 * core/v1 declares only the claim spec so far; the status of a template is never set,
 * so it is kept as raw JSON here. Switch to core/v1's PersistentVolumeClaimSchema once it exists.
 */
export const PersistentVolumeClaimTemplateSchema = object(
  'PersistentVolumeClaim',
  'A claim template: each pod gets its own claim made from it.',
  {
    apiVersion: f(0, t.string(), 'Ignored in templates.'),
    kind: f(0, t.string(), 'Ignored in templates.'),
    metadata: f(1, t.object(() => ObjectMetaSchema), 'Name (the volume name pods mount) and labels of the claims.'),
    spec: f(2, t.object(() => PersistentVolumeClaimSpecSchema), 'The storage each claim asks for.'),
    status: f(3, t.raw(), 'Unused in templates.'),
  },
  { openApiName: 'io.k8s.api.core.v1.PersistentVolumeClaim' },
);
export type PersistentVolumeClaimTemplate = Infer<typeof PersistentVolumeClaimTemplateSchema>;
