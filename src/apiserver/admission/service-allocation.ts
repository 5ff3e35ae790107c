import type { Store } from '../../storage/store.js';
import { AlreadyExistsError } from '../../storage/errors.js';
import { decodeStored, type KubeObject } from '../watch-cache/cached-object.js';
import { invalid as invalidStatus, statusError } from '../resources/errors.js';
import { invalid as invalidField, type FieldError } from '../../machinery/field-errors.js';
import type { AdmissionPlugin } from './types.js';
import { dropTypeDependentFields, needsHealthCheckNodePort } from '../../api/core/v1/service-type-change.js';

/**
 * Service ClusterIP and NodePort allocation (what kube-apiserver's service REST does):
 * a free IP from the service CIDR and a free node port per port of NodePort/LoadBalancer
 * services, each reserved by creating a key (`/registry/core/serviceipallocations/<ip>`,
 * `…/servicenodeportallocations/<port>`) so concurrent creates never share one.
 * Reservations are not released on delete or update; an allocator that meets a reservation
 * whose service no longer exists, or no longer uses it (its type changed, a port went),
 * reclaims it after a grace period, so in-flight writes are safe. LoadBalancer Services
 * with externalTrafficPolicy Local also get a healthCheckNodePort; allocateLoadBalancerNodePorts
 * false means no new node ports for a LoadBalancer. A type change first drops what the
 * old type needed (dropTypeDependentFields).
 */
export interface ServiceAllocationConfig {
  store: Store;
  /** IPv4 CIDR of ClusterIPs; default 10.43.0.0/16 (k3s). The first address is the `kubernetes` service's. */
  serviceCidr?: string;
  /** Inclusive node port range; default [30000, 32767]. */
  nodePortRange?: readonly [number, number];
  now?: () => Date;
  random?: () => number;
}

const RECLAIM_AFTER_MS = 60_000;
const SERVICE = { group: '', kind: 'Service' };

/**
 * `ipFamilyPolicy` and `ipFamilies`, defaulted and checked as upstream's
 * initIPFamilyFields does on a single-stack IPv4 cluster: SingleStack + [IPv4], except a
 * headless service without a selector (RequireDualStack, both families: it only lists
 * endpoints); an update keeps the old policy; dual stack or IPv6 ClusterIPs are refused.
 */
function initIpFamilies(name: string, spec: Record<string, any>, oldSpec: Record<string, any>): void {
  const selectorless = spec.selector === undefined || spec.selector === null || Object.keys(spec.selector).length === 0;
  const headlessSelectorless = spec.clusterIP === 'None' && selectorless;
  spec.ipFamilyPolicy ??= oldSpec.ipFamilyPolicy ?? (headlessSelectorless ? 'RequireDualStack' : 'SingleStack');
  if (spec.ipFamilies === undefined && Array.isArray(oldSpec.ipFamilies) && (spec.clusterIP ?? oldSpec.clusterIP) === oldSpec.clusterIP) spec.ipFamilies = oldSpec.ipFamilies;
  const families: string[] = Array.isArray(spec.ipFamilies) ? spec.ipFamilies : [];
  const errs: FieldError[] = [];
  if (spec.ipFamilyPolicy === 'SingleStack' && families.length === 2) {
    errs.push(invalidField('spec.ipFamilyPolicy', spec.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
  }
  if (headlessSelectorless) {
    if (errs.length > 0) throw invalidStatus(SERVICE, name, errs);
    if (families.length === 0) families.push('IPv4');
    if (families.length < 2 && spec.ipFamilyPolicy !== 'SingleStack') families.push(families[0] === 'IPv4' ? 'IPv6' : 'IPv4');
    spec.ipFamilies = families;
    return;
  }
  if (spec.ipFamilyPolicy === 'RequireDualStack') errs.push(invalidField('spec.ipFamilyPolicy', spec.ipFamilyPolicy, 'this cluster is not configured for dual-stack services'));
  families.forEach((f, i) => {
    if (f !== 'IPv4') errs.push(invalidField(`spec.ipFamilies[${i}]`, f, 'not configured on this cluster'));
  });
  if (errs.length > 0) throw invalidStatus(SERVICE, name, errs);
  spec.ipFamilies = families.length === 0 ? ['IPv4'] : families;
}

function parseCidr(cidr: string): { base: number; size: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`invalid service CIDR ${cidr}`);
  const [a, b, c, d, bits] = m.slice(1).map(Number) as [number, number, number, number, number];
  const prefix = bits;
  const size = 2 ** (32 - prefix);
  const base = (((a << 24) >>> 0) + (b << 16) + (c << 8) + d) & ~(size - 1) >>> 0;
  return { base: base >>> 0, size };
}

const ipString = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
function ipNumber(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return undefined;
  const p = m.slice(1).map(Number);
  if (p.some((x) => x > 255)) return undefined;
  return ((p[0]! << 24) >>> 0) + (p[1]! << 16) + (p[2]! << 8) + p[3]!;
}

/** Whether the stored Service still holds the IP or node port reserved under `key`. */
function stillUses(svc: KubeObject, key: string): boolean {
  const value = key.slice(key.lastIndexOf('/') + 1);
  const spec = (svc.spec ?? {}) as Record<string, any>;
  if (key.includes('/serviceipallocations/')) return spec.clusterIP === value || (Array.isArray(spec.clusterIPs) && spec.clusterIPs.includes(value));
  const port = Number(value);
  return spec.healthCheckNodePort === port || (Array.isArray(spec.ports) && spec.ports.some((p: any) => p?.nodePort === port));
}

export function serviceAllocation(config: ServiceAllocationConfig): AdmissionPlugin {
  const { base, size } = parseCidr(config.serviceCidr ?? '10.43.0.0/16');
  const [portMin, portMax] = config.nodePortRange ?? [30000, 32767];
  const now = config.now ?? (() => new Date());
  const random = config.random ?? Math.random;
  const enc = new TextEncoder();

  /** Reserves `key` for the service; false if someone else (still alive) holds it. */
  async function reserve(key: string, owner: { ns: string; name: string; uid: string }): Promise<boolean> {
    const value = enc.encode(JSON.stringify({ metadata: { name: key.slice(key.lastIndexOf('/') + 1) }, owner, at: now().toISOString() }));
    try {
      await config.store.create(key, value);
      return true;
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
    const kv = await config.store.get(key);
    if (!kv) return false;
    const held = decodeStored(kv) as { owner?: { ns?: string; name?: string; uid?: string }; at?: string };
    // The owner taking its own key again (a dropped port re-added): refresh the time, so no one reclaims it meanwhile.
    if (held.owner?.uid === owner.uid) return config.store.update(key, value, kv.modRevision).then(() => true, () => false);
    if (now().getTime() - Date.parse(held.at ?? '') < RECLAIM_AFTER_MS) return false;
    const svc = await config.store.get(`/registry/core/services/${held.owner?.ns ?? ''}/${held.owner?.name ?? ''}`);
    const holder = svc ? decodeStored(svc) : undefined;
    if (holder && holder.metadata?.uid === held.owner?.uid && stillUses(holder, key)) return false;
    try {
      await config.store.update(key, value, kv.modRevision);
      return true;
    } catch {
      return false;
    }
  }

  async function allocateIp(owner: { ns: string; name: string; uid: string }): Promise<string> {
    const usable = size - 3; // network, the kubernetes service's .1, broadcast
    const start = Math.floor(random() * usable);
    for (let i = 0; i < Math.min(usable, 4096); i++) {
      const ip = ipString(base + 2 + ((start + i) % usable));
      if (await reserve(`/registry/core/serviceipallocations/${ip}`, owner)) return ip;
    }
    throw statusError(500, 'InternalError', 'Internal error occurred: failed to allocate a serviceIP: range is full');
  }

  async function allocatePort(owner: { ns: string; name: string; uid: string }, exclude: ReadonlySet<number>): Promise<number> {
    const span = portMax - portMin + 1;
    const start = Math.floor(random() * span);
    for (let i = 0; i < span; i++) {
      const port = portMin + ((start + i) % span);
      if (exclude.has(port)) continue; // already given to another port of this service
      if (await reserve(`/registry/core/servicenodeportallocations/${port}`, owner)) return port;
    }
    throw statusError(500, 'InternalError', 'Internal error occurred: failed to allocate a nodePort: range is full');
  }

  const invalid = (name: string, field: string, value: unknown, detail: string) => invalidStatus(SERVICE, name, [invalidField(field, value, detail)]);

  return {
    name: 'ServiceAllocation',
    async admit(attrs, obj, old) {
      if (!obj || attrs.spec.group !== '' || attrs.spec.plural !== 'services' || attrs.subresource) return;
      if (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') return;
      const spec = (obj.spec ??= {}) as Record<string, any>;
      const type = spec.type ?? 'ClusterIP';
      const owner = { ns: attrs.namespace ?? '', name: attrs.name, uid: String(obj.metadata?.uid ?? '') };
      const oldSpec = (old as KubeObject | undefined)?.spec ?? {};
      if (attrs.operation === 'UPDATE' && old) dropTypeDependentFields(obj as any, old as any);
      if (type === 'ExternalName') return;
      initIpFamilies(attrs.name, spec, oldSpec);
      // ClusterIP: kept across updates, else allocated (or the requested one reserved).
      if (attrs.operation === 'UPDATE' && !spec.clusterIP && oldSpec.clusterIP) {
        spec.clusterIP = oldSpec.clusterIP;
        spec.clusterIPs = oldSpec.clusterIPs ?? [oldSpec.clusterIP];
      }
      if (spec.clusterIP === 'None') spec.clusterIPs = ['None'];
      else if (!spec.clusterIP) {
        const ip = attrs.dryRun ? ipString(base + 2 + Math.floor(random() * (size - 3))) : await allocateIp(owner);
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
      } else if (attrs.operation === 'CREATE') {
        const n = ipNumber(String(spec.clusterIP));
        if (n === undefined || n < base || n >= base + size) {
          throw invalid(attrs.name, 'spec.clusterIPs', [spec.clusterIP], `failed to allocate IP ${String(spec.clusterIP)}: the provided IP (${String(spec.clusterIP)}) is not in the valid range. The range of valid IPs is ${config.serviceCidr ?? '10.43.0.0/16'}`);
        }
        if (!attrs.dryRun && !(await reserve(`/registry/core/serviceipallocations/${String(spec.clusterIP)}`, owner))) {
          throw invalid(attrs.name, 'spec.clusterIPs', [spec.clusterIP], `failed to allocate IP ${String(spec.clusterIP)}: provided IP is already allocated`);
        }
        spec.clusterIPs = [spec.clusterIP];
      }
      if (type !== 'NodePort' && type !== 'LoadBalancer') return;
      const oldPorts = new Map<string, number>(
        (Array.isArray(oldSpec.ports) ? oldSpec.ports : []).filter((p: any) => p?.nodePort).map((p: any) => [`${p.port}/${p.protocol ?? 'TCP'}`, p.nodePort]),
      );
      const ports = Array.isArray(spec.ports) ? spec.ports : [];
      const used = new Set<number>(ports.map((p: any) => p?.nodePort).filter((n: unknown): n is number => typeof n === 'number'));
      if (typeof spec.healthCheckNodePort === 'number') used.add(spec.healthCheckNodePort);
      const heldBefore = new Set<number>([...oldPorts.values(), ...(typeof oldSpec.healthCheckNodePort === 'number' ? [oldSpec.healthCheckNodePort] : [])]);
      const anyPort = async () => (attrs.dryRun ? portMin + Math.floor(random() * (portMax - portMin + 1)) : await allocatePort(owner, used));
      /** Reserves a port the request names; `what` prefixes the reason as upstream words it. */
      const claim = async (field: string, port: unknown, what = '') => {
        if (typeof port !== 'number' || port < portMin || port > portMax) {
          throw invalid(attrs.name, field, port, `${what}provided port is not in the valid range. The range of valid ports is ${portMin}-${portMax}`);
        }
        if (!attrs.dryRun && !(await reserve(`/registry/core/servicenodeportallocations/${port}`, owner))) {
          throw invalid(attrs.name, field, port, `${what}provided port is already allocated`);
        }
      };
      // allocateLoadBalancerNodePorts: false — a LoadBalancer reached without node ports gets none (those it has stay).
      const allocateNew = type === 'NodePort' || spec.allocateLoadBalancerNodePorts !== false;
      for (let i = 0; i < ports.length; i++) {
        const p = ports[i];
        if (!p || typeof p !== 'object') continue;
        if (!p.nodePort) {
          const kept = oldPorts.get(`${p.port}/${p.protocol ?? 'TCP'}`);
          if (kept === undefined && !allocateNew) continue;
          p.nodePort = kept ?? (await anyPort());
          used.add(p.nodePort);
        } else if (!heldBefore.has(p.nodePort)) {
          await claim(`spec.ports[${i}].nodePort`, p.nodePort);
        }
      }
      if (!needsHealthCheckNodePort(spec)) return;
      if (!spec.healthCheckNodePort) {
        spec.healthCheckNodePort = needsHealthCheckNodePort(oldSpec) && oldSpec.healthCheckNodePort ? oldSpec.healthCheckNodePort : await anyPort();
      } else if (!heldBefore.has(spec.healthCheckNodePort)) {
        await claim('spec.healthCheckNodePort', spec.healthCheckNodePort, `failed to allocate requested HealthCheck NodePort ${String(spec.healthCheckNodePort)}: `);
      }
    },
  };
}
