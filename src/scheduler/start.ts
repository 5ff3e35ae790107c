import type { Namespace } from '../api/core/v1/namespace.js';
import { NamespaceKind } from '../api/core/v1/namespace.js';
import type { Node } from '../api/core/v1/node.js';
import { NodeKind } from '../api/core/v1/node.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import { EventKind } from '../api/core/v1/event.js';
import type { PriorityClass } from '../api/scheduling/v1/priority-class.js';
import { PriorityClassKind } from '../api/scheduling/v1/priority-class.js';
import { realClock, type Clock } from '../client/clock.js';
import { EventRecorder } from '../client/event-recorder.js';
import { SharedInformerFactory } from '../client/informer-factory.js';
import { jsonLogger, type Logger } from '../client/logger.js';
import type { RestClient } from '../client/rest-client.js';
import { isNotFound } from '../client/status-error.js';
import { SchedulerCache } from './cache.js';
import { ConcurrencyLimit } from './concurrency.js';
import { defaultConfig, type SchedulerConfig } from './config.js';
import { LAST_ATTEMPT_ANNOTATION, type Verdict } from './explain.js';
import { Framework } from './framework.js';
import type { Handle, QueuedPod } from './interfaces.js';
import { podKey } from './node-info.js';
import { prioritySortLess } from './plugins/priority-sort.js';
import { SchedulingQueue } from './queue.js';
import { DEFAULT_PLUGINS, inTreeRegistry } from './registry.js';
import { Scheduler } from './schedule-one.js';
import { schedulerVolumes } from './volume-io.js';

export interface StartSchedulerOptions {
  client: RestClient;
  /** Share the process's informers (the server passes its factory); else the scheduler makes and starts its own. */
  informers?: SharedInformerFactory;
  clock?: Clock;
  config?: SchedulerConfig;
  logger?: Logger;
  /** Emit a Normal "Scheduled" event per bound pod, as kube-scheduler does (default true). */
  recordScheduledEvents?: boolean;
  /** Called after each successful bind (metrics, benchmarks). */
  onBound?: (pod: Pod, nodeName: string, latencyMs: number) => void;
  /** Binding requests in flight at once; more wait in order (default 256: the server commits concurrent writes as one batch, so throughput needs many in flight). */
  maxBindingsInFlight?: number;
}

export interface RunningScheduler {
  stop(): Promise<void>;
  /** Queue sizes, for tests and metrics. */
  queueSizes(): ReturnType<SchedulingQueue['sizes']>;
}

const TERMINAL = new Set(['Succeeded', 'Failed']);

/**
 * Starts the scheduler: informers on pods, nodes, PriorityClasses and namespaces feed the
 * cache and queue; one loop pops pods and schedules them; bindings run in parallel.
 * Returns at once; stop() ends the loop and waits for in-flight bindings.
 */
export function startScheduler(opts: StartSchedulerOptions): RunningScheduler {
  const clock = opts.clock ?? realClock;
  const logger = opts.logger ?? jsonLogger('scheduler');
  const config = opts.config ?? defaultConfig();
  const client = opts.client;
  const ownFactory = !opts.informers;
  const factory = opts.informers ?? new SharedInformerFactory({ client, clock, logger });
  const pods = factory.informerFor<Pod>(PodKind);
  const nodes = factory.informerFor<Node>(NodeKind);
  const priorityClasses = factory.informerFor<PriorityClass>(PriorityClassKind);
  const namespaces = factory.informerFor<Namespace>(NamespaceKind);
  const podClient = client.resource<Pod>(PodKind);
  const recorder = new EventRecorder({ events: client.resource(EventKind), component: 'default-scheduler', clock, logger });
  const names = new Set(config.profiles.map((p) => p.schedulerName));

  const priorityOf = (pod: Pod): number => {
    if (typeof pod.spec?.priority === 'number') return pod.spec.priority;
    const pcName = pod.spec?.priorityClassName;
    if (pcName) {
      const pc = priorityClasses.get(pcName);
      if (pc) return pc.value ?? 0;
    } else {
      for (const pc of priorityClasses.list()) if (pc.globalDefault) return pc.value ?? 0;
    }
    return 0;
  };

  const cache = new SchedulerCache({ clock });
  const handle: Handle = {
    nodeInfos: () => cache.nodeList(),
    nodeInfo: (n) => cache.nodeInfo(n),
    nodesWithPodAffinity: () => cache.nodesWithPodAffinity(),
    nodesWithRequiredAntiAffinity: () => cache.nodesWithRequiredAntiAffinity(),
    priorityOf,
    namespaceLabels: (ns) => namespaces.get(ns)?.metadata?.labels as Record<string, string> | undefined,
  };
  // Bounded so a server that falls behind sees a steady queue on pooled connections, not a
  // new TLS connection per pending binding.
  const binding = new ConcurrencyLimit({ limit: opts.maxBindingsInFlight ?? 256 });
  const bind = async (pod: Pod, nodeName: string): Promise<void> => {
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? 'default';
    const body = { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata?.name, namespace: pod.metadata?.namespace, ...(pod.metadata?.uid ? { uid: pod.metadata.uid } : {}) }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } };
    await binding.run(() => podClient.subresource('binding').create(name, body, { namespace }));
  };
  // Assigned below, once the queue exists; claim changes before that have no pods to move.
  let onVolumeChange: (filter: (q: QueuedPod) => boolean) => void = () => {};
  const volumes = schedulerVolumes({ client, factory, clock, onChange: (f) => onVolumeChange(f) });
  const registry = inTreeRegistry({
    bind,
    volumes,
    preemption: {
      evict: async (victim, preemptor) => {
        recorder.event(victim, 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata?.uid ?? podKey(preemptor)} on node ${victim.spec?.nodeName ?? ''}`, { kind: 'Pod', apiVersion: 'v1' });
        try {
          await podClient.delete(victim.metadata?.name ?? '', { namespace: victim.metadata?.namespace ?? 'default' });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      },
      nominate: async (pod, nodeName) => {
        await podClient.subresource('status').patch(pod.metadata?.name ?? '', { status: { nominatedNodeName: nodeName } }, 'merge', { namespace: pod.metadata?.namespace ?? 'default' });
      },
    },
  });
  const frameworks = new Map<string, Framework>();
  for (const profile of config.profiles) {
    frameworks.set(profile.schedulerName, new Framework({ profile, registry, defaultPlugins: DEFAULT_PLUGINS, handle }));
  }
  const firstFw = frameworks.values().next().value as Framework | undefined;
  const less = firstFw?.queueSort?.less ?? prioritySortLess;
  const queue = new SchedulingQueue({ less, priorityOf, clock, initialBackoffMs: config.podInitialBackoffMs, maxBackoffMs: config.podMaxBackoffMs });
  onVolumeChange = (f) => queue.moveAllOnEvent('VolumeChange', f);

  const lastMessage = new Map<string, string>();
  const sinks = {
    onUnschedulable: (pod: Pod, message: string, verdict: Verdict): void => {
      const key = podKey(pod);
      recorder.event(pod, 'Warning', 'FailedScheduling', message, { kind: 'Pod', apiVersion: 'v1' });
      if (lastMessage.get(key) === message && !verdict.nominatedNode) return;
      lastMessage.set(key, message);
      const ns = pod.metadata?.namespace ?? 'default';
      const name = pod.metadata?.name ?? '';
      const condition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: new Date(clock.now()).toISOString().replace(/\.\d+Z$/, 'Z') };
      podClient
        .subresource('status')
        .patch(name, { status: { conditions: [condition] } }, 'strategic', { namespace: ns })
        .catch((err) => { if (!isNotFound(err)) logger.warn('cannot update pod condition', { pod: key, error: String(err) }); });
      podClient
        .patch(name, { metadata: { annotations: { [LAST_ATTEMPT_ANNOTATION]: JSON.stringify(verdict) } } }, 'merge', { namespace: ns })
        .catch((err) => { if (!isNotFound(err)) logger.warn('cannot record scheduling verdict', { pod: key, error: String(err) }); });
    },
    onBound: (pod: Pod, nodeName: string, latencyMs: number): void => {
      lastMessage.delete(podKey(pod));
      if (opts.recordScheduledEvents !== false) {
        recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${podKey(pod)} to ${nodeName}`, { kind: 'Pod', apiVersion: 'v1' });
      }
      opts.onBound?.(pod, nodeName, latencyMs);
    },
  };

  const responsible = (pod: Pod): boolean => names.has(pod.spec?.schedulerName ?? 'default-scheduler');
  const pending = (pod: Pod): boolean => !pod.spec?.nodeName && !pod.metadata?.deletionTimestamp && !TERMINAL.has(pod.status?.phase ?? '') && responsible(pod) && !(pod.spec?.schedulingGates?.length);
  const hasAffinity = (q: QueuedPod): boolean => !!q.pod.spec?.affinity?.podAffinity || !!q.pod.spec?.topologySpreadConstraints?.length;

  const unregister: Array<() => void> = [];
  unregister.push(
    pods.addEventHandler({
      onAdd: (pod) => {
        if (pod.spec?.nodeName) {
          if (TERMINAL.has(pod.status?.phase ?? '')) return;
          cache.addOrUpdatePod(pod);
          queue.moveAllOnEvent('AssignedPodAdd', hasAffinity);
        } else if (pending(pod)) queue.add(pod);
      },
      onUpdate: (old, pod) => {
        if (old === pod) return;
        if (pod.spec?.nodeName) {
          if (!old.spec?.nodeName) queue.delete(pod);
          if (TERMINAL.has(pod.status?.phase ?? '')) {
            cache.removePod(pod);
            queue.moveAllOnEvent('AssignedPodDelete');
            return;
          }
          cache.addOrUpdatePod(pod);
          if (!sameLabels(old.metadata?.labels, pod.metadata?.labels)) queue.moveAllOnEvent('AssignedPodUpdate', hasAffinity);
        } else if (pending(pod)) queue.update(pod);
        else queue.delete(pod);
      },
      onDelete: (pod) => {
        lastMessage.delete(podKey(pod));
        if (pod.spec?.nodeName || cache.isAssumed(podKey(pod))) {
          cache.removePod(pod);
          queue.moveAllOnEvent('AssignedPodDelete');
        } else queue.delete(pod);
      },
    }),
    nodes.addEventHandler({
      onAdd: (node) => {
        cache.addOrUpdateNode(node);
        queue.moveAllOnEvent('NodeAdd');
      },
      onUpdate: (old, node) => {
        if (old === node) return;
        cache.addOrUpdateNode(node);
        if (nodeChangeMayHelp(old, node)) queue.moveAllOnEvent('NodeUpdate');
      },
      onDelete: (node) => cache.removeNode(node.metadata?.name ?? ''),
    }),
  );

  const scheduler = new Scheduler({ frameworks, cache, queue, clock, logger, sinks, percentageOfNodesToScore: config.percentageOfNodesToScore });
  let running = true;
  const cleanup = setInterval(() => cache.cleanupExpired(), 5000);
  cleanup.unref?.();
  const loop = (async () => {
    if (ownFactory) factory.start();
    await factory.waitForSync();
    logger.info('scheduler started', { profiles: [...names], nodes: cache.nodeCount() });
    let lastYield = Date.now();
    while (running) {
      const q = await queue.pop();
      if (!q) break;
      try {
        await scheduler.scheduleOne(q);
      } catch (err) {
        logger.error('scheduling attempt failed', { pod: q.key, error: String(err) });
        queue.addBackoff(q);
      }
      // Backpressure: while bindings wait for a slot, the next pod stays queued (its attempt
      // not started) rather than being assumed far ahead of its binding.
      while (running && binding.waiting > 0) await binding.slotFreed();
      // The cycle is synchronous; let I/O (watch events, binding responses) in regularly.
      if (Date.now() - lastYield > 5) {
        await new Promise((r) => setImmediate(r));
        lastYield = Date.now();
      }
    }
  })();

  return {
    queueSizes: () => queue.sizes(),
    async stop() {
      running = false;
      queue.close();
      clearInterval(cleanup);
      await loop.catch(() => {});
      await scheduler.drainBindings();
      for (const u of unregister) u();
      volumes.stop();
      await recorder.flush().catch(() => {});
      if (ownFactory) await factory.stop();
    },
  };
}

/** Whether two label maps hold the same pairs (every bound pod's update passes here: no JSON). */
function sameLabels(a: Record<string, string> | null | undefined, b: Record<string, string> | null | undefined): boolean {
  if (a === b) return true;
  const x = a ?? {};
  const y = b ?? {};
  let n = 0;
  for (const k in x) {
    if (x[k] !== y[k]) return false;
    n++;
  }
  for (const _ in y) n--;
  return n === 0;
}

/** Node changes that can let a pending pod fit: labels, taints, cordon, allocatable. */
function nodeChangeMayHelp(old: Node, node: Node): boolean {
  return (
    JSON.stringify(old.metadata?.labels) !== JSON.stringify(node.metadata?.labels) ||
    JSON.stringify(old.spec?.taints) !== JSON.stringify(node.spec?.taints) ||
    old.spec?.unschedulable !== node.spec?.unschedulable ||
    JSON.stringify(old.status?.allocatable) !== JSON.stringify(node.status?.allocatable)
  );
}
