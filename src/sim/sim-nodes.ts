import type { Lease } from '../api/coordination/v1/lease.js';
import { LeaseKind } from '../api/coordination/v1/lease.js';
import type { Node } from '../api/core/v1/node.js';
import { NodeKind } from '../api/core/v1/node.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import { realClock, type Clock } from '../client/clock.js';
import { SharedInformerFactory } from '../client/informer-factory.js';
import { jsonLogger, type Logger } from '../client/logger.js';
import { microTime, rfc3339 } from '../client/micro-time.js';
import type { RestClient } from '../client/rest-client.js';
import { isAlreadyExists, isConflict, isNotFound } from '../client/status-error.js';
import { StageEngine } from './engine.js';
import { NodeIpPool } from './ip-pool.js';
import { defaultNodeStages, defaultPodStages, renderTemplate, type Stage } from './stages.js';

export interface SimNodeTemplate {
  /** Node names are `${prefix}-${i}` (default "sim-node"). */
  prefix?: string;
  /** Allocatable = capacity (defaults: 32 cpu, 256Gi memory, 110 pods). */
  capacity?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
  /** Zones assigned round robin as topology.kubernetes.io/zone (none when empty). */
  zones?: string[];
}

export interface StartSimOptions {
  client: RestClient;
  nodes: number;
  template?: SimNodeTemplate;
  /** Pod stages (default: defaultPodStages(readyDelayMs)); [] leaves pods alone. */
  podStages?: Stage[];
  readyDelayMs?: number;
  nodeStages?: Stage[];
  /** Lease renewal interval (kubelet: 10 s). 0 = no leases. */
  leaseIntervalMs?: number;
  /** Concurrent API calls while registering nodes (default 32). */
  concurrency?: number;
  clock?: Clock;
  logger?: Logger;
  informers?: SharedInformerFactory;
}

export interface RunningSim {
  nodeNames: string[];
  stop(): Promise<void>;
  /** Stage transitions applied so far. */
  applied(): number;
}

/** Runs fn over items with at most `limit` in flight. */
export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function simNode(i: number, count: number, t: SimNodeTemplate = {}): Node {
  const name = `${t.prefix ?? 'sim-node'}-${i}`;
  const pool = new NodeIpPool(i, count);
  const capacity = { cpu: '32', memory: '256Gi', pods: '110', ...(t.capacity ?? {}) };
  const labels: Record<string, string> = { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'skiff-sim', ...(t.labels ?? {}) };
  if (t.zones && t.zones.length > 0) labels['topology.kubernetes.io/zone'] = t.zones[i % t.zones.length] as string;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels, annotations: { 'skiff.dev/simulated': 'true' } },
    spec: { podCIDR: pool.cidr, podCIDRs: [pool.cidr], ...(t.taints?.length ? { taints: t.taints } : {}) },
    status: {
      capacity,
      allocatable: capacity,
      addresses: [
        { type: 'InternalIP', address: pool.hostIP },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: { machineID: '', systemUUID: '', bootID: '', kernelVersion: '', osImage: 'skiff-sim', containerRuntimeVersion: 'sim://0', kubeletVersion: 'v1.32.0-skiff-sim', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
    },
  } as Node;
}

/**
 * Registers `nodes` simulated nodes, keeps their Leases in kube-node-lease renewed, and
 * moves pods bound to them through the pod stages (Running/Ready with a fake IP after
 * the delay; deletion honoured) — nothing runs. To the API they are ordinary nodes.
 */
export async function startSim(opts: StartSimOptions): Promise<RunningSim> {
  const clock = opts.clock ?? realClock;
  const logger = opts.logger ?? jsonLogger('sim');
  const client = opts.client;
  const count = opts.nodes;
  const nodeClient = client.resource<Node>(NodeKind);
  const podClient = client.resource<Pod>(PodKind);
  const leaseClient = client.resource<Lease>(LeaseKind);
  const nodes = Array.from({ length: count }, (_, i) => simNode(i, count, opts.template));
  const names = nodes.map((n) => n.metadata?.name as string);
  const pools = new Map(names.map((n, i) => [n, new NodeIpPool(i, count)]));
  const concurrency = opts.concurrency ?? 32;

  await mapLimit(nodes, concurrency, async (node) => {
    try {
      await nodeClient.create(node);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  });
  logger.info('simulated nodes registered', { nodes: count });

  const factory = opts.informers ?? new SharedInformerFactory({ client, clock, logger });
  const ownFactory = !opts.informers;
  const podInf = factory.informerFor<Pod>(PodKind);
  const nodeInf = factory.informerFor<Node>(NodeKind);
  const now = (): string => rfc3339(clock.now());
  const nodeSet = new Set(names);

  const podEngine = new StageEngine<Pod>({
    name: 'pods',
    source: podInf,
    get: (k) => podInf.get(k),
    keyOf: (p) => `${p.metadata?.namespace}/${p.metadata?.name}`,
    owns: (p) => nodeSet.has(p.spec?.nodeName ?? ''),
    stages: opts.podStages ?? defaultPodStages(opts.readyDelayMs ?? 1000),
    clock,
    logger,
    apply: async (pod, stage) => {
      const ns = pod.metadata?.namespace ?? 'default';
      const name = pod.metadata?.name ?? '';
      if (stage.next.delete) {
        try {
          await podClient.delete(name, { namespace: ns, gracePeriodSeconds: 0, ...(pod.metadata?.uid ? { preconditions: { uid: pod.metadata.uid } } : {}) });
        } catch (err) {
          if (!isNotFound(err) && !isConflict(err)) throw err;
        }
        return;
      }
      if (stage.next.status) {
        const pool = pools.get(pod.spec?.nodeName ?? '');
        const status = renderTemplate(stage.next.status, { podIP: pool?.allocate() ?? '', hostIP: pool?.hostIP ?? '', now: now() }) as Record<string, unknown>;
        const containers = (pod.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image ?? '', imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: now() } } }));
        await podClient.subresource('status').patch(name, { status: { ...status, containerStatuses: containers } }, 'merge', { namespace: ns });
      }
    },
  });
  const nodeEngine = new StageEngine<Node>({
    name: 'nodes',
    source: nodeInf,
    get: (k) => nodeInf.get(k),
    keyOf: (n) => n.metadata?.name ?? '',
    owns: (n) => nodeSet.has(n.metadata?.name ?? ''),
    stages: opts.nodeStages ?? defaultNodeStages(),
    clock,
    logger,
    apply: async (node, stage) => {
      if (stage.next.delete) {
        await nodeClient.delete(node.metadata?.name ?? '').catch((e) => { if (!isNotFound(e)) throw e; });
        return;
      }
      const status = renderTemplate(stage.next.status ?? {}, { now: now(), hostIP: pools.get(node.metadata?.name ?? '')?.hostIP ?? '' });
      await nodeClient.subresource('status').patch(node.metadata?.name ?? '', { status }, 'merge');
    },
  });
  podEngine.start();
  nodeEngine.start();
  if (ownFactory) factory.start();
  // Stage engines act on the caches; start once they hold the nodes just registered.
  await factory.waitForSync();

  // Heartbeats: each node's Lease renewed once per interval, spread evenly over it.
  const interval = opts.leaseIntervalMs ?? 10_000;
  let leaseTimer: ReturnType<typeof setInterval> | undefined;
  const leases = new Map<string, Lease>();
  if (interval > 0) {
    await mapLimit(names, concurrency, async (name) => {
      const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(clock.now()) } } as Lease;
      try {
        leases.set(name, await leaseClient.create(lease));
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        leases.set(name, await leaseClient.get(name, { namespace: 'kube-node-lease' }));
      }
    });
    const tickMs = 250;
    const slots = Math.max(1, Math.round(interval / tickMs));
    let tick = 0;
    leaseTimer = setInterval(() => {
      const slot = tick++ % slots;
      for (let i = slot; i < names.length; i += slots) {
        const name = names[i] as string;
        const cur = leases.get(name);
        if (!cur) continue;
        const next = { ...cur, spec: { ...cur.spec, renewTime: microTime(clock.now()) } } as Lease;
        leaseClient.update(next).then(
          (l) => leases.set(name, l),
          async (err) => {
            if (isConflict(err) || isNotFound(err)) leases.set(name, await leaseClient.get(name, { namespace: 'kube-node-lease' }).catch(() => cur));
          },
        );
      }
    }, tickMs);
  }

  return {
    nodeNames: names,
    applied: () => podEngine.applied + nodeEngine.applied,
    async stop() {
      if (leaseTimer) clearInterval(leaseTimer);
      podEngine.stop();
      nodeEngine.stop();
      if (ownFactory) await factory.stop();
    },
  };
}
