import { f, object, t, type ObjectOf } from '../../schema/dsl.js';
import { ptr } from './embedded.js';
import { AffinitySchema } from './affinity.js';
import { ContainerSchema, EphemeralContainerSchema } from './container.js';
import { extraVolumeNames, validatePodSpec } from './pod-spec-validation.js';
import { LocalObjectReferenceSchema } from './references.js';
import { ResourceRequirementsSchema, resourceList } from './resources.js';
import { PodSecurityContextSchema } from './security-context.js';
import { TolerationSchema } from './toleration.js';
import { TopologySpreadConstraintSchema } from './topology-spread.js';
import { VolumeSchema } from './volume.js';

export const HostAliasSchema = object('HostAlias', 'An /etc/hosts entry added to the pod.', {
  ip: f(1, t.string(), 'IP address of the entry.', { required: true }),
  hostnames: f(2, t.list(t.string()), 'Host names for the address.'),
});

export const PodDNSConfigOptionSchema = object('PodDNSConfigOption', 'One resolver option (resolv.conf "options").', {
  name: f(1, t.string(), 'Option name.'),
  value: ptr(f(2, t.string(), 'Option value, if any.')),
});

export const PodDNSConfigSchema = object('PodDNSConfig', 'DNS settings added to those the dnsPolicy produces.', {
  nameservers: f(1, t.list(t.string()), 'Extra name server IPs.'),
  searches: f(2, t.list(t.string()), 'Extra search domains.'),
  options: f(3, t.list(t.object(() => PodDNSConfigOptionSchema)), 'Extra resolver options.'),
});

export const PodReadinessGateSchema = object('PodReadinessGate', 'An extra pod condition that must be True for the pod to be ready.', {
  conditionType: f(1, t.string(), 'Type of the pod condition.', { required: true }),
});

export const PodOSSchema = object('PodOS', 'The operating system the pod’s containers need.', {
  name: f(1, t.string(), 'OS name: linux or windows.', { required: true }),
});

export const PodSchedulingGateSchema = object('PodSchedulingGate', 'A gate that keeps the pod from being scheduled until removed.', {
  name: f(1, t.string(), 'Gate name, unique within the pod.', { required: true }),
});

export const PodResourceClaimSchema = object('PodResourceClaim', 'A dynamic resource claim the pod’s containers may use.', {
  name: f(1, t.string(), 'Name (DNS label) used by containers to refer to the claim.', { required: true }),
  resourceClaimName: ptr(f(3, t.string(), 'An existing ResourceClaim in the pod’s namespace.')),
  resourceClaimTemplateName: ptr(f(4, t.string(), 'A ResourceClaimTemplate to create a claim from.')),
});

const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'] as const;

const podSpecFields = {
    volumes: f(1, t.list(t.object(() => VolumeSchema), { listType: 'map', listMapKeys: ['name'] }), 'Volumes containers may mount.', {
      patchStrategy: ['merge', 'retainKeys'],
      patchMergeKey: 'name',
    }),
    containers: f(2, t.list(t.object(() => ContainerSchema), { listType: 'map', listMapKeys: ['name'] }), 'The pod’s application containers; at least one.', {
      required: true,
      patchStrategy: ['merge'],
      patchMergeKey: 'name',
    }),
    restartPolicy: f(3, t.enum('Always', 'OnFailure', 'Never'), 'When exited containers are restarted.', { default: 'Always' }),
    terminationGracePeriodSeconds: ptr(f(4, t.int64(), 'Seconds between the stop signal and the kill.', { default: 30 })),
    activeDeadlineSeconds: ptr(f(5, t.int64(), 'Seconds the pod may run (from start) before it is failed.')),
    dnsPolicy: f(6, t.enum(...DNS_POLICIES), 'How the pod’s DNS is configured.', { default: 'ClusterFirst' }),
    nodeSelector: f(7, t.map(t.string()), 'Node labels a node must have to run the pod.'),
    serviceAccountName: f(8, t.string(), 'ServiceAccount the pod runs as.'),
    serviceAccount: f(9, t.string(), 'Deprecated alias of serviceAccountName.'),
    nodeName: f(10, t.string(), 'Node the pod is bound to; set by the scheduler or directly.'),
    hostNetwork: f(11, t.bool(), 'Use the node’s network namespace.'),
    hostPID: f(12, t.bool(), 'Use the node’s PID namespace.'),
    hostIPC: f(13, t.bool(), 'Use the node’s IPC namespace.'),
    securityContext: f(14, t.object(() => PodSecurityContextSchema), 'Security settings for all containers.', { default: () => ({}) }),
    imagePullSecrets: f(15, t.list(t.object(() => LocalObjectReferenceSchema), { listType: 'map', listMapKeys: ['name'] }), 'Secrets used to pull images.', {
      patchStrategy: ['merge'],
      patchMergeKey: 'name',
    }),
    hostname: f(16, t.string(), 'Pod host name; defaults to a system value.'),
    subdomain: f(17, t.string(), 'Subdomain giving the pod a name <hostname>.<subdomain>.<ns>.svc.'),
    affinity: f(18, t.object(() => AffinitySchema), 'Node and pod (anti-)affinity rules.'),
    schedulerName: f(19, t.string(), 'Scheduler responsible for the pod.', { default: 'default-scheduler' }),
    initContainers: f(20, t.list(t.object(() => ContainerSchema), { listType: 'map', listMapKeys: ['name'] }), 'Containers run to completion, in order, before the others.', {
      patchStrategy: ['merge'],
      patchMergeKey: 'name',
    }),
    automountServiceAccountToken: ptr(f(21, t.bool(), 'Whether an API token is mounted automatically.')),
    tolerations: f(22, t.list(t.object(() => TolerationSchema)), 'Taints the pod tolerates.'),
    hostAliases: f(23, t.list(t.object(() => HostAliasSchema), { listType: 'map', listMapKeys: ['ip'] }), 'Extra /etc/hosts entries.', {
      patchStrategy: ['merge'],
      patchMergeKey: 'ip',
    }),
    priorityClassName: f(24, t.string(), 'PriorityClass giving the pod its priority.'),
    priority: ptr(f(25, t.int32(), 'Priority value, filled in from priorityClassName by admission.')),
    dnsConfig: f(26, t.object(() => PodDNSConfigSchema), 'Extra DNS settings.'),
    shareProcessNamespace: ptr(f(27, t.bool(), 'Share one PID namespace among the pod’s containers.')),
    readinessGates: f(28, t.list(t.object(() => PodReadinessGateSchema)), 'Extra conditions required for readiness.'),
    runtimeClassName: ptr(f(29, t.string(), 'RuntimeClass used to run the pod.')),
    enableServiceLinks: ptr(f(30, t.bool(), 'Inject Docker-link-style environment variables for Services.')),
    preemptionPolicy: ptr(f(31, t.enum('PreemptLowerPriority', 'Never'), 'Whether the pod may preempt lower-priority pods.')),
    overhead: f(32, resourceList(), 'Resources used by the pod sandbox on top of the containers’.'),
    topologySpreadConstraints: f(
      33,
      t.list(t.object(() => TopologySpreadConstraintSchema), { listType: 'map', listMapKeys: ['topologyKey', 'whenUnsatisfiable'] }),
      'How the pod spreads across topology domains.',
      { patchStrategy: ['merge'], patchMergeKey: 'topologyKey' },
    ),
    ephemeralContainers: f(34, t.list(t.object(() => EphemeralContainerSchema), { listType: 'map', listMapKeys: ['name'] }), 'Debug containers added to the running pod.', {
      patchStrategy: ['merge'],
      patchMergeKey: 'name',
    }),
    setHostnameAsFQDN: ptr(f(35, t.bool(), 'Set the kernel host name to the pod’s FQDN.')),
    os: f(36, t.object(() => PodOSSchema), 'Operating system the pod needs.'),
    hostUsers: ptr(f(37, t.bool(), 'Use the node’s user namespace (default true).')),
    schedulingGates: f(38, t.list(t.object(() => PodSchedulingGateSchema), { listType: 'map', listMapKeys: ['name'] }), 'Gates that block scheduling while present.', {
      patchStrategy: ['merge'],
      patchMergeKey: 'name',
    }),
    resourceClaims: f(39, t.list(t.object(() => PodResourceClaimSchema), { listType: 'map', listMapKeys: ['name'] }), 'Dynamic resource claims of the pod.', {
      patchStrategy: ['merge', 'retainKeys'],
      patchMergeKey: 'name',
    }),
    resources: f(40, t.object(() => ResourceRequirementsSchema), 'Pod-level resource requests and limits.'),
};
/** Declared from the fields (not the schema) so the validator can name it without a cycle. */
export type PodSpec = ObjectOf<typeof podSpecFields>;

export const PodSpecSchema = object(
  'PodSpec',
  'Desired state of a pod: its containers, volumes and scheduling constraints.',
  podSpecFields,
  {
    validate: (spec, path, _old, context) => validatePodSpec(spec, path, extraVolumeNames(context)),
    // serviceAccount is the deprecated spelling; Kubernetes keeps the two in step.
    applyDefaults: (spec) => {
      if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
      if (spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
    },
  },
);
