import { cpus, hostname, networkInterfaces, release, totalmem, arch } from 'node:os';
import { readFileSync } from 'node:fs';
import type { Lease } from '../api/coordination/v1/lease.js';
import { LeaseKind } from '../api/coordination/v1/lease.js';
import type { Node } from '../api/core/v1/node.js';
import { NodeKind } from '../api/core/v1/node.js';
import type { Clock } from '../client/clock.js';
import type { Logger } from '../client/logger.js';
import { microTime, rfc3339 } from '../client/micro-time.js';
import type { RestClient } from '../client/rest-client.js';
import { isAlreadyExists, isConflict, isNotFound } from '../client/status-error.js';
import { Quantity } from '../machinery/quantity.js';
import { KUBERNETES_VERSION, SKIFF_VERSION } from '../version.js';
import { pressureConditions } from './eviction/node-conditions.js';
import type { PressureCondition } from './eviction/thresholds.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface NodeIdentity {
  nodeName: string;
  labels: Record<string, string>;
  taints: Taint[];
  /** key=quantity maps subtracted from capacity (--kube-reserved, --system-reserved). */
  kubeReserved: Record<string, string>;
  systemReserved: Record<string, string>;
  maxPods: number;
  /** Port the kubelet API listens on (status.daemonEndpoints.kubeletEndpoint.Port); 0 when none. */
  kubeletPort: number;
  runtimeName: string;
  runtimeVersion: string;
  /** Overrides the address autodetection (first non-internal IPv4, else 127.0.0.1). */
  nodeIP?: string;
}

/** The node's first non-internal IPv4 address, else 127.0.0.1. */
export function detectNodeIP(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

function readTrim(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function osImage(): string {
  const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readTrim('/etc/os-release'));
  return m?.[1] ?? 'Linux';
}

/** capacity − kube-reserved − system-reserved, never below zero, as the kubelet computes allocatable. */
export function allocatable(capacity: Record<string, string>, ...reserved: Array<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(capacity)) {
    let q = Quantity.parse(v);
    for (const r of reserved) if (r[k]) q = q.sub(Quantity.parse(r[k] as string));
    out[k] = q.sign() < 0 ? '0' : q.toString();
  }
  return out;
}

/** The Node object this kubelet registers: real CPU, memory and pod capacity; `pressure` lists the pressure conditions that are True. */
export function buildNode(id: NodeIdentity, now: number, pressure: ReadonlySet<PressureCondition> = new Set()): Node {
  const capacity = { cpu: String(cpus().length), memory: `${Math.floor(totalmem() / 1024)}Ki`, pods: String(id.maxPods) };
  const ts = rfc3339(now);
  const arch_ = arch() === 'x64' ? 'amd64' : arch();
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: id.nodeName,
      labels: { 'kubernetes.io/hostname': id.nodeName, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': arch_, 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': arch_, ...id.labels },
    },
    spec: id.taints.length ? { taints: id.taints } : {},
    status: {
      capacity,
      allocatable: allocatable(capacity, id.kubeReserved, id.systemReserved),
      addresses: [
        { type: 'InternalIP', address: id.nodeIP ?? detectNodeIP() },
        { type: 'Hostname', address: hostname() },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: id.kubeletPort } },
      nodeInfo: {
        machineID: readTrim('/etc/machine-id'),
        systemUUID: readTrim('/sys/class/dmi/id/product_uuid'),
        bootID: readTrim('/proc/sys/kernel/random/boot_id'),
        kernelVersion: release(),
        osImage: osImage(),
        containerRuntimeVersion: `${id.runtimeName}://${id.runtimeVersion}`,
        kubeletVersion: `${KUBERNETES_VERSION}-skiff-${SKIFF_VERSION}`,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: arch_,
      },
      conditions: [
        ...pressureConditions(pressure, ts),
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: ts, lastTransitionTime: ts },
      ],
    },
  } as Node;
}

export interface NodeAgentConfig {
  client: RestClient;
  identity: NodeIdentity;
  clock: Clock;
  logger: Logger;
  /** Lease renewal (kubelet: 10 s). */
  leaseIntervalMs?: number;
  /** Full node status update (kubelet: 5 min when nothing changes; conditions refreshed). */
  statusIntervalMs?: number;
  /** The pressure conditions to report True (the eviction manager's); none without it. */
  pressure?: () => ReadonlySet<PressureCondition>;
}

/**
 * Registers the node (or takes over an existing registration, updating its status), keeps
 * its Lease in kube-node-lease renewed, and posts status periodically.
 */
export class NodeAgent {
  private readonly nodes;
  private readonly leases;
  private lease: Lease | undefined;
  private timers: Array<{ cancel(): void }> = [];
  private stopped = false;
  node: Node | undefined;

  constructor(private readonly config: NodeAgentConfig) {
    this.nodes = config.client.resource<Node>(NodeKind);
    this.leases = config.client.resource<Lease>(LeaseKind);
  }

  async register(): Promise<Node> {
    const desired = buildNode(this.config.identity, this.config.clock.now(), this.config.pressure?.());
    try {
      this.node = await this.nodes.create(desired);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const cur = await this.nodes.get(this.config.identity.nodeName);
      const merged = { ...cur, metadata: { ...cur.metadata, labels: { ...(cur.metadata?.labels ?? {}), ...(desired.metadata?.labels ?? {}) } } } as Node;
      this.node = await this.nodes.update(merged).catch(() => cur);
    }
    await this.postStatus();
    await this.renewLease();
    return this.node;
  }

  /** Starts the heartbeat loops. */
  start(): void {
    const every = (ms: number, fn: () => Promise<void>): void => {
      const loop = (): void => {
        if (this.stopped) return;
        const t = this.config.clock.setTimeout(() => {
          fn().catch((err) => this.config.logger.warn('node heartbeat failed', { error: String(err) })).finally(loop);
        }, ms);
        this.timers.push(t);
      };
      loop();
    };
    every(this.config.leaseIntervalMs ?? 10_000, () => this.renewLease());
    every(this.config.statusIntervalMs ?? 60_000, () => this.postStatus());
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) t.cancel();
  }

  async postStatus(): Promise<void> {
    const fresh = buildNode(this.config.identity, this.config.clock.now(), this.config.pressure?.());
    const cur = this.node?.status?.conditions ?? [];
    // Keep lastTransitionTime for conditions whose status did not change.
    const conditions = (fresh.status?.conditions ?? []).map((c) => {
      const old = cur.find((o) => o.type === c.type);
      return old && old.status === c.status ? { ...c, lastTransitionTime: old.lastTransitionTime } : c;
    });
    this.node = await this.nodes.subresource('status').patch(this.config.identity.nodeName, { status: { ...fresh.status, conditions } }, 'strategic');
  }

  async renewLease(): Promise<void> {
    const name = this.config.identity.nodeName;
    const now = microTime(this.config.clock.now());
    const ownerReferences = this.node?.metadata?.uid ? [{ apiVersion: 'v1', kind: 'Node', name, uid: this.node.metadata.uid }] : undefined;
    if (!this.lease) {
      try {
        this.lease = await this.leases.create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease', ...(ownerReferences ? { ownerReferences } : {}) }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: now } } as Lease);
        return;
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        this.lease = await this.leases.get(name, { namespace: 'kube-node-lease' });
      }
    }
    try {
      this.lease = await this.leases.update({ ...this.lease, spec: { ...this.lease.spec, holderIdentity: name, renewTime: now } } as Lease);
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) this.lease = undefined;
      throw err;
    }
  }
}
