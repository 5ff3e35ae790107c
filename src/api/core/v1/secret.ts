import { f, kind, object, t, type ObjectOf, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';
import { ageColumn } from '../../meta/v1/printing.js';
import { MAX_DATA_SIZE } from './config-map.js';
import { ptr } from './embedded.js';
import { fe } from './field-errors.js';
import { isConfigMapKey } from './names.js';

const secretFields = {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  data: f(2, t.map(t.bytes()), 'Secret values by key (base64 in JSON).'),
  type: f(3, t.string(), 'What the Secret holds, e.g. Opaque or kubernetes.io/tls.', { default: 'Opaque' }),
  stringData: f(4, t.map(t.string()), 'Write-only plain-text values, merged into data on write and never returned.'),
  immutable: ptr(f(5, t.bool(), 'When true, data can no longer be changed.')),
};
export type Secret = ObjectOf<typeof secretFields>;

/**
 * Merges stringData into data (base64-encoding the values, overwriting existing keys) and
 * drops stringData, as kube-apiserver's v1 conversion does on every write. Idempotent.
 * The apiserver must run defaults on create, update and patch before validating and
 * storing, so stringData is never persisted or returned.
 */
export function mergeStringData(s: Secret): void {
  if (!s.stringData) return;
  const data = (s.data ??= {});
  for (const [k, v] of Object.entries(s.stringData)) data[k] = Buffer.from(v, 'utf8').toString('base64');
  delete s.stringData;
}

export const SecretSchema = object('Secret', 'Sensitive data (passwords, tokens, keys) for pods to consume.', secretFields, {
  applyDefaults: mergeStringData,
});

/** Keys a Secret of a given type must have (ValidateSecret's per-type rules). */
const requiredKeys: Record<string, readonly string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

const stableJson = (v: unknown): string => JSON.stringify(v ?? {}, Object.keys((v as object) ?? {}).sort());

/** Kubernetes' ValidateSecret / ValidateSecretUpdate. Pure. */
export function validateSecret(s: Secret, old?: Secret): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  let size = 0;
  const data = s.data ?? {};
  for (const [k, v] of Object.entries(data)) {
    for (const msg of isConfigMapKey(k)) errs.push(fe.invalid(`data[${k}]`, k, msg));
    size += Buffer.from(v, 'base64').length;
  }
  if (size > MAX_DATA_SIZE) errs.push(fe.tooLong('data', '', MAX_DATA_SIZE));
  const type = s.type ?? 'Opaque';
  for (const key of requiredKeys[type] ?? []) if (!Object.hasOwn(data, key)) errs.push(fe.required(`data[${key}]`, ''));
  if (type === 'kubernetes.io/service-account-token' && !s.metadata?.annotations?.['kubernetes.io/service-account.name']) {
    errs.push(fe.required('metadata.annotations[kubernetes.io/service-account.name]', ''));
  }
  if (type === 'kubernetes.io/basic-auth' && !Object.hasOwn(data, 'username') && !Object.hasOwn(data, 'password')) {
    errs.push(fe.required('data[username]', ''));
    errs.push(fe.required('data[password]', ''));
  }
  if (old) {
    if ((s.type ?? 'Opaque') !== (old.type ?? 'Opaque')) errs.push(fe.invalid('type', s.type ?? '', 'field is immutable'));
    if (old.immutable === true) {
      if (s.immutable !== true) errs.push(fe.forbidden('immutable', 'field is immutable when `immutable` is set'));
      if (stableJson(s.data) !== stableJson(old.data)) errs.push(fe.forbidden('data', 'field is immutable when `immutable` is set'));
    }
  }
  return errs;
}

export const SecretKind = kind<Secret>({
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  schema: SecretSchema,
  protoName: 'k8s.io.api.core.v1.Secret',
  validate: validateSecret,
  fieldSelectors: { type: (s) => s.type ?? '' },
  printerColumns: [
    { name: 'Type', type: 'string', description: 'What the Secret holds.', value: (s) => s.type ?? '' },
    { name: 'Data', type: 'string', description: 'Number of keys in data.', value: (s) => Object.keys(s.data ?? {}).length },
    ageColumn<Secret>(),
  ],
});
