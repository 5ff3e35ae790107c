/** What a pod worker (pod-worker.ts) is given, and what it keeps per container. */
import type { Pod } from '../api/core/v1/pod.js';
import type { PodStatus } from '../api/core/v1/pod-status.js';
import type { Clock, Timer } from '../client/clock.js';
import type { Logger } from '../client/logger.js';
import type { CrashBackoff } from './backoff.js';
import type { EnvSources } from './container-env.js';
import type { PodEventSink } from './kubelet-events.js';
import type { ContainerStatus, Runtime } from './runtime.js';
import type { VolumeManager } from './volumes/volume-manager.js';

export interface PodWorkerDeps {
  runtime: Runtime;
  /** Pod and container Events (kubelet-events.ts). */
  events: PodEventSink;
  envSources: EnvSources;
  /** The pod's volumes and resolv.conf (volumes/volume-manager.ts); none: containers get no mounts. */
  volumes?: Pick<VolumeManager, 'setUp' | 'mountsFor' | 'tearDown'>;
  clock: Clock;
  logger: Logger;
  backoff: CrashBackoff;
  /** Root of container logs: <logDir>/<ns>_<name>_<uid>/<container>/<restartCount>.log. */
  logDir: string;
  hostIP: string;
  /** Extra environment for every container (the service variables). */
  baseEnv(pod: Pod): Record<string, string>;
  patchStatus(pod: Pod, status: PodStatus): Promise<void>;
  /** Final deletion (grace 0, uid precondition) once everything is stopped. */
  deletePod(pod: Pod): Promise<void>;
  /** Called when the worker has torn the pod down and can be forgotten. */
  onFinished(): void;
  /**
   * Called as a sync of a pod whose status was never posted begins (a pod start); the
   * function it returns, when that sync ends. The kubelet holds Events back meanwhile.
   */
  podStarting?(): () => void;
}

export interface CState {
  id?: string;
  restartCount: number;
  last?: ContainerStatus;
  waiting?: { reason: string; message?: string };
  ready: boolean;
  started: boolean;
  probeTimers: Timer[];
  /** Set while the kubelet itself is killing the container (liveness, postStart failure). */
  killedFor?: string;
}
