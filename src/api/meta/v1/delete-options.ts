import { f, object, t, type Infer } from '../../schema/dsl.js';
import { fieldError } from './field-errors.js';

export const PreconditionsSchema = object('Preconditions', 'Conditions the object must meet for the operation to proceed (else 409).', {
  uid: f(1, t.string(), 'The object must have this UID.'),
  resourceVersion: f(2, t.string(), 'The object must be at this resource version.'),
});
export type Preconditions = Infer<typeof PreconditionsSchema>;

/** Allowed propagation policies; upstream lists "nil" as a supported value too. */
export const propagationPolicies = ['Foreground', 'Background', 'Orphan'] as const;
export type PropagationPolicy = (typeof propagationPolicies)[number];

/**
 * The body of DELETE (kubectl sends it as JSON without apiVersion/kind; typed clients
 * may send it as protobuf, hence the field numbers).
 */
export const DeleteOptionsSchema = object(
  'DeleteOptions',
  'Options for a delete request.',
  {
    apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
    kind: f(0, t.string(), 'Always DeleteOptions.'),
    gracePeriodSeconds: f(1, t.int64(), 'Seconds to wait before deleting; 0 deletes immediately; absent uses the object’s default.'),
    preconditions: f(2, t.object(() => PreconditionsSchema), 'Must hold for the delete to proceed.'),
    orphanDependents: f(3, t.bool(), 'Deprecated: true orphans dependents; use propagationPolicy.'),
    propagationPolicy: f(4, t.string(), 'How dependents are garbage collected: Foreground, Background or Orphan.'),
    dryRun: f(5, t.list(t.string()), 'When ["All"], validate and answer without persisting.'),
    ignoreStoreReadErrorWithClusterBreakingPotential: f(
      6,
      t.bool(),
      'Delete an object that cannot be read from storage (corrupt); may break the cluster.',
    ),
  },
  {
    validate: (o, path) => {
      const errs = [];
      const p = (s: string) => (path ? `${path}.${s}` : s);
      if (o.orphanDependents !== undefined && o.propagationPolicy !== undefined) {
        errs.push(fieldError.invalid(p('propagationPolicy'), o.propagationPolicy, 'orphanDependents and deletionPropagation cannot be both set'));
      }
      if (o.propagationPolicy !== undefined && !(propagationPolicies as readonly string[]).includes(o.propagationPolicy)) {
        errs.push(fieldError.notSupported(p('propagationPolicy'), o.propagationPolicy, [...propagationPolicies, 'nil']));
      }
      if ((o.dryRun ?? []).some((v) => v !== 'All')) {
        errs.push(fieldError.notSupported(p('dryRun'), o.dryRun, ['All']));
      }
      return errs;
    },
  },
);
export type DeleteOptions = Infer<typeof DeleteOptionsSchema>;
