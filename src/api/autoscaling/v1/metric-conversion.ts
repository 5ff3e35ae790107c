/**
 * autoscaling/v1's MetricSpec and MetricStatus (the v2beta1 shapes the annotations hold)
 * to and from autoscaling/v2's, field for field as pkg/apis/autoscaling/v1/conversion.go.
 * Go writes a quantity that is not a pointer even when zero ("0"), and no omitempty
 * field at its zero value; the v1 side is built in Go's field order.
 */
import type { MetricSpec, MetricStatus, MetricTarget } from '../v2/index.js';
import { pick } from './annotations.js';

type Json = Record<string, any>;

/** Copies of the defined entries only (Go's omitempty on pointers). */
function defined(o: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

const ZERO = '0';
const ref = (r: Json | undefined): Json => defined({ kind: pick(r, 'kind') ?? '', name: pick(r, 'name') ?? '', apiVersion: pick(r, 'apiVersion') || undefined });
const identifier = (name: unknown, selector: unknown): Json => defined({ name: (name as string | undefined) ?? '', selector });

/** v2 MetricSpec → v1 MetricSpec. */
export function metricSpecToV1(m: MetricSpec): Json {
  const out: Json = { type: m.type ?? '' };
  if (m.object) {
    const t = m.object.target ?? {};
    out.object = defined({ target: ref(m.object.describedObject), metricName: m.object.metric?.name ?? '', targetValue: t.value ?? ZERO, selector: m.object.metric?.selector, averageValue: t.averageValue });
  }
  if (m.pods) out.pods = defined({ metricName: m.pods.metric?.name ?? '', targetAverageValue: m.pods.target?.averageValue ?? ZERO, selector: m.pods.metric?.selector });
  if (m.resource) out.resource = defined({ name: m.resource.name ?? '', targetAverageUtilization: m.resource.target?.averageUtilization, targetAverageValue: m.resource.target?.averageValue });
  if (m.containerResource) {
    const c = m.containerResource;
    out.containerResource = defined({ name: c.name ?? '', targetAverageUtilization: c.target?.averageUtilization, targetAverageValue: c.target?.averageValue, container: c.container ?? '' });
  }
  if (m.external) {
    const e = m.external;
    out.external = defined({ metricName: e.metric?.name ?? '', metricSelector: e.metric?.selector, targetValue: e.target?.value, targetAverageValue: e.target?.averageValue });
  }
  return out;
}

/** A Resource target from v1's pair: a utilization if there is one, else an average value. */
function resourceTarget(utilization: unknown, averageValue: unknown): MetricTarget {
  return defined({ type: utilization === undefined ? 'AverageValue' : 'Utilization', averageValue, averageUtilization: utilization }) as MetricTarget;
}

/** v1 MetricSpec (from the annotation, so read as Go would) → v2 MetricSpec. */
export function metricSpecFromV1(m: unknown): MetricSpec {
  const out: Json = { type: pick(m, 'type') ?? '' };
  const object = pick(m, 'object');
  if (object !== undefined) {
    const averageValue = pick(object, 'averageValue');
    out.object = {
      describedObject: ref(pick(object, 'target')),
      target: defined({ type: averageValue === undefined ? 'Value' : 'AverageValue', value: pick(object, 'targetValue') ?? ZERO, averageValue }),
      metric: identifier(pick(object, 'metricName'), pick(object, 'selector')),
    };
  }
  const pods = pick(m, 'pods');
  if (pods !== undefined) {
    out.pods = { metric: identifier(pick(pods, 'metricName'), pick(pods, 'selector')), target: { type: 'AverageValue', averageValue: pick(pods, 'targetAverageValue') ?? ZERO } };
  }
  const resource = pick(m, 'resource');
  if (resource !== undefined) {
    out.resource = { name: pick(resource, 'name') ?? '', target: resourceTarget(pick(resource, 'targetAverageUtilization'), pick(resource, 'targetAverageValue')) };
  }
  const container = pick(m, 'containerResource');
  if (container !== undefined) {
    out.containerResource = {
      name: pick(container, 'name') ?? '',
      target: resourceTarget(pick(container, 'targetAverageUtilization'), pick(container, 'targetAverageValue')),
      container: pick(container, 'container') ?? '',
    };
  }
  const external = pick(m, 'external');
  if (external !== undefined) {
    const value = pick(external, 'targetValue');
    out.external = {
      metric: identifier(pick(external, 'metricName'), pick(external, 'metricSelector')),
      target: defined({ type: value === undefined ? 'AverageValue' : 'Value', value, averageValue: pick(external, 'targetAverageValue') }),
    };
  }
  return out as MetricSpec;
}

/** v2 MetricStatus → v1 MetricStatus. */
export function metricStatusToV1(s: MetricStatus): Json {
  const out: Json = { type: s.type ?? '' };
  if (s.object) {
    const c = s.object.current ?? {};
    out.object = defined({ target: ref(s.object.describedObject), metricName: s.object.metric?.name ?? '', currentValue: c.value ?? ZERO, selector: s.object.metric?.selector, averageValue: c.averageValue });
  }
  if (s.pods) out.pods = defined({ metricName: s.pods.metric?.name ?? '', currentAverageValue: s.pods.current?.averageValue ?? ZERO, selector: s.pods.metric?.selector });
  if (s.resource) out.resource = defined({ name: s.resource.name ?? '', currentAverageUtilization: s.resource.current?.averageUtilization, currentAverageValue: s.resource.current?.averageValue ?? ZERO });
  if (s.containerResource) {
    const c = s.containerResource;
    out.containerResource = defined({ name: c.name ?? '', currentAverageUtilization: c.current?.averageUtilization, currentAverageValue: c.current?.averageValue ?? ZERO, container: c.container ?? '' });
  }
  if (s.external) {
    const e = s.external;
    out.external = defined({ metricName: e.metric?.name ?? '', metricSelector: e.metric?.selector, currentValue: e.current?.value ?? ZERO, currentAverageValue: e.current?.averageValue });
  }
  return out;
}

/** v1 MetricStatus (from the annotation) → v2 MetricStatus. */
export function metricStatusFromV1(s: unknown): MetricStatus {
  const out: Json = { type: pick(s, 'type') ?? '' };
  const object = pick(s, 'object');
  if (object !== undefined) {
    out.object = {
      metric: identifier(pick(object, 'metricName'), pick(object, 'selector')),
      current: defined({ value: pick(object, 'currentValue') ?? ZERO, averageValue: pick(object, 'averageValue') }),
      describedObject: ref(pick(object, 'target')),
    };
  }
  const pods = pick(s, 'pods');
  if (pods !== undefined) out.pods = { metric: identifier(pick(pods, 'metricName'), pick(pods, 'selector')), current: { averageValue: pick(pods, 'currentAverageValue') ?? ZERO } };
  const resource = pick(s, 'resource');
  if (resource !== undefined) {
    out.resource = { name: pick(resource, 'name') ?? '', current: defined({ averageValue: pick(resource, 'currentAverageValue') ?? ZERO, averageUtilization: pick(resource, 'currentAverageUtilization') }) };
  }
  const container = pick(s, 'containerResource');
  if (container !== undefined) {
    out.containerResource = {
      name: pick(container, 'name') ?? '',
      current: defined({ averageValue: pick(container, 'currentAverageValue') ?? ZERO, averageUtilization: pick(container, 'currentAverageUtilization') }),
      container: pick(container, 'container') ?? '',
    };
  }
  const external = pick(s, 'external');
  if (external !== undefined) {
    out.external = {
      metric: identifier(pick(external, 'metricName'), pick(external, 'metricSelector')),
      current: defined({ value: pick(external, 'currentValue') ?? ZERO, averageValue: pick(external, 'currentAverageValue') }),
    };
  }
  return out as MetricStatus;
}
