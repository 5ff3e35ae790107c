import { f, object, t, type Infer } from '../../schema/dsl.js';
import { embedded, ptr } from './embedded.js';
import { ObjectFieldSelectorSchema, ResourceFieldSelectorSchema } from './references.js';

/** `name` of a LocalObjectReference inlined at proto field 1 (Go: embedded LocalObjectReference). */
const inlinedName = (description: string) =>
  embedded(1, 'LocalObjectReference', { name: f(1, t.string(), description) });

export const ConfigMapKeySelectorSchema = object('ConfigMapKeySelector', 'One key of a ConfigMap.', {
  ...inlinedName('Name of the ConfigMap.'),
  key: f(2, t.string(), 'The key to read.', { required: true }),
  optional: ptr(f(3, t.bool(), 'Whether the ConfigMap or key may be missing.')),
});

export const SecretKeySelectorSchema = object('SecretKeySelector', 'One key of a Secret.', {
  ...inlinedName('Name of the Secret.'),
  key: f(2, t.string(), 'The key to read.', { required: true }),
  optional: ptr(f(3, t.bool(), 'Whether the Secret or key may be missing.')),
});

export const EnvVarSourceSchema = object('EnvVarSource', 'Where an environment variable’s value comes from.', {
  fieldRef: f(1, t.object(() => ObjectFieldSelectorSchema), 'A field of the pod.'),
  resourceFieldRef: f(2, t.object(() => ResourceFieldSelectorSchema), 'A resource limit or request of the container.'),
  configMapKeyRef: f(3, t.object(() => ConfigMapKeySelectorSchema), 'A key of a ConfigMap.'),
  secretKeyRef: f(4, t.object(() => SecretKeySelectorSchema), 'A key of a Secret.'),
});
export type EnvVarSource = Infer<typeof EnvVarSourceSchema>;

export const EnvVarSchema = object('EnvVar', 'One environment variable of a container.', {
  name: f(1, t.string(), 'Variable name.', { required: true }),
  value: f(2, t.string(), 'Literal value; $(VAR) references are expanded.'),
  valueFrom: f(3, t.object(() => EnvVarSourceSchema), 'Source of the value when not literal.'),
});
export type EnvVar = Infer<typeof EnvVarSchema>;

export const ConfigMapEnvSourceSchema = object('ConfigMapEnvSource', 'A ConfigMap whose keys all become variables.', {
  ...inlinedName('Name of the ConfigMap.'),
  optional: ptr(f(2, t.bool(), 'Whether the ConfigMap may be missing.')),
});

export const SecretEnvSourceSchema = object('SecretEnvSource', 'A Secret whose keys all become variables.', {
  ...inlinedName('Name of the Secret.'),
  optional: ptr(f(2, t.bool(), 'Whether the Secret may be missing.')),
});

export const EnvFromSourceSchema = object('EnvFromSource', 'A set of variables taken from a ConfigMap or Secret.', {
  prefix: f(1, t.string(), 'Prefix added to every key.'),
  configMapRef: f(2, t.object(() => ConfigMapEnvSourceSchema), 'The ConfigMap to read.'),
  secretRef: f(3, t.object(() => SecretEnvSourceSchema), 'The Secret to read.'),
});
export type EnvFromSource = Infer<typeof EnvFromSourceSchema>;
