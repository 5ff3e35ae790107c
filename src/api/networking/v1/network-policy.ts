import { isIPv4, isIPv6 } from 'node:net';
import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { LabelSelectorSchema, ObjectMetaSchema, ageColumn, fieldError, formatLabelSelector, validateLabelSelector } from '../../meta/v1/index.js';

/**
 * NetworkPolicy (networking.k8s.io/v1): which traffic the selected pods may receive and
 * send. Stored and served here; enforced on every node by src/netpol/. Field numbers are
 * k8s.io/api/networking/v1's generated.proto.
 */

export const IPBlockSchema = object('IPBlock', 'A CIDR, minus some sub-ranges, as a peer.', {
  cidr: f(1, t.string(), 'The range, e.g. 198.18.0.0/16.', { required: true }),
  except: f(2, t.list(t.string(), { listType: 'atomic' }), 'Sub-ranges of cidr that are not part of the peer.'),
});
export type IPBlock = Infer<typeof IPBlockSchema>;

export const NetworkPolicyPeerSchema = object('NetworkPolicyPeer', 'Pods (by pod and namespace selector) or an IP block that traffic may come from or go to.', {
  podSelector: f(1, t.object(() => LabelSelectorSchema), 'Pods in the policy’s namespace (or in the namespaces namespaceSelector picks).', { validate: (v, p) => validateLabelSelector(v, p) }),
  namespaceSelector: f(2, t.object(() => LabelSelectorSchema), 'Namespaces whose pods (all, or those podSelector picks) are peers.', { validate: (v, p) => validateLabelSelector(v, p) }),
  ipBlock: f(3, t.object(() => IPBlockSchema), 'An IP range; excludes the selectors.'),
});
export type NetworkPolicyPeer = Infer<typeof NetworkPolicyPeerSchema>;

export const NetworkPolicyPortSchema = object('NetworkPolicyPort', 'A port (or range) and protocol that traffic may use.', {
  protocol: f(1, t.enum('TCP', 'UDP', 'SCTP'), 'Protocol; default TCP.', { default: 'TCP' }),
  port: f(2, t.intOrString(), 'A port number or a named container port; absent: every port.'),
  endPort: f(3, t.int32(), 'With a numeric port: the last port of the range port..endPort.', { pointer: true }),
});
export type NetworkPolicyPort = Infer<typeof NetworkPolicyPortSchema>;

export const NetworkPolicyIngressRuleSchema = object('NetworkPolicyIngressRule', 'Traffic the selected pods may receive: from any of these peers, on any of these ports.', {
  ports: f(1, t.list(t.object(() => NetworkPolicyPortSchema), { listType: 'atomic' }), 'Ports; empty: every port.'),
  from: f(2, t.list(t.object(() => NetworkPolicyPeerSchema), { listType: 'atomic' }), 'Sources; empty: every source.'),
});
export type NetworkPolicyIngressRule = Infer<typeof NetworkPolicyIngressRuleSchema>;

export const NetworkPolicyEgressRuleSchema = object('NetworkPolicyEgressRule', 'Traffic the selected pods may send: to any of these peers, on any of these ports.', {
  ports: f(1, t.list(t.object(() => NetworkPolicyPortSchema), { listType: 'atomic' }), 'Ports; empty: every port.'),
  to: f(2, t.list(t.object(() => NetworkPolicyPeerSchema), { listType: 'atomic' }), 'Destinations; empty: every destination.'),
});
export type NetworkPolicyEgressRule = Infer<typeof NetworkPolicyEgressRuleSchema>;

export const POLICY_TYPES = ['Ingress', 'Egress'] as const;

export const NetworkPolicySpecSchema = object(
  'NetworkPolicySpec',
  'The pods a policy isolates and the traffic it allows them.',
  {
    podSelector: f(1, t.object(() => LabelSelectorSchema), 'Pods of this namespace the policy applies to; empty: all of them.', { required: true, validate: (v, p) => validateLabelSelector(v, p) }),
    ingress: f(2, t.list(t.object(() => NetworkPolicyIngressRuleSchema), { listType: 'atomic' }), 'Allowed incoming traffic.'),
    egress: f(3, t.list(t.object(() => NetworkPolicyEgressRuleSchema), { listType: 'atomic' }), 'Allowed outgoing traffic.'),
    policyTypes: f(4, t.list(t.enum(...POLICY_TYPES), { listType: 'atomic' }), 'Directions the policy isolates; default Ingress, plus Egress when egress rules are given.'),
  },
  {
    // Upstream's SetDefaults_NetworkPolicy.
    applyDefaults: (s) => {
      if (s.policyTypes && s.policyTypes.length > 0) return;
      s.policyTypes = (s.egress ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
    },
    validate: (s, path): SchemaFieldError[] => validateNetworkPolicySpec(s, path),
  },
);
export type NetworkPolicySpec = Infer<typeof NetworkPolicySpecSchema>;

export const NetworkPolicySchema = object('NetworkPolicy', 'Which traffic the selected pods may receive and send.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => NetworkPolicySpecSchema), 'The policy.'),
});
export type NetworkPolicy = Infer<typeof NetworkPolicySchema>;

const sub = (path: string, c: string): string => (path ? `${path}.${c}` : c);

/** A CIDR's address and prefix length, or undefined when it is not one. */
export function parseCidr(cidr: string): { ip: string; bits: number; v6: boolean } | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return undefined;
  const ip = m[1] as string;
  const bits = Number(m[2]);
  if (isIPv4(ip) && bits <= 32) return { ip, bits, v6: false };
  if (isIPv6(ip) && bits <= 128) return { ip, bits, v6: true };
  return undefined;
}

/** Upstream's ValidateNetworkPolicySpec, in its essentials. */
function validateNetworkPolicySpec(
  s: { ingress?: readonly NetworkPolicyIngressRule[]; egress?: readonly NetworkPolicyEgressRule[]; policyTypes?: readonly string[] },
  path: string,
): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const peers = (list: readonly NetworkPolicyPeer[] | undefined, p: string): void =>
    (list ?? []).forEach((peer, i) => {
      const pp = `${p}[${i}]`;
      const n = [peer.podSelector, peer.namespaceSelector].some(Boolean) ? 1 : 0;
      if (peer.ipBlock && n > 0) errs.push(fieldError.forbidden(pp, 'may not specify more than 1 peer type'));
      if (!peer.ipBlock && n === 0) errs.push(fieldError.required(pp, 'must specify a peer'));
      if (peer.ipBlock) {
        const cidr = parseCidr(peer.ipBlock.cidr ?? '');
        if (!cidr) errs.push(fieldError.invalid(`${pp}.ipBlock.cidr`, peer.ipBlock.cidr, 'must be a valid CIDR'));
        (peer.ipBlock.except ?? []).forEach((e, j) => {
          const ex = parseCidr(e);
          if (!ex) errs.push(fieldError.invalid(`${pp}.ipBlock.except[${j}]`, e, 'must be a valid CIDR'));
          else if (cidr && (ex.v6 !== cidr.v6 || ex.bits <= cidr.bits)) errs.push(fieldError.invalid(`${pp}.ipBlock.except[${j}]`, e, 'must be a strict subset of `cidr`'));
        });
      }
    });
  const ports = (list: readonly NetworkPolicyPort[] | undefined, p: string): void =>
    (list ?? []).forEach((port, i) => {
      const pp = `${p}[${i}]`;
      if (typeof port.port === 'number' && (port.port < 1 || port.port > 65535)) errs.push(fieldError.invalid(`${pp}.port`, port.port, 'must be between 1 and 65535, inclusive'));
      if (typeof port.port === 'string' && !/^(?=.*[a-z])[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/.test(port.port)) errs.push(fieldError.invalid(`${pp}.port`, port.port, 'must be a valid port name (IANA_SVC_NAME)'));
      if (port.endPort !== undefined && port.endPort !== null) {
        if (typeof port.port !== 'number') errs.push(fieldError.forbidden(`${pp}.endPort`, 'may not be specified when `port` is non-numeric or absent'));
        else if (port.endPort < port.port) errs.push(fieldError.invalid(`${pp}.endPort`, port.endPort, 'must be greater than or equal to `port`'));
        else if (port.endPort > 65535) errs.push(fieldError.invalid(`${pp}.endPort`, port.endPort, 'must be between 1 and 65535, inclusive'));
      }
    });
  (s.ingress ?? []).forEach((r: NetworkPolicyIngressRule, i: number) => {
    ports(r.ports, `${sub(path, 'ingress')}[${i}].ports`);
    peers(r.from, `${sub(path, 'ingress')}[${i}].from`);
  });
  (s.egress ?? []).forEach((r: NetworkPolicyEgressRule, i: number) => {
    ports(r.ports, `${sub(path, 'egress')}[${i}].ports`);
    peers(r.to, `${sub(path, 'egress')}[${i}].to`);
  });
  if ((s.policyTypes ?? []).length > 2 || new Set(s.policyTypes ?? []).size !== (s.policyTypes ?? []).length) {
    errs.push(fieldError.invalid(sub(path, 'policyTypes'), s.policyTypes, 'may not have more than 2 or duplicate values'));
  }
  return errs;
}

export const NetworkPolicyKind = kind<NetworkPolicy>({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  plural: 'networkpolicies',
  singular: 'networkpolicy',
  shortNames: ['netpol'],
  namespaced: true,
  schema: NetworkPolicySchema,
  protoName: 'k8s.io.api.networking.v1.NetworkPolicy',
  hasGeneration: true,
  printerColumns: [
    { name: 'Pod-Selector', type: 'string', description: 'The pods the policy applies to.', value: (p) => formatLabelSelector(p.spec?.podSelector) },
    ageColumn(),
  ],
});
