import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';
import { Quantity } from '../../../machinery/quantity.js';

const NAME = (kind: string) => `io.k8s.metrics.pkg.apis.metrics.v1beta1.${kind}`;

export const ContainerMetricsSchema = object(
  'ContainerMetrics',
  'The resource usage of one container.',
  {
    name: f(1, t.string(), 'The container name, as in the pod spec.'),
    usage: f(2, t.map(t.quantity()), 'Mean usage over the window: cpu in cores, memory the working set in bytes.'),
  },
  { openApiName: NAME('ContainerMetrics') },
);

export const PodMetricsSchema = object(
  'PodMetrics',
  "The resource usage of a pod's containers over a recent window.",
  {
    apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
    kind: f(0, t.string(), 'The kind of this object.'),
    metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata: the pod name, namespace and labels.'),
    timestamp: f(2, t.time(), 'The end of the window the usage was measured over.'),
    window: f(3, t.string(), 'The length of that window (a Go duration, e.g. "15.012s").'),
    containers: f(4, t.list(t.object(() => ContainerMetricsSchema)), 'Usage of each running container.'),
  },
  { openApiName: NAME('PodMetrics') },
);
export type PodMetrics = Infer<typeof PodMetricsSchema>;

/** The pod's total of one resource, as metrics-server's table shows it. */
function total(m: PodMetrics, resource: string, format: 'DecimalSI' | 'BinarySI'): string {
  let sum = Quantity.fromNanos(0n, format);
  for (const c of m.containers ?? []) {
    const v = c.usage?.[resource];
    if (v !== undefined) sum = Quantity.fromNanos(sum.nanos + Quantity.parse(String(v)).nanos, format);
  }
  return sum.toString();
}

export const PodMetricsKind = kind<PodMetrics>({
  group: 'metrics.k8s.io',
  version: 'v1beta1',
  kind: 'PodMetrics',
  plural: 'pods',
  singular: '',
  namespaced: true,
  verbs: ['get', 'list'],
  schema: PodMetricsSchema,
  protoName: 'k8s.io.metrics.pkg.apis.metrics.v1beta1.PodMetrics',
  printerColumns: [
    { name: 'CPU', type: 'string', description: 'CPU usage of all containers over the window.', value: (m) => total(m, 'cpu', 'DecimalSI') },
    { name: 'Memory', type: 'string', description: 'Working set of all containers at the end of the window.', value: (m) => total(m, 'memory', 'BinarySI') },
    { name: 'Window', type: 'string', description: 'The window the usage was measured over.', value: (m) => m.window ?? '' },
  ],
});
