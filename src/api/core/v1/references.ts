import { f, object, t, type Infer } from '../../schema/dsl.js';

export const LocalObjectReferenceSchema = object('LocalObjectReference', 'Names an object in the same namespace.', {
  name: f(1, t.string(), 'Name of the referenced object.'),
});
export type LocalObjectReference = Infer<typeof LocalObjectReferenceSchema>;

export const ObjectReferenceSchema = object('ObjectReference', 'Enough information to look up another object.', {
  kind: f(1, t.string(), 'Kind of the referenced object.'),
  namespace: f(2, t.string(), 'Namespace of the referenced object.'),
  name: f(3, t.string(), 'Name of the referenced object.'),
  uid: f(4, t.string(), 'UID of the referenced object.'),
  apiVersion: f(5, t.string(), 'API version of the referenced object.'),
  resourceVersion: f(6, t.string(), 'Resource version the reference was made at, if any.'),
  fieldPath: f(7, t.string(), 'Part of the object referred to, e.g. spec.containers{web}.'),
});
export type ObjectReference = Infer<typeof ObjectReferenceSchema>;

export const TypedLocalObjectReferenceSchema = object('TypedLocalObjectReference', 'Names a typed object in the same namespace.', {
  apiGroup: f(1, t.string(), 'API group of the referenced kind; empty for the core group.'),
  kind: f(2, t.string(), 'Kind of the referenced object.', { required: true }),
  name: f(3, t.string(), 'Name of the referenced object.', { required: true }),
});

export const TypedObjectReferenceSchema = object('TypedObjectReference', 'Names a typed object, possibly in another namespace.', {
  apiGroup: f(1, t.string(), 'API group of the referenced kind; empty for the core group.'),
  kind: f(2, t.string(), 'Kind of the referenced object.', { required: true }),
  name: f(3, t.string(), 'Name of the referenced object.', { required: true }),
  namespace: f(4, t.string(), 'Namespace of the referenced object.'),
});

export const SecretReferenceSchema = object('SecretReference', 'Names a Secret in any namespace.', {
  name: f(1, t.string(), 'Name of the Secret.'),
  namespace: f(2, t.string(), 'Namespace of the Secret.'),
});

export const ObjectFieldSelectorSchema = object(
  'ObjectFieldSelector',
  'Picks a field of the pod, e.g. metadata.name or status.podIP.',
  {
    apiVersion: f(1, t.string(), 'Schema version the fieldPath is written against.', { default: 'v1' }),
    fieldPath: f(2, t.string(), 'Path of the field to read.', { required: true }),
  },
);
export type ObjectFieldSelector = Infer<typeof ObjectFieldSelectorSchema>;

export const ResourceFieldSelectorSchema = object(
  'ResourceFieldSelector',
  'Picks a container resource limit or request, scaled by a divisor.',
  {
    containerName: f(1, t.string(), 'Container to read from; required in volumes, optional in env.'),
    resource: f(2, t.string(), 'Resource to read, e.g. limits.cpu or requests.memory.', { required: true }),
    // Go serialises the zero Quantity as "0", so the field is always present on output.
    divisor: f(3, t.quantity(), 'Unit the value is expressed in; defaults to 1.', { default: '0' }),
  },
);
export type ResourceFieldSelector = Infer<typeof ResourceFieldSelectorSchema>;
