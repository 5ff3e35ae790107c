/**
 * Node-pressure eviction, as upstream's eviction manager: signals (signals.ts), thresholds
 * (thresholds.ts), the pure decision (decide.ts), ranking and messages, and the loop that
 * applies it (eviction-manager.ts). startNodeEviction wires it to a kubelet.
 */
import { join } from 'node:path';
import type { Pod } from '../../api/core/v1/pod.js';
import type { PodStatus } from '../../api/core/v1/pod-status.js';
import type { Clock } from '../../client/clock.js';
import type { Logger } from '../../client/logger.js';
import { rfc3339 } from '../../client/micro-time.js';
import { collectResourceSnapshot } from '../resource-metrics.js';
import type { Runtime } from '../runtime.js';
import { evictPod } from './evict-pod.js';
import { EvictionManager, type EvictionSettings } from './eviction-manager.js';
import { pressureEventReason } from './node-conditions.js';
import { podDiskUsage, statsFromSnapshot } from './pod-usage.js';
import { observeSignals } from './signals.js';

export { EvictionManager, DEFAULT_MONITORING_INTERVAL_MS, DEFAULT_TRANSITION_PERIOD_MS, type EvictionSettings } from './eviction-manager.js';
export { parseThresholdConfig, DEFAULT_EVICTION_HARD, ThresholdError, type Threshold, type PressureCondition } from './thresholds.js';
export { removeSandboxesOf } from './evict-pod.js';

export interface NodeEvictionConfig {
  settings: EvictionSettings;
  runtime: Runtime;
  /** The kubelet's data dir: nodefs is its filesystem; pods' logs and volumes live under <dataDir>/pods. */
  dataDir: string;
  nodeName: string;
  /** Every pod bound to the node (the informer's cache). */
  pods: () => Pod[];
  releaseWorker: (uid: string) => void;
  patchStatus: (pod: Pod, status: PodStatus) => Promise<void>;
  podEvent: (pod: Pod, type: 'Warning', reason: string, message: string) => void;
  nodeEvent: (type: 'Normal', reason: string, message: string) => void;
  /** Posts the node's status now (the conditions changed). */
  postNodeStatus: () => Promise<void>;
  clock: Clock;
  logger: Logger;
}

const running = (p: Pod): boolean => !p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';

/** Builds the manager (not started: call start() once the pod cache has synced). */
export function createNodeEviction(c: NodeEvictionConfig): EvictionManager {
  const podsDir = join(c.dataDir, 'pods');
  return new EvictionManager({
    settings: c.settings,
    clock: c.clock,
    logger: c.logger,
    observe: () => observeSignals({ nodeFsPath: c.dataDir }),
    activePods: () => c.pods().filter(running),
    usage: async (pods, disk) => statsFromSnapshot(await collectResourceSnapshot(c.runtime), disk ? await podDiskUsage(podsDir, pods) : undefined),
    evict: (choice) => evictPod({ runtime: c.runtime, releaseWorker: c.releaseWorker, patchStatus: c.patchStatus, event: c.podEvent, now: () => rfc3339(c.clock.now()), logger: c.logger }, choice),
    conditionsChanged: (now, before) => {
      for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure'] as const) {
        if (now.has(type) === before.has(type)) continue;
        const reason = pressureEventReason(type, now.has(type));
        c.nodeEvent('Normal', reason, `Node ${c.nodeName} status is now: ${reason}`);
      }
      c.postNodeStatus().catch((err: unknown) => c.logger.warn('posting node pressure failed', { error: String(err) }));
    },
  });
}
