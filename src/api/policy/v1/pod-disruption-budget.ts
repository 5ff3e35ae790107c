import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import {
  ConditionSchema,
  DeleteOptionsSchema,
  LabelSelectorSchema,
  ObjectMetaSchema,
  ageColumn,
  fieldError,
  intOrStringText,
  validateLabelSelector,
} from '../../meta/v1/index.js';
import { notMoreThan100Percent, validatePositiveIntOrPercent } from '../../apps/v1/int-or-percent.js';

export const PodDisruptionBudgetSpecSchema = object(
  'PodDisruptionBudgetSpec',
  'How many of the selected pods voluntary disruptions must leave available.',
  {
    minAvailable: f(1, t.intOrString(), 'Evictions are allowed while at least this many (or this percentage) stay available.'),
    selector: f(2, t.object(() => LabelSelectorSchema), 'The pods this budget covers; an empty selector covers the whole namespace.', {
      patchStrategy: ['replace'],
      validate: (v, p) => validateLabelSelector(v, p),
    }),
    maxUnavailable: f(3, t.intOrString(), 'Evictions are allowed while at most this many (or this percentage) are unavailable.'),
    unhealthyPodEvictionPolicy: f(4, t.enum('IfHealthyBudget', 'AlwaysAllow'), 'When running but not-ready pods may be evicted.'),
  },
  {
    validate: (s, path) => {
      const errs = [];
      const p = (c: string) => (path ? `${path}.${c}` : c);
      if (s.minAvailable !== undefined && s.maxUnavailable !== undefined) {
        errs.push(fieldError.invalid(path, s, 'minAvailable and maxUnavailable cannot be both set'));
      }
      for (const name of ['minAvailable', 'maxUnavailable'] as const) {
        errs.push(...validatePositiveIntOrPercent(s[name], p(name)), ...notMoreThan100Percent(s[name], p(name)));
      }
      return errs;
    },
  },
);

export const PodDisruptionBudgetStatusSchema = object('PodDisruptionBudgetStatus', 'What the disruption controller last computed.', {
  observedGeneration: f(1, t.int64(), 'The generation this status was computed for.'),
  disruptedPods: f(2, t.map(t.time()), 'Pods evicted but not yet seen deleted, with the eviction time.'),
  disruptionsAllowed: f(3, t.int32(), 'How many pod disruptions are allowed right now.', { required: true }),
  currentHealthy: f(4, t.int32(), 'Healthy pods now.', { required: true }),
  desiredHealthy: f(5, t.int32(), 'Minimum healthy pods wanted.', { required: true }),
  expectedPods: f(6, t.int32(), 'Pods counted by this budget.', { required: true }),
  conditions: f(7, t.list(t.object(() => ConditionSchema), { listType: 'map', listMapKeys: ['type'] }), 'Latest observations (DisruptionAllowed).', {
    patchStrategy: ['merge'],
    patchMergeKey: 'type',
  }),
});

export const PodDisruptionBudgetSchema = object('PodDisruptionBudget', 'Limits voluntary disruption (eviction) of a set of pods.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => PodDisruptionBudgetSpecSchema), 'The budget.'),
  status: f(3, t.object(() => PodDisruptionBudgetStatusSchema), 'Observed state.'),
});
export type PodDisruptionBudget = Infer<typeof PodDisruptionBudgetSchema>;

const orNA = (v: number | string | undefined) => (v === undefined ? 'N/A' : intOrStringText(v));

export const PodDisruptionBudgetKind = kind<PodDisruptionBudget>({
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  shortNames: ['pdb'],
  namespaced: true,
  schema: PodDisruptionBudgetSchema,
  protoName: 'k8s.io.api.policy.v1.PodDisruptionBudget',
  subresources: { status: true },
  hasGeneration: true,
  printerColumns: [
    { name: 'Min Available', type: 'string', description: 'Minimum pods that must stay available.', value: (o) => orNA(o.spec?.minAvailable) },
    { name: 'Max Unavailable', type: 'string', description: 'Maximum pods that may be unavailable.', value: (o) => orNA(o.spec?.maxUnavailable) },
    { name: 'Allowed Disruptions', type: 'integer', description: 'Pods that may be disrupted now.', value: (o) => o.status?.disruptionsAllowed ?? 0 },
    ageColumn(),
  ],
});

/** The body POSTed to pods/<name>/eviction (kubectl drain); the pod is deleted if budgets allow. */
export const EvictionSchema = object('Eviction', 'A request to evict a pod, subject to disruption budgets.', {
  apiVersion: f(0, t.string(), 'Always policy/v1.'),
  kind: f(0, t.string(), 'Always Eviction.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Names the pod to evict.'),
  deleteOptions: f(2, t.object(() => DeleteOptionsSchema), 'Options for the resulting pod deletion.'),
});
export type Eviction = Infer<typeof EvictionSchema>;

/** Eviction as a kind, for the pods/eviction subresource only (create); not a top-level resource. */
export const EvictionKind = kind<Eviction>({
  group: 'policy',
  version: 'v1',
  kind: 'Eviction',
  plural: 'eviction',
  singular: 'eviction',
  namespaced: true,
  verbs: ['create'],
  schema: EvictionSchema,
  protoName: 'k8s.io.api.policy.v1.Eviction',
  printerColumns: [],
});
