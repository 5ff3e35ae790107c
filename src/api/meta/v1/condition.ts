import { f, object, t, type Infer } from '../../schema/dsl.js';

/** The generic metav1.Condition (used by newer APIs; core kinds have their own condition types). */
export const ConditionSchema = object('Condition', 'One aspect of the current state of an object.', {
  type: f(1, t.string(), 'Condition type, in CamelCase.', { required: true }),
  status: f(2, t.enum('True', 'False', 'Unknown'), 'Status of the condition.', { required: true }),
  observedGeneration: f(3, t.int64(), 'The generation the condition was set against.'),
  lastTransitionTime: f(4, t.time(), 'When the status last changed.', { required: true }),
  reason: f(5, t.string(), 'Machine-readable CamelCase reason.', { required: true }),
  message: f(6, t.string(), 'Human-readable details.', { required: true }),
});
export type Condition = Infer<typeof ConditionSchema>;
