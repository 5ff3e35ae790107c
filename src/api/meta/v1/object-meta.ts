import { f, object, t, type Infer } from '../../schema/dsl.js';

/** Identifies an owning object; garbage collection follows these links. */
export const OwnerReferenceSchema = object('OwnerReference', 'A link to an object that owns this one.', {
  apiVersion: f(5, t.string(), 'API version of the owner.', { required: true }),
  kind: f(1, t.string(), 'Kind of the owner.', { required: true }),
  name: f(3, t.string(), 'Name of the owner.', { required: true }),
  uid: f(4, t.string(), 'UID of the owner.', { required: true }),
  controller: f(6, t.bool(), 'True if the owner is the managing controller.'),
  blockOwnerDeletion: f(7, t.bool(), 'If true, the owner cannot be deleted (foreground) until this reference is removed.'),
});
export type OwnerReference = Infer<typeof OwnerReferenceSchema>;

/** Server-side apply bookkeeping: which manager set which fields. */
export const ManagedFieldsEntrySchema = object('ManagedFieldsEntry', 'The fields one manager owns and how it set them.', {
  manager: f(1, t.string(), 'Name of the workflow managing these fields.'),
  operation: f(2, t.enum('Apply', 'Update'), 'Whether the fields were applied or updated.'),
  apiVersion: f(3, t.string(), 'API version the fields were written in.'),
  time: f(4, t.time(), 'When these fields were last changed.'),
  fieldsType: f(6, t.string(), 'Format of fieldsV1; always FieldsV1.'),
  fieldsV1: f(7, t.raw(), 'The set of fields, as a nested JSON map.'),
  subresource: f(8, t.string(), 'Subresource the fields were written through, if any.'),
});
export type ManagedFieldsEntry = Infer<typeof ManagedFieldsEntrySchema>;

/** Metadata every persisted object carries. */
export const ObjectMetaSchema = object('ObjectMeta', 'Metadata that every persisted object has.', {
  name: f(1, t.string(), 'Unique name within the namespace; cannot be changed.', { immutable: true }),
  generateName: f(2, t.string(), 'Prefix from which the server generates a unique name when name is empty.'),
  namespace: f(3, t.string(), 'Namespace the object lives in; empty for cluster-scoped objects.', { immutable: true }),
  selfLink: f(4, t.string(), 'Deprecated; never set.'),
  uid: f(5, t.string(), 'Unique identifier for the lifetime of the object; set by the server.', { immutable: true }),
  resourceVersion: f(6, t.string(), 'Opaque version for optimistic concurrency and watches.'),
  generation: f(7, t.int64(), 'Sequence number of the desired state; bumped on spec changes.'),
  creationTimestamp: f(8, t.time(), 'When the object was created; set by the server.'),
  deletionTimestamp: f(9, t.time(), 'When graceful deletion was requested; set by the server.'),
  deletionGracePeriodSeconds: f(10, t.int64(), 'Seconds allowed for graceful termination.'),
  labels: f(11, t.map(t.string()), 'Key/value pairs used to organise and select objects.'),
  annotations: f(12, t.map(t.string()), 'Non-identifying key/value metadata for tools.'),
  ownerReferences: f(13, t.list(t.object(() => OwnerReferenceSchema), { listType: 'map', listMapKeys: ['uid'] }), 'Objects this one depends on.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'uid',
  }),
  finalizers: f(14, t.list(t.string(), { listType: 'set' }), 'Conditions to clear before the object is removed.', {
    patchStrategy: ['merge'],
  }),
  managedFields: f(17, t.list(t.object(() => ManagedFieldsEntrySchema)), 'Field ownership for server-side apply.'),
});
export type ObjectMeta = Infer<typeof ObjectMetaSchema>;

/** Metadata of a list response. */
export const ListMetaSchema = object('ListMeta', 'Metadata of a list response.', {
  selfLink: f(1, t.string(), 'Deprecated; never set.'),
  resourceVersion: f(2, t.string(), 'The revision the list was read at.'),
  continue: f(3, t.string(), 'Token to fetch the next page, if the list was limited.'),
  remainingItemCount: f(4, t.int64(), 'How many items follow this page, when known.'),
});
export type ListMeta = Infer<typeof ListMetaSchema>;
