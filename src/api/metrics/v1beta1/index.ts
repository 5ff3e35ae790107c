import type { KindSpec } from '../../schema/dsl.js';
import { NodeMetricsKind } from './node-metrics.js';
import { PodMetricsKind } from './pod-metrics.js';

export * from './node-metrics.js';
export * from './pod-metrics.js';

/** Every metrics.k8s.io/v1beta1 kind served (read-only, computed on read), in discovery order. */
export const metricsV1beta1Kinds: readonly KindSpec[] = [NodeMetricsKind, PodMetricsKind];
