import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';
import { createdAtColumn } from '../../meta/v1/printing.js';
import { Quantity } from '../../../machinery/quantity.js';
import { fe } from './field-errors.js';
import { resourceList, type ResourceList } from './resources.js';

export const LimitRangeItemSchema = object(
  'LimitRangeItem',
  'Limits and defaults for one kind of object (Pod, Container or PersistentVolumeClaim).',
  {
    type: f(1, t.string(), 'Kind the limits apply to: Pod, Container or PersistentVolumeClaim.', { required: true }),
    max: f(2, resourceList(), 'Most of each resource allowed.'),
    min: f(3, resourceList(), 'Least of each resource allowed.'),
    default: f(4, resourceList(), 'Limits given to containers that set none.'),
    defaultRequest: f(5, resourceList(), 'Requests given to containers that set none.'),
    maxLimitRequestRatio: f(6, resourceList(), 'Largest allowed limit/request ratio.'),
  },
  {
    // SetDefaults_LimitRangeItem: for containers, default limit ← max; default request ← default limit, else min.
    applyDefaults: (item) => {
      if (item.type !== 'Container') return;
      const def: ResourceList = (item.default ??= {});
      const req: ResourceList = (item.defaultRequest ??= {});
      for (const [k, v] of Object.entries(item.max ?? {})) if (def[k] === undefined) def[k] = v;
      for (const [k, v] of Object.entries(def)) if (req[k] === undefined) req[k] = v;
      for (const [k, v] of Object.entries(item.min ?? {})) if (req[k] === undefined) req[k] = v;
    },
  },
);

export const LimitRangeSpecSchema = object('LimitRangeSpec', 'The limits enforced in a namespace.', {
  limits: f(1, t.list(t.object(() => LimitRangeItemSchema)), 'Limits per object kind.', { required: true }),
});

export const LimitRangeSchema = object('LimitRange', 'Per-object resource limits and defaults for a namespace.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => LimitRangeSpecSchema), 'The limits.'),
});
export type LimitRange = Infer<typeof LimitRangeSchema>;

const q = (v: string | number | undefined): Quantity | undefined => {
  if (v === undefined) return undefined;
  try {
    return Quantity.parse(String(v));
  } catch {
    return undefined;
  }
};

/** ValidateLimitRange's ordering rules: min ≤ default request ≤ default ≤ max. */
export function validateLimitRange(lr: LimitRange): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  (lr.spec?.limits ?? []).forEach((item, i) => {
    const p = `spec.limits[${i}]`;
    const names = new Set([...Object.keys(item.max ?? {}), ...Object.keys(item.min ?? {}), ...Object.keys(item.default ?? {}), ...Object.keys(item.defaultRequest ?? {})]);
    for (const name of names) {
      const min = q(item.min?.[name]);
      const max = q(item.max?.[name]);
      const def = q(item.default?.[name]);
      const req = q(item.defaultRequest?.[name]);
      if (min && max && min.cmp(max) > 0) errs.push(fe.invalid(`${p}.min[${name}]`, min.toString(), `min value ${min} is greater than max value ${max}`));
      if (req && max && req.cmp(max) > 0) errs.push(fe.invalid(`${p}.defaultRequest[${name}]`, req.toString(), `default request value ${req} is greater than max value ${max}`));
      if (req && def && req.cmp(def) > 0) errs.push(fe.invalid(`${p}.defaultRequest[${name}]`, req.toString(), `default request value ${req} is greater than default limit value ${def}`));
      if (def && max && def.cmp(max) > 0) errs.push(fe.invalid(`${p}.default[${name}]`, def.toString(), `default value ${def} is greater than max value ${max}`));
      if (min && req && min.cmp(req) > 0) errs.push(fe.invalid(`${p}.defaultRequest[${name}]`, req.toString(), `min value ${min} is greater than default request value ${req}`));
      if (min && def && min.cmp(def) > 0) errs.push(fe.invalid(`${p}.default[${name}]`, def.toString(), `min value ${min} is greater than default value ${def}`));
    }
  });
  return errs;
}

export const LimitRangeKind = kind<LimitRange>({
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  plural: 'limitranges',
  singular: 'limitrange',
  shortNames: ['limits'],
  namespaced: true,
  schema: LimitRangeSchema,
  protoName: 'k8s.io.api.core.v1.LimitRange',
  validate: (lr) => validateLimitRange(lr),
  printerColumns: [createdAtColumn<LimitRange>()],
});
