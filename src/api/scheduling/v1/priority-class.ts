import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema, ageColumn, fieldError } from '../../meta/v1/index.js';

/** Highest value a user-defined PriorityClass may have; larger ones are reserved for system classes. */
export const highestUserDefinablePriority = 1_000_000_000;
/** Names of the built-in system classes and their values. */
export const systemPriorityClasses: Readonly<Record<string, number>> = {
  'system-cluster-critical': 2_000_000_000,
  'system-node-critical': 2_000_001_000,
};

export const PriorityClassSchema = object('PriorityClass', 'Maps a class name to a pod scheduling priority.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  value: f(2, t.int32(), 'The priority pods of this class get; higher schedules (and preempts) first.', { required: true }),
  globalDefault: f(3, t.bool(), 'Whether pods without a priorityClassName get this class; at most one class may set it.'),
  description: f(4, t.string(), 'When to use this class, for humans.'),
  preemptionPolicy: f(5, t.enum('PreemptLowerPriority', 'Never'), 'Whether pods of this class may preempt lower-priority pods.', {
    default: 'PreemptLowerPriority',
  }),
});
export type PriorityClass = Infer<typeof PriorityClassSchema>;

export const PriorityClassKind = kind<PriorityClass>({
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  plural: 'priorityclasses',
  singular: 'priorityclass',
  shortNames: ['pc'],
  namespaced: false,
  schema: PriorityClassSchema,
  protoName: 'k8s.io.api.scheduling.v1.PriorityClass',
  validate: (pc, old) => {
    const errs = [];
    const name = pc.metadata?.name ?? '';
    const value = pc.value ?? 0;
    if (name.startsWith('system-')) {
      if (systemPriorityClasses[name] === undefined) {
        errs.push(fieldError.forbidden('metadata.name', "priority class names with 'system-' prefix are reserved"));
      }
    } else if (value > highestUserDefinablePriority) {
      errs.push(fieldError.forbidden('value', `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`));
    }
    if (old) {
      if (pc.value !== old.value) errs.push(fieldError.forbidden('value', 'may not be changed in an update.'));
      if (pc.preemptionPolicy !== old.preemptionPolicy) errs.push(fieldError.invalid('preemptionPolicy', pc.preemptionPolicy, 'field is immutable'));
    }
    return errs;
  },
  printerColumns: [
    { name: 'Value', type: 'integer', description: 'The priority value.', value: (pc) => pc.value ?? 0 },
    { name: 'Global-Default', type: 'boolean', description: 'Whether this is the default class.', value: (pc) => pc.globalDefault ?? false },
    ageColumn(),
    { name: 'PreemptionPolicy', type: 'string', description: 'Whether pods may preempt.', value: (pc) => pc.preemptionPolicy ?? '' },
  ],
});
