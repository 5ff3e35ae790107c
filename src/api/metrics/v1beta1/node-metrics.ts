import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';

/**
 * metrics.k8s.io/v1beta1, as metrics-server serves it: never stored, computed from the
 * kubelets' resource metrics on each read (apiserver/metrics-api/). Field numbers from
 * k8s.io/metrics' generated.proto.
 */
const NAME = (kind: string) => `io.k8s.metrics.pkg.apis.metrics.v1beta1.${kind}`;

export const NodeMetricsSchema = object(
  'NodeMetrics',
  'The resource usage of a node over a recent window.',
  {
    apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
    kind: f(0, t.string(), 'The kind of this object.'),
    metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata: the node name and labels.'),
    timestamp: f(2, t.time(), 'The end of the window the usage was measured over.'),
    window: f(3, t.string(), 'The length of that window (a Go duration, e.g. "15.012s").'),
    usage: f(4, t.map(t.quantity()), 'Mean usage over the window: cpu in cores (e.g. "123456n"), memory the working set in bytes.'),
  },
  { openApiName: NAME('NodeMetrics') },
);
export type NodeMetrics = Infer<typeof NodeMetricsSchema>;

export const NodeMetricsKind = kind<NodeMetrics>({
  group: 'metrics.k8s.io',
  version: 'v1beta1',
  kind: 'NodeMetrics',
  plural: 'nodes',
  singular: '',
  namespaced: false,
  verbs: ['get', 'list'],
  schema: NodeMetricsSchema,
  protoName: 'k8s.io.metrics.pkg.apis.metrics.v1beta1.NodeMetrics',
  printerColumns: [
    { name: 'CPU', type: 'string', description: 'CPU usage over the window.', value: (m) => String(m.usage?.cpu ?? '') },
    { name: 'Memory', type: 'string', description: 'Working set at the end of the window.', value: (m) => String(m.usage?.memory ?? '') },
    { name: 'Window', type: 'string', description: 'The window the usage was measured over.', value: (m) => m.window ?? '' },
  ],
});
