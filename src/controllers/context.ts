import type { Clock } from '../client/clock.js';
import type { EventRecorder } from '../client/event-recorder.js';
import type { SharedInformerFactory } from '../client/informer-factory.js';
import type { Logger } from '../client/logger.js';
import type { RestClient } from '../client/rest-client.js';

/** Tunables shared by the controllers (Kubernetes' kube-controller-manager flags). */
export interface ControllerOptions {
  /** Terminated pods kept before pod GC deletes the oldest (--terminated-pod-gc-threshold, default 12500). */
  terminatedPodGcThreshold?: number;
  /** Workers per controller (--concurrent-*-syncs; default 5 for replicaset/deployment). */
  workers?: number;
  /** How often periodic controllers (pod GC, garbage collector resync) run, ms (default 20 s). */
  resyncPeriodMs?: number;
  /** How often each HPA is evaluated (--horizontal-pod-autoscaler-sync-period, default 15 s). */
  hpaSyncPeriodMs?: number;
  /** How long recent higher recommendations hold a scale-down back (--horizontal-pod-autoscaler-downscale-stabilization, default 5 min). */
  hpaDownscaleStabilizationMs?: number;
}

/** What every controller gets: the shared API client, caches, time, logs and events. */
export interface ControllerContext {
  client: RestClient;
  informers: SharedInformerFactory;
  clock: Clock;
  log: Logger;
  options: ControllerOptions;
  /** An event recorder whose source.component is `component` (one per component, shared). */
  recorder(component: string): EventRecorder;
}

/** A running controller, as the manager sees it. */
export interface RunningController {
  /** Resolves once the caches synced and the workers run. */
  start(): Promise<void>;
  /** Stops the workers; resolves when in-flight reconciles have finished. */
  stop(): Promise<void>;
}

/** A controller the manager can start by name. */
export interface ControllerDescriptor {
  name: string;
  /** Registers informers and handlers; start() is called after the factory started. */
  create(ctx: ControllerContext): RunningController;
}
