import { f, object, t, type Infer } from '../../schema/dsl.js';

export const LabelSelectorRequirementSchema = object('LabelSelectorRequirement', 'One label requirement: key, operator, values.', {
  key: f(1, t.string('qualified-name'), 'The label key.', { required: true, patchStrategy: ['merge'], patchMergeKey: 'key' }),
  operator: f(2, t.enum('In', 'NotIn', 'Exists', 'DoesNotExist'), 'How the key relates to the values.', { required: true }),
  values: f(3, t.list(t.string()), 'Values for In and NotIn; empty for Exists and DoesNotExist.'),
});

export const LabelSelectorSchema = object('LabelSelector', 'Selects objects by their labels; all requirements are ANDed.', {
  matchLabels: f(1, t.map(t.string()), 'Exact key=value matches.'),
  matchExpressions: f(2, t.list(t.object(() => LabelSelectorRequirementSchema)), 'Set-based requirements.'),
});
export type LabelSelector = Infer<typeof LabelSelectorSchema>;
