/**
 * validateHorizontalPodAutoscalerSpec (pkg/apis/autoscaling/validation) with upstream's
 * messages and order. Upstream validates the internal (v2-shaped) object whatever version
 * a client wrote, so this is what every HPA write is checked with.
 */
import type { SchemaFieldError } from '../../schema/dsl.js';
import { fieldError } from '../../meta/v1/index.js';
import { isPathSegmentName } from '../../networking/v1/names.js';
import { Quantity } from '../../../machinery/quantity.js';
import { isDNS1123Label } from '../../../machinery/names.js';
import type { HPAScalingRules, HorizontalPodAutoscalerBehavior } from './behavior.js';
import type { CrossVersionObjectReference, MetricSpec, MetricTarget } from './metrics.js';

const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const POLICY_TYPES = ['Percent', 'Pods'];

interface SpecLike {
  scaleTargetRef?: CrossVersionObjectReference;
  minReplicas?: number;
  maxReplicas?: number;
  metrics?: MetricSpec[];
  behavior?: HorizontalPodAutoscalerBehavior;
}

/** ValidateCrossVersionObjectReference: kind and name are required path segments. */
export function validateCrossVersionObjectReference(ref: CrossVersionObjectReference | undefined, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  for (const key of ['kind', 'name'] as const) {
    const v = ref?.[key] ?? '';
    if (v === '') errs.push(fieldError.required(`${path}.${key}`));
    else for (const msg of isPathSegmentName(v)) errs.push(fieldError.invalid(`${path}.${key}`, v, msg));
  }
  return errs;
}

/** The whole spec: bounds, target reference, metrics, behavior (minReplicas ≥ 1: HPAScaleToZero is off). */
export function validateHorizontalPodAutoscalerSpec(spec: SpecLike, path = 'spec'): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const max = spec.maxReplicas ?? 0;
  if (spec.minReplicas !== undefined && spec.minReplicas < 1) errs.push(fieldError.invalid(`${path}.minReplicas`, spec.minReplicas, 'must be greater than 0'));
  if (max < 1) errs.push(fieldError.invalid(`${path}.maxReplicas`, max, 'must be greater than 0'));
  if (spec.minReplicas !== undefined && max < spec.minReplicas) errs.push(fieldError.invalid(`${path}.maxReplicas`, max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...validateCrossVersionObjectReference(spec.scaleTargetRef, `${path}.scaleTargetRef`));
  (spec.metrics ?? []).forEach((m, i) => errs.push(...validateMetricSpec(m ?? {}, `${path}.metrics[${i}]`)));
  if (spec.behavior) {
    errs.push(...validateScalingRules(spec.behavior.scaleUp, `${path}.behavior.scaleUp`));
    errs.push(...validateScalingRules(spec.behavior.scaleDown, `${path}.behavior.scaleDown`));
  }
  return errs;
}

function validateScalingRules(rules: HPAScalingRules | undefined, path: string): SchemaFieldError[] {
  if (!rules) return [];
  const errs: SchemaFieldError[] = [];
  const w = rules.stabilizationWindowSeconds;
  if (w !== undefined && w < 0) errs.push(fieldError.invalid(`${path}.stabilizationWindowSeconds`, w, 'must be greater than or equal to zero'));
  if (w !== undefined && w > MAX_STABILIZATION_WINDOW_SECONDS) errs.push(fieldError.invalid(`${path}.stabilizationWindowSeconds`, w, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  if (rules.selectPolicy !== undefined && !SELECT_POLICIES.includes(rules.selectPolicy)) errs.push(fieldError.notSupported(`${path}.selectPolicy`, rules.selectPolicy, SELECT_POLICIES));
  const policies = rules.policies ?? [];
  if (policies.length === 0) errs.push(fieldError.required(`${path}.policies`, 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const at = `${path}.policies[${i}]`;
    if (!POLICY_TYPES.includes(p?.type ?? '')) errs.push(fieldError.notSupported(`${at}.type`, p?.type ?? '', POLICY_TYPES));
    const value = p?.value ?? 0;
    const period = p?.periodSeconds ?? 0;
    if (value <= 0) errs.push(fieldError.invalid(`${at}.value`, value, 'must be greater than zero'));
    if (period <= 0) errs.push(fieldError.invalid(`${at}.periodSeconds`, period, 'must be greater than zero'));
    if (period > MAX_PERIOD_SECONDS) errs.push(fieldError.invalid(`${at}.periodSeconds`, period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
  return errs;
}

/** validateMetricSpec: a known type, exactly the one matching source, each source's own rules. */
function validateMetricSpec(m: MetricSpec, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const type = m.type ?? '';
  if (type === '') errs.push(fieldError.required(`${path}.type`, 'must specify a metric source type'));
  if (!METRIC_SOURCE_TYPES.includes(type)) errs.push(fieldError.notSupported(`${path}.type`, type, METRIC_SOURCE_TYPES));
  // Only the first source present is validated in depth, as upstream (the rest are forbidden below).
  const present: string[] = [];
  const first = (name: string, check: () => SchemaFieldError[]): void => {
    present.push(name);
    if (present.length === 1) errs.push(...check());
  };
  if (m.object) first('object', () => validateObjectSource(m.object!, `${path}.object`));
  if (m.external) first('external', () => validateExternalSource(m.external!, `${path}.external`));
  if (m.pods) first('pods', () => validatePodsSource(m.pods!, `${path}.pods`));
  if (m.resource) first('resource', () => validateResourceSource(m.resource!, `${path}.resource`, false));
  if (m.containerResource) first('containerResource', () => validateResourceSource(m.containerResource!, `${path}.containerResource`, true));
  const expected = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' }[type];
  if (expected === undefined) errs.push(fieldError.notSupported(`${path}.type`, type, METRIC_SOURCE_TYPES));
  else if (!present.includes(expected)) errs.push(fieldError.required(`${path}.${expected}`, 'must populate information for the given metric source'));
  if (present.length !== 1) {
    for (const name of present.filter((p) => p !== expected).sort()) errs.push(fieldError.forbidden(`${path}.${name}`, 'must populate the given metric source only'));
  }
  return errs;
}

function validateObjectSource(src: NonNullable<MetricSpec['object']>, path: string): SchemaFieldError[] {
  const errs = [
    ...validateCrossVersionObjectReference(src.describedObject, `${path}.describedObject`),
    ...validateMetricIdentifier(src.metric?.name, `${path}.metric`),
    ...validateMetricTarget(src.target ?? {}, `${path}.target`),
  ];
  if (src.target?.value === undefined && src.target?.averageValue === undefined) errs.push(fieldError.required(`${path}.target.averageValue`, 'must set either a target value or averageValue'));
  return errs;
}

function validateExternalSource(src: NonNullable<MetricSpec['external']>, path: string): SchemaFieldError[] {
  const errs = [...validateMetricIdentifier(src.metric?.name, `${path}.metric`), ...validateMetricTarget(src.target ?? {}, `${path}.target`)];
  const t = src.target ?? {};
  if (t.value === undefined && t.averageValue === undefined) errs.push(fieldError.required(`${path}.target.averageValue`, 'must set either a target value for metric or a per-pod target'));
  if (t.value !== undefined && t.averageValue !== undefined) errs.push(fieldError.forbidden(`${path}.target.value`, 'may not set both a target value for metric and a per-pod target'));
  return errs;
}

function validatePodsSource(src: NonNullable<MetricSpec['pods']>, path: string): SchemaFieldError[] {
  const errs = [...validateMetricIdentifier(src.metric?.name, `${path}.metric`), ...validateMetricTarget(src.target ?? {}, `${path}.target`)];
  if (src.target?.averageValue === undefined) errs.push(fieldError.required(`${path}.target.averageValue`, 'must specify a positive target averageValue'));
  return errs;
}

/** Resource and ContainerResource sources: a name (and container), a utilization or an average value, not both. */
function validateResourceSource(src: { name?: string; target?: MetricTarget; container?: string }, path: string, container: boolean): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  if (!src.name) errs.push(fieldError.required(`${path}.name`, 'must specify a resource name'));
  if (container) {
    if (!src.container) errs.push(fieldError.required(`${path}.container`, 'must specify a container'));
    else for (const msg of isDNS1123Label(src.container)) errs.push(fieldError.invalid(`${path}.container`, src.container, msg));
  }
  const t = src.target ?? {};
  errs.push(...validateMetricTarget(t, `${path}.target`));
  if (t.averageUtilization === undefined && t.averageValue === undefined) errs.push(fieldError.required(`${path}.target.averageUtilization`, 'must set either a target raw value or a target utilization'));
  if (t.averageUtilization !== undefined && t.averageValue !== undefined) errs.push(fieldError.forbidden(`${path}.target.averageValue`, 'may not set both a target raw value and a target utilization'));
  return errs;
}

function validateMetricTarget(t: MetricTarget, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const type = t.type ?? '';
  if (type === '') errs.push(fieldError.required(`${path}.type`, 'must specify a metric target type'));
  if (type !== 'Utilization' && type !== 'Value' && type !== 'AverageValue') errs.push(fieldError.invalid(`${path}.type`, type, 'must be either Utilization, Value, or AverageValue'));
  for (const key of ['value', 'averageValue'] as const) {
    const q = t[key];
    if (q !== undefined && quantitySign(q) !== 1) errs.push(fieldError.invalid(`${path}.${key}`, String(q), 'must be positive'));
  }
  if (t.averageUtilization !== undefined && t.averageUtilization < 1) errs.push(fieldError.invalid(`${path}.averageUtilization`, t.averageUtilization, 'must be greater than 0'));
  return errs;
}

function validateMetricIdentifier(name: string | undefined, path: string): SchemaFieldError[] {
  if (!name) return [fieldError.required(`${path}.name`, 'must specify a metric name')];
  return isPathSegmentName(name).map((msg) => fieldError.invalid(`${path}.name`, name, msg));
}

/** The sign of a quantity; 0 for one that does not parse (the schema reports it). */
function quantitySign(q: string | number): number {
  try {
    return Quantity.parse(String(q)).sign();
  } catch {
    return 0;
  }
}
