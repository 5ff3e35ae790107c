import type { Lease } from '../api/coordination/v1/lease.js';
import { LeaseKind } from '../api/coordination/v1/lease.js';
import type { Node, NodeCondition } from '../api/core/v1/node.js';
import { NodeKind } from '../api/core/v1/node.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import { controller } from '../client/controller.js';
import { byNodeName, NODE_NAME_INDEX } from '../client/indexer.js';
import { rfc3339 } from '../client/micro-time.js';
import { isConflict, isNotFound } from '../client/status-error.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';
import { StallMeter } from './node-lifecycle-stalls.js';
import { evictionTime, wantedTaints } from './node-taints.js';

const COMPONENT = 'node-controller';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** Timings of the node lifecycle controller (kube-controller-manager flags). */
export interface NodeLifecycleTimings {
  /** --node-monitor-grace-period: a node silent this long is Ready=Unknown (default 40 s). */
  nodeMonitorGracePeriodMs: number;
  /** --node-startup-grace-period: a node that never posted status gets this long (default 60 s). */
  nodeStartupGracePeriodMs: number;
  /**
   * The tolerationSeconds the DefaultTolerationSeconds admission plugin gives pods (300 s
   * upstream). Not used by the controller itself — evictions follow each pod's tolerations —
   * but kept with the other timings so a preset describes a whole cluster.
   */
  defaultTolerationSeconds: number;
}

/** Kubernetes' defaults, and `fast` for edge clusters and tests (failover in ~15 s). */
export const NODE_LIFECYCLE_PRESETS = {
  default: { nodeMonitorGracePeriodMs: 40_000, nodeStartupGracePeriodMs: 60_000, defaultTolerationSeconds: 300 },
  fast: { nodeMonitorGracePeriodMs: 8_000, nodeStartupGracePeriodMs: 15_000, defaultTolerationSeconds: 5 },
} as const satisfies Record<string, NodeLifecycleTimings>;

export type NodeLifecycleOptions = keyof typeof NODE_LIFECYCLE_PRESETS | Partial<NodeLifecycleTimings>;

export function resolveNodeLifecycleTimings(o: NodeLifecycleOptions | undefined): NodeLifecycleTimings {
  if (o === undefined) return { ...NODE_LIFECYCLE_PRESETS.default };
  if (typeof o === 'string') {
    const p = NODE_LIFECYCLE_PRESETS[o];
    if (!p) throw new Error(`unknown node lifecycle preset "${String(o)}" (known: ${Object.keys(NODE_LIFECYCLE_PRESETS).join(', ')})`);
    return { ...p };
  }
  return { ...NODE_LIFECYCLE_PRESETS.default, ...o };
}

/** Reads `nodeLifecycle` from the manager's options (set by ControllerManagerConfig.nodeLifecycle). */
export const nodeLifecycleController: ControllerDescriptor = {
  name: 'node-lifecycle',
  create: (ctx) => newNodeLifecycleController(ctx, resolveNodeLifecycleTimings((ctx.options as { nodeLifecycle?: NodeLifecycleOptions }).nodeLifecycle)),
};

/** What the controller last saw of a node's heartbeats, and when (its own clock, as upstream: no trust in kubelet clocks). */
interface Health {
  leaseRenew: string;
  readyHeartbeat: string;
  probeTime: number;
  /** Set once a live read past the grace period found no heartbeat: the second read's due time. */
  confirmAt?: number;
}

/** The least wait between the two live reads that confirm a silence (see confirmSilent). */
const CONFIRM_MS = 1000;

const CONDITIONS_SET_UNKNOWN = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/**
 * The node lifecycle controller: marks nodes whose kubelet went silent Ready=Unknown,
 * keeps the unreachable / not-ready taints in step with the Ready condition and the
 * unschedulable taint in step with spec.unschedulable, and evicts
 * (deletes) pods from NoExecute-tainted nodes once their tolerations run out.
 */
export function newNodeLifecycleController(ctx: ControllerContext, timings: NodeLifecycleTimings): RunningController {
  const nodeInformer = ctx.informers.informerFor<Node>(NodeKind);
  const leaseInformer = ctx.informers.informerFor<Lease>(LeaseKind, { namespace: NODE_LEASE_NAMESPACE });
  const podInformer = ctx.informers.informerFor<Pod>(PodKind);
  if (!podInformer.indexer.hasIndexer(NODE_NAME_INDEX)) podInformer.addIndexer(NODE_NAME_INDEX, byNodeName);
  const nodes = ctx.client.resource<Node>(NodeKind);
  const pods = ctx.client.resource<Pod>(PodKind);
  const leases = ctx.client.resource<Lease>(LeaseKind);
  const recorder = ctx.recorder(COMPONENT);
  const health = new Map<string, Health>();
  const stalls = new StallMeter({ clock: ctx.clock, keepMs: 2 * Math.max(timings.nodeMonitorGracePeriodMs, timings.nodeStartupGracePeriodMs) });

  const reconcile = async (name: string) => {
    const node = nodeInformer.indexer.get(name);
    if (!node) {
      health.delete(name);
      return;
    }
    let now = ctx.clock.now();
    const lease = leaseInformer.indexer.get(`${NODE_LEASE_NAMESPACE}/${name}`);
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    const seen = { leaseRenew: lease?.spec?.renewTime ?? '', readyHeartbeat: ready?.lastHeartbeatTime ?? '' };
    let h = health.get(name);
    if (!h || h.leaseRenew !== seen.leaseRenew || h.readyHeartbeat !== seen.readyHeartbeat) {
      h = { ...seen, probeTime: now };
      health.set(name, h);
    }
    const grace = ready ? timings.nodeMonitorGracePeriodMs : timings.nodeStartupGracePeriodMs;
    // Time this process could not watch is not the node's silence.
    let staleIn = h.probeTime + grace + stalls.stalledWithin(h.probeTime, now) - now;
    let current = node;
    if (staleIn <= 0 && ready?.status !== 'Unknown') {
      const verdict = await confirmSilent(name, h, grace);
      now = ctx.clock.now();
      if (verdict === 'silent') current = (await markUnknown(node, now)) ?? node;
      else staleIn = verdict - now;
    }

    // Taints follow the Ready condition (ours, or the kubelet's False) and spec.unschedulable (cordon).
    const next = wantedTaints(current, rfc3339(now));
    if (next) current = (await writeTaints(current, next)) ?? current;

    let wakeAt = staleIn > 0 ? now + staleIn : undefined;
    const taints = current.spec?.taints ?? [];
    for (const pod of podInformer.indexer.byIndex(NODE_NAME_INDEX, name)) {
      if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
      const at = evictionTime(pod, taints, now);
      if (at === undefined) continue;
      if (at <= now) await evict(pod);
      else wakeAt = Math.min(wakeAt ?? at, at);
    }
    return wakeAt !== undefined ? { requeueAfterMs: Math.max(10, wakeAt - now + 20) } : undefined;
  };

  /**
   * The cache may lag the server (a starved server or client delivers watch events
   * seconds late), and a server that was stalled answers a read before it has worked
   * through the heartbeats queued meanwhile. So a silence past the grace period is
   * believed only after two live reads of the node's Lease, the second at least
   * CONFIRM_MS (or as long as the first took) after the first was answered, both showing
   * no renewal. Returns 'silent', or when to look again (a renewal counts as seen now).
   */
  async function confirmSilent(name: string, h: Health, grace: number): Promise<'silent' | number> {
    if (h.confirmAt !== undefined && ctx.clock.now() < h.confirmAt) return h.confirmAt;
    const start = ctx.clock.now();
    let renew = '';
    try {
      renew = (await leases.get(name, { namespace: NODE_LEASE_NAMESPACE })).spec?.renewTime ?? '';
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const now = ctx.clock.now();
    if (renew !== '' && renew !== h.leaseRenew) {
      Object.assign(h, { leaseRenew: renew, probeTime: now, confirmAt: undefined });
      return now + grace;
    }
    if (h.confirmAt !== undefined) return 'silent';
    h.confirmAt = now + Math.max(CONFIRM_MS, now - start);
    return h.confirmAt;
  }

  async function markUnknown(node: Node, now: number): Promise<Node | undefined> {
    const t = rfc3339(now);
    const conditions: NodeCondition[] = (node.status?.conditions ?? []).map((c) => ({ ...c }));
    const neverPosted = !conditions.some((c) => c.type === 'Ready');
    for (const type of CONDITIONS_SET_UNKNOWN) {
      const c = conditions.find((x) => x.type === type);
      if (c) {
        if (c.status === 'Unknown') continue;
        Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: t });
      } else if (neverPosted) {
        conditions.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: node.metadata?.creationTimestamp ?? t, lastTransitionTime: t });
      }
    }
    try {
      const updated = await nodes.subresource('status').patch(node.metadata?.name ?? '', { metadata: { resourceVersion: node.metadata?.resourceVersion }, status: { conditions } }, 'merge');
      recorder.event(node, 'Normal', 'NodeNotReady', `Node ${node.metadata?.name ?? ''} status is now: NodeNotReady`, { kind: 'Node', apiVersion: 'v1' });
      ctx.log.info('node stopped posting status', { controller: 'node-lifecycle', node: node.metadata?.name });
      return updated as Node;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err; // a conflict retries with the fresher cache
    }
  }

  async function writeTaints(node: Node, taints: NonNullable<NonNullable<Node['spec']>['taints']>): Promise<Node | undefined> {
    try {
      return (await nodes.patch(node.metadata?.name ?? '', { metadata: { resourceVersion: node.metadata?.resourceVersion }, spec: { taints: taints.length ? taints : null } }, 'merge')) as Node;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async function evict(pod: Pod): Promise<void> {
    const ns = pod.metadata?.namespace ?? '';
    try {
      await pods.delete(pod.metadata?.name ?? '', { namespace: ns });
      recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${ns}/${pod.metadata?.name ?? ''}`, { kind: 'Pod', apiVersion: 'v1' });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  const c = controller('node-lifecycle', { reconcile, workers: ctx.options.workers ?? 5, clock: ctx.clock, logger: ctx.log })
    .watches(nodeInformer)
    .watches(leaseInformer, (l) => [l.metadata?.name ?? ''])
    .watches(podInformer, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  return {
    start: () => {
      stalls.start();
      return c.start();
    },
    stop: () => {
      stalls.stop();
      return c.stop();
    },
  };
}
