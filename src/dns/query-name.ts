/**
 * How a name under the cluster zone reads, following CoreDNS's kubernetes plugin
 * (parse.go) and the kubernetes/dns specification:
 *   <zone> | svc.<zone> | pod.<zone>                    → apex (exists, no records but SOA/NS at the zone)
 *   dns-version.<zone>                                  → the schema version (spec §2.2)
 *   ns.dns.<zone>                                       → the zone's name server (the SOA's MNAME, NS target)
 *   <ns>.svc|pod.<zone>                                 → a namespace
 *   <a-b-c-d>.<ns>.pod.<zone>                           → a pod address (spec §2.6)
 *   <svc>.<ns>.svc.<zone>                               → a service
 *   <endpoint>.<svc>.<ns>.svc.<zone>                    → one endpoint of it
 *   _<port>._<proto>.<svc>.<ns>.svc.<zone>              → its SRV (underscores optional, as in CoreDNS)
 * Anything longer, or not under svc/pod, is invalid (NXDOMAIN).
 */
import { canonicalIp } from './rr.js';

export type ClusterName =
  | { kind: 'apex'; zoneApex: boolean }
  | { kind: 'dns-version' }
  | { kind: 'nameserver' }
  | { kind: 'namespace'; namespace: string }
  | { kind: 'pod'; namespace: string; pod: string }
  | { kind: 'service'; namespace: string; service: string; endpoint?: string; port?: string; protocol?: string }
  | { kind: 'invalid' };

/** `name` and `zone` normalized (lower case, no trailing dot); `name` is the zone or below it. */
export function parseClusterName(name: string, zone: string): ClusterName {
  const rel = name === zone ? '' : name.slice(0, -(zone.length + 1));
  if (rel === '') return { kind: 'apex', zoneApex: true };
  if (rel === 'svc' || rel === 'pod') return { kind: 'apex', zoneApex: false };
  if (rel === 'dns-version') return { kind: 'dns-version' };
  if (rel === 'ns.dns') return { kind: 'nameserver' };
  const labels = rel.split('.');
  const podOrSvc = labels.pop();
  if (podOrSvc !== 'svc' && podOrSvc !== 'pod') return { kind: 'invalid' };
  const namespace = labels.pop()!;
  const service = labels.pop();
  if (service === undefined) return { kind: 'namespace', namespace };
  if (podOrSvc === 'pod') return labels.length === 0 ? { kind: 'pod', namespace, pod: service } : { kind: 'invalid' };
  if (labels.length === 0) return { kind: 'service', namespace, service };
  if (labels.length === 1) return { kind: 'service', namespace, service, endpoint: labels[0]! };
  if (labels.length === 2) return { kind: 'service', namespace, service, port: labels[0]!.replace(/^_/, ''), protocol: labels[1]!.replace(/^_/, '') };
  return { kind: 'invalid' };
}

/**
 * The address a pod label stands for, as CoreDNS reads it: three dashes (and no "--") make
 * an IPv4 address, anything else is tried as IPv6 with dashes for colons.
 */
export function podLabelToIp(label: string): string | undefined {
  if ((label.match(/-/g) ?? []).length === 3 && !label.includes('--')) {
    const ip = label.replace(/-/g, '.');
    return /^\d{1,3}(\.\d{1,3}){3}$/.test(ip) && ip.split('.').every((x) => Number(x) <= 255) ? ip : undefined;
  }
  return canonicalIp(label.replace(/-/g, ':'));
}
