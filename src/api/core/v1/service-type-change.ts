/**
 * What a Service update drops when its type changes, as the upstream Service strategy's
 * dropTypeDependentFields does: `kubectl patch svc x -p '{"spec":{"type":"ClusterIP"}}'`
 * on a NodePort Service must succeed, so the fields the old type needed (and the server
 * may have filled in) go, unless the same request also changed them (then validation
 * speaks). The node ports and IPs dropped here are freed by the allocator later.
 */

type Spec = Record<string, any>;
type Obj = { spec?: Spec; status?: Record<string, any> };

const needsClusterIP = (s: Spec) => s.type !== 'ExternalName';
const needsNodePorts = (s: Spec) => s.type === 'NodePort' || s.type === 'LoadBalancer';
/** LoadBalancer with externalTrafficPolicy Local: the only case with a health-check node port. */
export const needsHealthCheckNodePort = (s: Spec): boolean => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
const externallyAccessible = (s: Spec) => needsNodePorts(s) || (s.type === 'ClusterIP' && (s.externalIPs ?? []).length > 0);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const nodePorts = (s: Spec): number[] => (Array.isArray(s.ports) ? s.ports : []).map((p: any) => p?.nodePort).filter((n: unknown) => typeof n === 'number' && n !== 0);

/** Mutates `next` (the update as it will be stored) given the stored `old`. Pure otherwise. */
export function dropTypeDependentFields(next: Obj, old: Obj): void {
  const spec = next.spec;
  const prev = old.spec;
  if (!spec || !prev) return;
  if (needsClusterIP(prev) && !needsClusterIP(spec)) {
    if (spec.clusterIP === prev.clusterIP && same(spec.clusterIPs, prev.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same(spec.ipFamilies, prev.ipFamilies)) delete spec.ipFamilies;
    if (same(spec.ipFamilyPolicy, prev.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  // Node ports go only if the request adds none the old object did not have.
  const oldPorts = new Set(nodePorts(prev));
  if (needsNodePorts(prev) && !needsNodePorts(spec) && nodePorts(spec).every((p) => oldPorts.has(p))) {
    for (const p of spec.ports ?? []) if (p && typeof p === 'object') delete p.nodePort;
  }
  if (needsHealthCheckNodePort(prev) && !needsHealthCheckNodePort(spec) && spec.healthCheckNodePort === prev.healthCheckNodePort) {
    delete spec.healthCheckNodePort;
  }
  if (prev.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts === prev.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (same(spec.loadBalancerClass, prev.loadBalancerClass)) delete spec.loadBalancerClass;
  }
  if (externallyAccessible(prev) && !externallyAccessible(spec) && spec.externalTrafficPolicy === prev.externalTrafficPolicy) {
    delete spec.externalTrafficPolicy;
  }
  // A load balancer that no longer applies is gone from the status at once.
  if (spec.type !== 'LoadBalancer' && next.status?.loadBalancer) next.status.loadBalancer = {};
}
