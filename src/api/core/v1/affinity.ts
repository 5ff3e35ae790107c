import { f, object, t, type Infer } from '../../schema/dsl.js';
import { LabelSelectorSchema } from '../../meta/v1/index.js';

export const NodeSelectorRequirementSchema = object('NodeSelectorRequirement', 'A node label (or field) requirement.', {
  key: f(1, t.string(), 'Label key (or field name).', { required: true }),
  operator: f(2, t.enum('In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'), 'How the key relates to the values.', { required: true }),
  values: f(3, t.list(t.string()), 'Values; one integer for Gt and Lt, none for Exists and DoesNotExist.'),
});
export type NodeSelectorRequirement = Infer<typeof NodeSelectorRequirementSchema>;

export const NodeSelectorTermSchema = object('NodeSelectorTerm', 'Requirements on a node, ANDed together.', {
  matchExpressions: f(1, t.list(t.object(() => NodeSelectorRequirementSchema)), 'Requirements on node labels.'),
  matchFields: f(2, t.list(t.object(() => NodeSelectorRequirementSchema)), 'Requirements on node fields (metadata.name).'),
});
export type NodeSelectorTerm = Infer<typeof NodeSelectorTermSchema>;

export const NodeSelectorSchema = object('NodeSelector', 'Terms ORed together to select nodes.', {
  nodeSelectorTerms: f(1, t.list(t.object(() => NodeSelectorTermSchema)), 'The terms; a node matching any of them is selected.', { required: true }),
});
export type NodeSelector = Infer<typeof NodeSelectorSchema>;

export const PreferredSchedulingTermSchema = object('PreferredSchedulingTerm', 'A weighted node preference.', {
  weight: f(1, t.int32(), 'Weight (1–100) added to nodes matching the preference.', { required: true }),
  preference: f(2, t.object(() => NodeSelectorTermSchema), 'The node requirements.', { required: true }),
});

export const NodeAffinitySchema = object('NodeAffinity', 'Rules placing a pod on nodes by their labels.', {
  requiredDuringSchedulingIgnoredDuringExecution: f(1, t.object(() => NodeSelectorSchema), 'Nodes the pod may run on.'),
  preferredDuringSchedulingIgnoredDuringExecution: f(2, t.list(t.object(() => PreferredSchedulingTermSchema)), 'Nodes the pod prefers, by weight.'),
});
export type NodeAffinity = Infer<typeof NodeAffinitySchema>;

export const PodAffinityTermSchema = object('PodAffinityTerm', 'A set of pods and the topology in which to co-locate (or not) with them.', {
  labelSelector: f(1, t.object(() => LabelSelectorSchema), 'Pods this term refers to.'),
  namespaces: f(2, t.list(t.string()), 'Namespaces of those pods; with namespaceSelector unset, empty means the pod’s own.'),
  topologyKey: f(3, t.string(), 'Node label whose equal values define "the same place".', { required: true }),
  namespaceSelector: f(4, t.object(() => LabelSelectorSchema), 'Namespaces of those pods, by label; {} selects all.'),
  matchLabelKeys: f(5, t.list(t.string()), 'Incoming pod label keys whose values are ANDed into labelSelector.'),
  mismatchLabelKeys: f(6, t.list(t.string()), 'Incoming pod label keys whose values are excluded via labelSelector.'),
});
export type PodAffinityTerm = Infer<typeof PodAffinityTermSchema>;

export const WeightedPodAffinityTermSchema = object('WeightedPodAffinityTerm', 'A weighted pod (anti-)affinity preference.', {
  weight: f(1, t.int32(), 'Weight (1–100) added to nodes satisfying the term.', { required: true }),
  podAffinityTerm: f(2, t.object(() => PodAffinityTermSchema), 'The term.', { required: true }),
});
export type WeightedPodAffinityTerm = Infer<typeof WeightedPodAffinityTermSchema>;

export const PodAffinitySchema = object('PodAffinity', 'Rules co-locating a pod with other pods.', {
  requiredDuringSchedulingIgnoredDuringExecution: f(1, t.list(t.object(() => PodAffinityTermSchema)), 'Terms every candidate node must satisfy.'),
  preferredDuringSchedulingIgnoredDuringExecution: f(2, t.list(t.object(() => WeightedPodAffinityTermSchema)), 'Terms preferred, by weight.'),
});

export const PodAntiAffinitySchema = object('PodAntiAffinity', 'Rules keeping a pod away from other pods.', {
  requiredDuringSchedulingIgnoredDuringExecution: f(1, t.list(t.object(() => PodAffinityTermSchema)), 'Terms every candidate node must satisfy.'),
  preferredDuringSchedulingIgnoredDuringExecution: f(2, t.list(t.object(() => WeightedPodAffinityTermSchema)), 'Terms preferred, by weight.'),
});

export const AffinitySchema = object('Affinity', 'Scheduling constraints by node labels and other pods.', {
  nodeAffinity: f(1, t.object(() => NodeAffinitySchema), 'Node affinity rules.'),
  podAffinity: f(2, t.object(() => PodAffinitySchema), 'Pod affinity rules.'),
  podAntiAffinity: f(3, t.object(() => PodAntiAffinitySchema), 'Pod anti-affinity rules.'),
});
export type Affinity = Infer<typeof AffinitySchema>;
