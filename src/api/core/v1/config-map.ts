import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';
import { ageColumn } from '../../meta/v1/printing.js';
import { ptr } from './embedded.js';
import { fe } from './field-errors.js';
import { isConfigMapKey } from './names.js';

/** Largest total size of a ConfigMap's or Secret's data (1 MiB). */
export const MAX_DATA_SIZE = 1024 * 1024;

export const ConfigMapSchema = object('ConfigMap', 'Configuration data (text and binary) for pods to consume.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  data: f(2, t.map(t.string()), 'UTF-8 values by key.'),
  binaryData: f(3, t.map(t.bytes()), 'Binary values by key (base64 in JSON).'),
  immutable: ptr(f(4, t.bool(), 'When true, data can no longer be changed.')),
});
export type ConfigMap = Infer<typeof ConfigMapSchema>;

const stableJson = (v: unknown): string => JSON.stringify(v ?? {}, Object.keys((v as object) ?? {}).sort());

/** Kubernetes' ValidateConfigMap / ValidateConfigMapUpdate. Pure. */
export function validateConfigMap(cm: ConfigMap, old?: ConfigMap): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(cm.data ?? {})) {
    for (const msg of isConfigMapKey(k)) errs.push(fe.invalid(`data[${k}]`, k, msg));
    if (cm.binaryData && Object.hasOwn(cm.binaryData, k)) errs.push(fe.invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    size += Buffer.byteLength(v, 'utf8');
  }
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) {
    for (const msg of isConfigMapKey(k)) errs.push(fe.invalid(`binaryData[${k}]`, k, msg));
    size += Buffer.from(v, 'base64').length;
  }
  if (size > MAX_DATA_SIZE) errs.push(fe.tooLong('', '<object>', MAX_DATA_SIZE));
  if (old?.immutable === true) {
    if (cm.immutable !== true) errs.push(fe.forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (stableJson(cm.data) !== stableJson(old.data)) errs.push(fe.forbidden('data', 'field is immutable when `immutable` is set'));
    if (stableJson(cm.binaryData) !== stableJson(old.binaryData)) errs.push(fe.forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  return errs;
}

export const ConfigMapKind = kind<ConfigMap>({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  shortNames: ['cm'],
  namespaced: true,
  schema: ConfigMapSchema,
  protoName: 'k8s.io.api.core.v1.ConfigMap',
  validate: validateConfigMap,
  printerColumns: [
    {
      name: 'Data',
      type: 'string',
      description: 'Number of keys in data and binaryData.',
      value: (cm) => Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
    },
    ageColumn<ConfigMap>(),
  ],
});
