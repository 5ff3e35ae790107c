import { f, object, t, type Infer } from '../../schema/dsl.js';
import { ptr } from './embedded.js';
import { LabelSelectorSchema } from '../../meta/v1/index.js';

export const TopologySpreadConstraintSchema = object('TopologySpreadConstraint', 'How evenly matching pods must spread over a topology.', {
  maxSkew: f(1, t.int32(), 'Largest allowed difference in matching pods between domains (≥ 1).', { required: true }),
  topologyKey: f(2, t.string(), 'Node label defining the domains.', { required: true }),
  whenUnsatisfiable: f(3, t.enum('DoNotSchedule', 'ScheduleAnyway'), 'Whether an unsatisfiable spread blocks scheduling.', { required: true }),
  labelSelector: f(4, t.object(() => LabelSelectorSchema), 'Pods counted in each domain.'),
  minDomains: ptr(f(5, t.int32(), 'Fewer eligible domains than this count as a global minimum of 0.')),
  nodeAffinityPolicy: ptr(f(6, t.enum('Honor', 'Ignore'), 'Whether node affinity limits the domains counted (default Honor).')),
  nodeTaintsPolicy: ptr(f(7, t.enum('Honor', 'Ignore'), 'Whether taints limit the domains counted (default Ignore).')),
  matchLabelKeys: f(8, t.list(t.string()), 'Incoming pod label keys whose values are ANDed into labelSelector.'),
});
export type TopologySpreadConstraint = Infer<typeof TopologySpreadConstraintSchema>;
