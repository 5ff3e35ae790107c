/**
 * autoscaling/v2 metric sources and statuses (k8s.io/api/autoscaling/v2): what an
 * autoscaler measures and the targets it aims at. Field numbers from generated.proto;
 * field order as the Go structs (the JSON order kube-apiserver writes).
 */
import { f, object, t, type Infer } from '../../schema/dsl.js';
import { LabelSelectorSchema } from '../../meta/v1/index.js';

export const CrossVersionObjectReferenceSchema = object('CrossVersionObjectReference', 'The kind, name and API version of a resource.', {
  kind: f(1, t.string(), 'Kind of the referent (Deployment).'),
  name: f(2, t.string(), 'Name of the referent.'),
  apiVersion: f(3, t.string(), 'API version of the referent (apps/v1).'),
});
export type CrossVersionObjectReference = Infer<typeof CrossVersionObjectReferenceSchema>;

export const MetricIdentifierSchema = object('MetricIdentifier', 'A metric by name, optionally narrowed by a label selector.', {
  name: f(1, t.string(), 'Name of the metric.'),
  selector: f(2, t.object(() => LabelSelectorSchema), 'Passed to the metrics server to narrow the metric; unset: the name alone.'),
});

export const MetricTargetSchema = object('MetricTarget', 'The value, average value or average utilization a metric should be held at.', {
  type: f(1, t.string(), 'Utilization, Value or AverageValue.'),
  value: f(2, t.quantity(), 'Target value of the metric.'),
  averageValue: f(3, t.quantity(), 'Target average of the metric over the relevant pods.'),
  averageUtilization: f(4, t.int32(), 'Target average use, as a percentage of the pods’ requests (Resource and ContainerResource metrics only).', { pointer: true }),
});
export type MetricTarget = Infer<typeof MetricTargetSchema>;

export const MetricValueStatusSchema = object('MetricValueStatus', 'The current value of a metric.', {
  value: f(1, t.quantity(), 'Current value of the metric.'),
  averageValue: f(2, t.quantity(), 'Current average of the metric over the relevant pods.'),
  averageUtilization: f(3, t.int32(), 'Current average use, as a percentage of the pods’ requests.', { pointer: true }),
});
export type MetricValueStatus = Infer<typeof MetricValueStatusSchema>;

export const ResourceMetricSourceSchema = object('ResourceMetricSource', 'A resource of each pod of the target (cpu, memory), averaged over the pods.', {
  name: f(1, t.string(), 'Name of the resource.'),
  target: f(2, t.object(() => MetricTargetSchema), 'Target for the resource.'),
});

export const ContainerResourceMetricSourceSchema = object('ContainerResourceMetricSource', 'A resource of one container of each pod of the target, averaged over the pods.', {
  name: f(1, t.string(), 'Name of the resource.'),
  target: f(2, t.object(() => MetricTargetSchema), 'Target for the resource.'),
  container: f(3, t.string(), 'Name of the container in the target’s pods.'),
});

export const ObjectMetricSourceSchema = object('ObjectMetricSource', 'A metric describing one Kubernetes object (hits per second of an Ingress).', {
  describedObject: f(1, t.object(() => CrossVersionObjectReferenceSchema), 'The object the metric describes.'),
  target: f(2, t.object(() => MetricTargetSchema), 'Target for the metric.'),
  metric: f(3, t.object(() => MetricIdentifierSchema), 'The metric.'),
});

export const PodsMetricSourceSchema = object('PodsMetricSource', 'A metric of each pod of the target, averaged over the pods.', {
  metric: f(1, t.object(() => MetricIdentifierSchema), 'The metric.'),
  target: f(2, t.object(() => MetricTargetSchema), 'Target for the metric (an average value).'),
});

export const ExternalMetricSourceSchema = object('ExternalMetricSource', 'A metric not tied to any Kubernetes object (a queue length).', {
  metric: f(1, t.object(() => MetricIdentifierSchema), 'The metric.'),
  target: f(2, t.object(() => MetricTargetSchema), 'Target for the metric.'),
});

export const MetricSpecSchema = object('MetricSpec', 'One metric to scale on: its type and the one matching source.', {
  type: f(1, t.string(), 'ContainerResource, External, Object, Pods or Resource.'),
  object: f(2, t.object(() => ObjectMetricSourceSchema), 'A metric of one Kubernetes object.'),
  pods: f(3, t.object(() => PodsMetricSourceSchema), 'A metric of each pod of the target.'),
  resource: f(4, t.object(() => ResourceMetricSourceSchema), 'A resource (requests and limits) of each pod of the target.'),
  containerResource: f(7, t.object(() => ContainerResourceMetricSourceSchema), 'A resource of one container of each pod of the target.'),
  external: f(5, t.object(() => ExternalMetricSourceSchema), 'A metric from outside the cluster.'),
});
export type MetricSpec = Infer<typeof MetricSpecSchema>;

export const ResourceMetricStatusSchema = object('ResourceMetricStatus', 'The current value of a resource metric.', {
  name: f(1, t.string(), 'Name of the resource.'),
  current: f(2, t.object(() => MetricValueStatusSchema), 'Current value.'),
});

export const ContainerResourceMetricStatusSchema = object('ContainerResourceMetricStatus', 'The current value of a container resource metric.', {
  name: f(1, t.string(), 'Name of the resource.'),
  current: f(2, t.object(() => MetricValueStatusSchema), 'Current value.'),
  container: f(3, t.string(), 'Name of the container.'),
});

export const ObjectMetricStatusSchema = object('ObjectMetricStatus', 'The current value of an object metric.', {
  metric: f(1, t.object(() => MetricIdentifierSchema), 'The metric.'),
  current: f(2, t.object(() => MetricValueStatusSchema), 'Current value.'),
  describedObject: f(3, t.object(() => CrossVersionObjectReferenceSchema), 'The object the metric describes.'),
});

export const PodsMetricStatusSchema = object('PodsMetricStatus', 'The current value of a pods metric.', {
  metric: f(1, t.object(() => MetricIdentifierSchema), 'The metric.'),
  current: f(2, t.object(() => MetricValueStatusSchema), 'Current value.'),
});

export const ExternalMetricStatusSchema = object('ExternalMetricStatus', 'The current value of an external metric.', {
  metric: f(1, t.object(() => MetricIdentifierSchema), 'The metric.'),
  current: f(2, t.object(() => MetricValueStatusSchema), 'Current value.'),
});

export const MetricStatusSchema = object('MetricStatus', 'The last value read of one metric.', {
  type: f(1, t.string(), 'ContainerResource, External, Object, Pods or Resource.'),
  object: f(2, t.object(() => ObjectMetricStatusSchema), 'An object metric.'),
  pods: f(3, t.object(() => PodsMetricStatusSchema), 'A pods metric.'),
  resource: f(4, t.object(() => ResourceMetricStatusSchema), 'A resource metric.'),
  containerResource: f(7, t.object(() => ContainerResourceMetricStatusSchema), 'A container resource metric.'),
  external: f(5, t.object(() => ExternalMetricStatusSchema), 'An external metric.'),
});
export type MetricStatus = Infer<typeof MetricStatusSchema>;
