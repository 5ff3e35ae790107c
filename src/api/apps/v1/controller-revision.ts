import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema, ageColumn, nonNegative } from '../../meta/v1/index.js';

export const ControllerRevisionSchema = object('ControllerRevision', 'An immutable snapshot of a controller’s template (StatefulSet and DaemonSet history).', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  data: f(2, t.raw(), 'The serialized state (a patch of the owner’s template).', { immutable: true }),
  revision: f(3, t.int64(), 'The revision number of this state.', { required: true, validate: (v, p) => nonNegative(v, p) }),
});
export type ControllerRevision = Infer<typeof ControllerRevisionSchema>;

/** "kind.group/name" of the controlling owner, lower-cased like kubectl’s formatResourceName. */
function controllerOf(cr: ControllerRevision): string {
  const ref = (cr.metadata?.ownerReferences ?? []).find((r) => r.controller);
  if (!ref) return '<none>';
  const apiVersion = ref.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const gk = group ? `${ref.kind ?? ''}.${group}` : ref.kind ?? '';
  return gk ? `${gk.toLowerCase()}/${ref.name ?? ''}` : ref.name ?? '';
}

export const ControllerRevisionKind = kind<ControllerRevision>({
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  singular: 'controllerrevision',
  namespaced: true,
  schema: ControllerRevisionSchema,
  protoName: 'k8s.io.api.apps.v1.ControllerRevision',
  printerColumns: [
    { name: 'Controller', type: 'string', description: 'The owning controller.', value: controllerOf },
    { name: 'Revision', type: 'string', description: 'Revision number.', value: (cr) => cr.revision ?? 0 },
    ageColumn(),
  ],
});
