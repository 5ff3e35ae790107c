import { f, kind, object, t, type Infer, type ObjectOf } from '../../schema/dsl.js';
import { ConditionSchema, ObjectMetaSchema } from '../../meta/v1/index.js';
import { ageColumn } from '../../meta/v1/printing.js';
import { ptr } from './embedded.js';
import { formatLabels } from './pod-template.js';
import { validateService, validateServiceUpdate } from './service-validation.js';

export const ServicePortSchema = object(
  'ServicePort',
  'One port a Service exposes and where it sends traffic.',
  {
    name: f(1, t.string(), 'Port name (DNS label); required when there are several ports.'),
    protocol: f(2, t.enum('TCP', 'UDP', 'SCTP'), 'Transport protocol.', { default: 'TCP' }),
    port: f(3, t.int32(), 'Port the Service listens on.', { required: true }),
    targetPort: f(4, t.intOrString(), 'Port number or named container port on the pods; defaults to port.'),
    nodePort: f(5, t.int32(), 'Port opened on every node for NodePort and LoadBalancer Services.'),
    appProtocol: ptr(f(6, t.string(), 'Application protocol hint, e.g. http or kubernetes.io/h2c.')),
  },
  {
    // targetPort defaults to the port itself (an identity map), as SetDefaults_Service does.
    applyDefaults: (p) => {
      if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') {
        if (p.port !== undefined) p.targetPort = p.port;
      }
    },
  },
);
export type ServicePort = Infer<typeof ServicePortSchema>;

export const ClientIPConfigSchema = object('ClientIPConfig', 'Settings of client-IP session affinity.', {
  timeoutSeconds: ptr(f(1, t.int32(), 'How long a client sticks to one endpoint (1–86400).')),
});

export const SessionAffinityConfigSchema = object('SessionAffinityConfig', 'Settings of session affinity.', {
  clientIP: f(1, t.object(() => ClientIPConfigSchema), 'Client-IP affinity settings.'),
});

export const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;

const serviceSpecFields = {
  ports: f(1, t.list(t.object(() => ServicePortSchema), { listType: 'map', listMapKeys: ['port', 'protocol'] }), 'Ports the Service exposes.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'port',
  }),
  selector: f(2, t.map(t.string()), 'Labels of the pods that receive the traffic.'),
  clusterIP: f(3, t.string(), 'Virtual IP of the Service, "None" for a headless Service; allocated when empty.'),
  type: f(4, t.enum(...SERVICE_TYPES), 'How the Service is exposed.', { default: 'ClusterIP' }),
  externalIPs: f(5, t.list(t.string()), 'Extra IPs on which nodes accept traffic for the Service.'),
  sessionAffinity: f(7, t.enum('ClientIP', 'None'), 'Whether a client sticks to one endpoint.', { default: 'None' }),
  loadBalancerIP: f(8, t.string(), 'Deprecated: requested load-balancer IP.'),
  loadBalancerSourceRanges: f(9, t.list(t.string()), 'Client CIDRs allowed through the load balancer.'),
  externalName: f(10, t.string(), 'DNS name the Service aliases (CNAME) when type is ExternalName.'),
  externalTrafficPolicy: f(11, t.enum('Cluster', 'Local'), 'Whether external traffic may go to endpoints on other nodes.'),
  healthCheckNodePort: f(12, t.int32(), 'Node port for load-balancer health checks with the Local policy.'),
  publishNotReadyAddresses: f(13, t.bool(), 'Publish endpoints even when their pods are not ready.'),
  sessionAffinityConfig: f(14, t.object(() => SessionAffinityConfigSchema), 'Session affinity settings.'),
  ipFamilyPolicy: ptr(f(17, t.enum('SingleStack', 'PreferDualStack', 'RequireDualStack'), 'How many IP families the Service gets.')),
  clusterIPs: f(18, t.list(t.string()), 'All cluster IPs (one per family); the first equals clusterIP.'),
  ipFamilies: f(19, t.list(t.enum('IPv4', 'IPv6')), 'IP families of clusterIPs, in order.'),
  allocateLoadBalancerNodePorts: ptr(f(20, t.bool(), 'Whether LoadBalancer Services get node ports.')),
  loadBalancerClass: ptr(f(21, t.string(), 'Load-balancer implementation responsible for the Service.')),
  internalTrafficPolicy: ptr(f(22, t.enum('Cluster', 'Local'), 'Whether in-cluster traffic may go to endpoints on other nodes.')),
  trafficDistribution: ptr(f(23, t.string(), 'Preference for routing traffic, e.g. PreferClose.')),
};
export type ServiceSpec = ObjectOf<typeof serviceSpecFields>;

/** True for Services reachable from outside the cluster (SetDefaults_Service's ExternallyAccessible). */
const externallyAccessible = (s: ServiceSpec): boolean =>
  s.type === 'LoadBalancer' || s.type === 'NodePort' || (s.type === 'ClusterIP' && (s.externalIPs ?? []).length > 0);

/** Kubernetes' SetDefaults_Service plus the clusterIP/clusterIPs normalisation of the Service registry. */
function applyServiceSpecDefaults(s: ServiceSpec): void {
  if (s.sessionAffinity === 'None') delete s.sessionAffinityConfig;
  if (s.sessionAffinity === 'ClientIP' && s.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    s.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  if (externallyAccessible(s) && !s.externalTrafficPolicy) s.externalTrafficPolicy = 'Cluster';
  if (s.internalTrafficPolicy === undefined && s.type !== 'ExternalName') s.internalTrafficPolicy = 'Cluster';
  if (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts === undefined) s.allocateLoadBalancerNodePorts = true;
  if (s.type !== 'ExternalName') {
    if (s.clusterIP && !(s.clusterIPs && s.clusterIPs.length > 0)) s.clusterIPs = [s.clusterIP];
    else if (!s.clusterIP && s.clusterIPs?.[0]) s.clusterIP = s.clusterIPs[0];
  }
}

export const ServiceSpecSchema = object('ServiceSpec', 'Desired state of a Service: its ports, selector and exposure.', serviceSpecFields, {
  applyDefaults: applyServiceSpecDefaults,
});

export const PortStatusSchema = object('PortStatus', 'Problem with one load-balancer port.', {
  port: f(1, t.int32(), 'Service port number.', { required: true }),
  protocol: f(2, t.enum('TCP', 'UDP', 'SCTP'), 'Service port protocol.', { required: true }),
  error: ptr(f(3, t.string(), 'The problem, as a CamelCase reason.')),
});

export const LoadBalancerIngressSchema = object('LoadBalancerIngress', 'One entry point of a load balancer.', {
  ip: f(1, t.string(), 'IP of the entry point.'),
  hostname: f(2, t.string(), 'DNS name of the entry point.'),
  ipMode: ptr(f(3, t.enum('VIP', 'Proxy'), 'How traffic to the IP reaches the nodes.')),
  ports: f(4, t.list(t.object(() => PortStatusSchema)), 'Per-port status.'),
});

export const LoadBalancerStatusSchema = object('LoadBalancerStatus', 'Status of a load balancer.', {
  ingress: f(1, t.list(t.object(() => LoadBalancerIngressSchema)), 'Entry points of the load balancer.'),
});

export const ServiceStatusSchema = object('ServiceStatus', 'Observed state of a Service.', {
  loadBalancer: f(1, t.object(() => LoadBalancerStatusSchema), 'Load-balancer status, if any.'),
  conditions: f(2, t.list(t.object(() => ConditionSchema), { listType: 'map', listMapKeys: ['type'] }), 'Current conditions.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'type',
  }),
});

export const ServiceSchema = object('Service', 'A stable virtual IP and DNS name load-balancing over a set of pods.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => ServiceSpecSchema), 'Desired state of the Service.'),
  status: f(3, t.object(() => ServiceStatusSchema), 'Observed state of the Service.'),
});
export type Service = Infer<typeof ServiceSchema>;

/** "80/TCP,443:30443/TCP", as kubectl's makePortString. */
export function servicePorts(ports: readonly ServicePort[] | undefined): string {
  const s = (ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
  return s === '' ? '<none>' : s;
}

/** EXTERNAL-IP, as kube-apiserver's getServiceExternalIP (wide form: no truncation). */
export function serviceExternalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = [...new Set((svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter((x) => x !== ''))].sort();
      if (external.length > 0) return [...lb, ...external].join(',');
      return lb.length > 0 ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

export const ServiceKind = kind<Service>({
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  shortNames: ['svc'],
  categories: ['all'],
  namespaced: true,
  nameFormat: 'dns1035-label',
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  schema: ServiceSchema,
  protoName: 'k8s.io.api.core.v1.Service',
  subresources: { status: true },
  validate: (svc, old) => (old ? [...validateService(svc), ...validateServiceUpdate(svc, old)] : validateService(svc)),
  fieldSelectors: {
    'spec.clusterIP': (s) => s.spec?.clusterIP ?? '',
    'spec.type': (s) => s.spec?.type ?? '',
  },
  printerColumns: [
    { name: 'Type', type: 'string', description: 'How the Service is exposed.', value: (s) => s.spec?.type ?? '' },
    { name: 'Cluster-IP', type: 'string', description: 'The Service’s virtual IP.', value: (s) => s.spec?.clusterIPs?.[0] || s.spec?.clusterIP || '<none>' },
    { name: 'External-IP', type: 'string', description: 'Addresses reachable from outside the cluster.', value: (s) => serviceExternalIP(s) },
    { name: 'Port(s)', type: 'string', description: 'Ports the Service exposes.', value: (s) => servicePorts(s.spec?.ports) },
    ageColumn<Service>(),
    { name: 'Selector', type: 'string', priority: 1, description: 'Labels of the pods behind the Service.', value: (s) => formatLabels(s.spec?.selector) },
  ],
});
