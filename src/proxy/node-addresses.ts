import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/** The dummy interface the proxy and the cluster DNS put ClusterIPs on (dummy-interface.ts). */
const CLUSTER_IP_INTERFACE = 'skiff0';

/**
 * The addresses "all of this node's addresses" means for NodePorts, LoadBalancer ports and
 * the ingress: 127.0.0.1 and the IPv4 addresses of the other interfaces, but never a
 * ClusterIP (those live on the dummy interface, or on lo without dummy links). Binding the
 * wildcard instead would take the port on the ClusterIPs too: a Service on 443 (the
 * `kubernetes` one) or on a LoadBalancer's own port could then not be bound (EADDRINUSE).
 */
export function nodeAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string[] {
  const out = new Set<string>(['127.0.0.1']);
  for (const [name, addrs] of Object.entries(interfaces)) {
    if (name === CLUSTER_IP_INTERFACE) continue;
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) out.add(a.address);
  }
  return [...out];
}
