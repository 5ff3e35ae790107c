import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema, ageColumn, fieldError, nonNegative } from '../../meta/v1/index.js';

export const LeaseSpecSchema = object('LeaseSpec', 'Who holds a lease and until when.', {
  holderIdentity: f(1, t.string(), 'Identity of the current holder.'),
  leaseDurationSeconds: f(2, t.int32(), 'Seconds after the last renewal before others may take the lease.', {
    validate: (v, p) => (v <= 0 ? [fieldError.invalid(p, v, 'must be greater than 0')] : []),
  }),
  acquireTime: f(3, t.microTime(), 'When the current holder acquired the lease.'),
  renewTime: f(4, t.microTime(), 'When the current holder last renewed the lease.'),
  leaseTransitions: f(5, t.int32(), 'How many times the lease has changed holders.', { validate: (v, p) => nonNegative(v, p) }),
  strategy: f(6, t.enum('OldestEmulationVersion'), 'How coordinated leader election picks a holder (alpha).'),
  preferredHolder: f(7, t.string(), 'A better holder the current one should yield to (alpha).'),
});

/** Leader election and node heartbeats (kube-node-lease/<node>). */
export const LeaseSchema = object('Lease', 'A lease held by one party at a time, renewed periodically.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => LeaseSpecSchema), 'The lease’s holder and timing.'),
});
export type Lease = Infer<typeof LeaseSchema>;

export const LeaseKind = kind<Lease>({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  schema: LeaseSchema,
  protoName: 'k8s.io.api.coordination.v1.Lease',
  printerColumns: [
    { name: 'Holder', type: 'string', description: 'Identity of the current holder.', value: (l) => l.spec?.holderIdentity ?? '' },
    ageColumn(),
  ],
});
