import { f, object, t, type Infer } from '../../schema/dsl.js';
import { ptr } from './embedded.js';

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

export const TaintSchema = object('Taint', 'Marks a node so that pods not tolerating it are kept away.', {
  key: f(1, t.string('qualified-name'), 'Taint key.', { required: true }),
  value: f(2, t.string(), 'Taint value.'),
  effect: f(3, t.enum(...TAINT_EFFECTS), 'What happens to pods that do not tolerate the taint.', { required: true }),
  timeAdded: ptr(f(4, t.time(), 'When a NoExecute taint was added.')),
});
export type Taint = Infer<typeof TaintSchema>;

export const TolerationSchema = object('Toleration', 'Lets a pod run on nodes with matching taints.', {
  key: f(1, t.string(), 'Taint key matched; empty with Exists matches every taint.'),
  operator: f(2, t.enum('Exists', 'Equal'), 'Equal compares the value; Exists matches any value.'),
  value: f(3, t.string(), 'Taint value matched by Equal.'),
  effect: f(4, t.enum('', ...TAINT_EFFECTS), 'Effect matched; empty matches all effects.'),
  tolerationSeconds: ptr(f(5, t.int64(), 'For NoExecute: how long the pod stays after the taint appears.')),
});
export type Toleration = Infer<typeof TolerationSchema>;
