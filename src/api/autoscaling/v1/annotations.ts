/**
 * The annotations through which an autoscaling/v1 HorizontalPodAutoscaler carries what
 * only v2 can say (pkg/apis/autoscaling/annotations.go), and how Go writes and reads them:
 * json.Marshal (HTML-escaped) and a json.Unmarshal that matches keys case-insensitively
 * and tolerates nothing but JSON (a value that does not parse is ignored, as upstream).
 */

/** Metrics other than a CPU utilization target, as v1 MetricSpecs. */
export const METRIC_SPECS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
/** Every current metric, as v1 MetricStatuses. */
export const METRIC_STATUSES_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
/** status.conditions. */
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
/** spec.behavior, as Go marshals the internal type (Go field names, no json tags). */
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';

export const ROUND_TRIP_ANNOTATIONS = [METRIC_SPECS_ANNOTATION, BEHAVIOR_ANNOTATION, METRIC_STATUSES_ANNOTATION, CONDITIONS_ANNOTATION] as const;

type Json = Record<string, any>;

/**
 * DropRoundTripHorizontalPodAutoscalerAnnotations: `annotations` without the round-trip
 * ones (a copy when any was there); undefined when none are left.
 */
export function withoutRoundTrip(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations) return undefined;
  if (!ROUND_TRIP_ANNOTATIONS.some((k) => Object.hasOwn(annotations, k))) return annotations;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotations)) if (!(ROUND_TRIP_ANNOTATIONS as readonly string[]).includes(k)) out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** json.Marshal's text: JSON with <, >, & and U+2028/9 escaped. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The parsed annotation, or undefined when absent or not the JSON shape wanted. */
export function parseAnnotation<T extends 'array' | 'object'>(annotations: Record<string, string> | undefined, key: string, shape: T): (T extends 'array' ? unknown[] : Json) | undefined {
  const text = annotations?.[key];
  if (text === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (v === null) return undefined; // Go: null leaves the target at its zero value
  if (shape === 'array' ? !Array.isArray(v) : typeof v !== 'object' || Array.isArray(v)) return undefined;
  return v as never;
}

/** A field of a decoded Go struct: exact key first, then case-insensitive (encoding/json); null reads as absent. */
export function pick(obj: unknown, key: string): any {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const o = obj as Json;
  if (Object.hasOwn(o, key)) return o[key] ?? undefined;
  const lower = key.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k] ?? undefined;
  return undefined;
}
