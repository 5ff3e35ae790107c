/**
 * Static pods in the kubelet: the file source (static-pod-source.ts) decides which pods
 * run, the kubelet's pod workers run them as any other pod, and the mirror client
 * (mirror-pods.ts) shows them in the API. A pod whose manifest changed is another pod
 * (another UID): the old one is stopped and the new one started. What the API does to a
 * mirror never reaches the workers.
 */
import type { Pod } from '../api/core/v1/pod.js';
import type { PodStatus } from '../api/core/v1/pod-status.js';
import type { Clock, Timer } from '../client/clock.js';
import type { Logger } from '../client/logger.js';
import { MirrorPods, type MirrorPodApi, type MirrorStatusApi } from './mirror-pods.js';
import { StaticPodSource } from './static-pod-source.js';
import { diffStaticPods, podKey } from './static-pods.js';

/** How often every mirror pod is checked against the API, events or not. */
const MIRROR_RESYNC_MS = 60_000;

export interface StaticPodsConfig {
  /** The pod manifest directory (created when missing). */
  dir: string;
  nodeName: string;
  nodeUid(): string | undefined;
  pods: MirrorPodApi;
  status: MirrorStatusApi;
  /** Starts (or updates) the worker of a pod. */
  run(pod: Pod): void;
  /** Stops the worker of the pod with this UID (containers killed, sandbox removed). */
  stop(uid: string): void;
  clock: Clock;
  logger: Logger;
  pollMs?: number;
}

export interface StaticPods {
  /** A static pod's status, for its mirror pod. Never throws. */
  postStatus(pod: Pod, status: PodStatus): void;
  /** A mirror pod on this node changed in the API (informer add/update/delete). */
  mirrorEvent(pod: Pod, deleted: boolean): void;
  /** Stops reading the directory and reconciling mirrors; the pods' workers are the kubelet's to stop. */
  stop(): void;
}

/** Reads the directory once (its pods' workers are started when this returns), then follows it. */
export function startStaticPods(config: StaticPodsConfig): StaticPods {
  const { logger } = config;
  const mirrors = new MirrorPods({ pods: config.pods, status: config.status, nodeName: config.nodeName, nodeUid: config.nodeUid, clock: config.clock, logger });
  let running: ReadonlyMap<string, Pod> = new Map();
  const source = new StaticPodSource({
    dir: config.dir,
    nodeName: config.nodeName,
    clock: config.clock,
    logger,
    ...(config.pollMs !== undefined ? { pollMs: config.pollMs } : {}),
    onChange: (pods) => {
      const { added, removed } = diffStaticPods(running, pods);
      running = pods;
      for (const p of removed) {
        logger.info('static pod removed', { pod: podKey(p), uid: p.metadata?.uid });
        config.stop(p.metadata?.uid ?? '');
      }
      for (const p of added) {
        logger.info('static pod added', { pod: podKey(p), uid: p.metadata?.uid });
        config.run(p);
      }
      mirrors.setStaticPods(pods.values());
    },
  });
  source.start();
  logger.info('reading static pods', { dir: config.dir, pods: running.size });
  // As upstream's periodic pod sync: a mirror deleted while its event was missed comes back too.
  let resync: Timer | undefined;
  const every = (): void => {
    resync = config.clock.setTimeout(() => {
      mirrors.resync();
      every();
    }, MIRROR_RESYNC_MS);
  };
  every();
  return {
    postStatus: (pod, status) => mirrors.postStatus(pod, status),
    mirrorEvent: (pod, deleted) => mirrors.mirrorEvent(pod, deleted),
    stop() {
      resync?.cancel();
      source.stop();
      mirrors.stop();
    },
  };
}
