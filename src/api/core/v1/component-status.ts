import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';

/**
 * core/v1 ComponentStatus, deprecated since v1.19 and still served by kube-apiserver: never
 * stored, computed on each get or list (apiserver/component-status.ts). Field numbers from
 * k8s.io/api core/v1 generated.proto.
 */
export const ComponentConditionSchema = object('ComponentCondition', 'The condition of one component.', {
  type: f(1, t.string(), 'Type of condition; the only one is "Healthy".', { required: true }),
  status: f(2, t.string(), 'Status of the condition: "True", "False" or "Unknown".', { required: true }),
  message: f(3, t.string(), 'What the health check answered.'),
  error: f(4, t.string(), 'Why the health check could not be made.'),
});
export type ComponentCondition = Infer<typeof ComponentConditionSchema>;

export const ComponentStatusSchema = object('ComponentStatus', 'The health of one control-plane component (deprecated in v1.19).', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  conditions: f(2, t.list(t.object(() => ComponentConditionSchema), { listType: 'map', listMapKeys: ['type'] }), 'Conditions observed.'),
});
export type ComponentStatus = Infer<typeof ComponentStatusSchema>;

/** kubectl's STATUS, MESSAGE and ERROR cells: from the Healthy condition; Unknown without one. */
export function componentStatusCells(cs: ComponentStatus): { status: string; message: string; error: string } {
  const healthy = (cs.conditions ?? []).find((c) => c.type === 'Healthy');
  if (!healthy) return { status: 'Unknown', message: '', error: '' };
  return { status: healthy.status === 'True' ? 'Healthy' : 'Unhealthy', message: healthy.message ?? '', error: healthy.error ?? '' };
}

export const ComponentStatusKind = kind<ComponentStatus>({
  group: '',
  version: 'v1',
  kind: 'ComponentStatus',
  plural: 'componentstatuses',
  singular: 'componentstatus',
  shortNames: ['cs'],
  namespaced: false,
  verbs: ['get', 'list'],
  schema: ComponentStatusSchema,
  protoName: 'k8s.io.api.core.v1.ComponentStatus',
  printerColumns: [
    { name: 'Status', type: 'string', description: 'Status of the component conditions', value: (cs) => componentStatusCells(cs).status },
    { name: 'Message', type: 'string', description: 'Message of the component conditions', value: (cs) => componentStatusCells(cs).message },
    { name: 'Error', type: 'string', description: 'Error of the component conditions', value: (cs) => componentStatusCells(cs).error },
  ],
});
