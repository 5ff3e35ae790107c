import { EventKind } from '../api/core/v1/event.js';
import type { Event } from '../api/core/v1/event.js';
import { realClock, type Clock } from '../client/clock.js';
import { EventRecorder } from '../client/event-recorder.js';
import { SharedInformerFactory } from '../client/informer-factory.js';
import { jsonLogger, type Logger } from '../client/logger.js';
import type { RestClient } from '../client/rest-client.js';
import type { ControllerContext, ControllerDescriptor, ControllerOptions, RunningController } from './context.js';
import { deploymentController } from './deployment/index.js';
import { endpointsController } from './endpoints.js';
import { endpointSliceController } from './endpointslice.js';
import { garbageCollectorController } from './garbage-collector.js';
import { cronJobController } from './cronjob.js';
import { daemonSetController } from './daemonset.js';
import { disruptionController } from './disruption.js';
import { jobController } from './job.js';
import { nodeLifecycleController, type NodeLifecycleOptions } from './node-lifecycle.js';
import { namespaceController } from './namespace.js';
import { podGcController } from './podgc.js';
import { replicaSetController, replicationControllerController } from './replicaset.js';
import { rootCaPublisherController } from './root-ca-publisher.js';
import { horizontalPodAutoscalerController } from './horizontal-pod-autoscaler.js';
import { resourceQuotaController } from './resource-quota.js';
import { serviceAccountController } from './serviceaccount.js';
import { statefulSetController } from './statefulset.js';
import { persistentVolumeBinderController } from './pv-binder.js';
import { localPathProvisionerController } from './local-path-provisioner.js';
import { ephemeralVolumeController } from './ephemeral-volume.js';
import { csrSigningController, type ClusterSigning } from './csr-signing.js';
import { csrCleanerController } from './csr-cleaner.js';

/** Every controller this manager knows, in start order. */
export const ALL_CONTROLLERS: readonly ControllerDescriptor[] = [
  replicaSetController,
  replicationControllerController,
  deploymentController,
  garbageCollectorController,
  namespaceController,
  endpointSliceController,
  endpointsController,
  serviceAccountController,
  rootCaPublisherController,
  podGcController,
  jobController,
  cronJobController,
  daemonSetController,
  statefulSetController,
  persistentVolumeBinderController,
  localPathProvisionerController,
  ephemeralVolumeController,
  disruptionController,
  horizontalPodAutoscalerController,
  resourceQuotaController,
  csrSigningController,
  csrCleanerController,
  nodeLifecycleController,
];

export interface ControllerManagerConfig {
  client: RestClient;
  /** Share caches with other components of the process (default: a factory of our own). */
  informers?: SharedInformerFactory;
  clock?: Clock;
  log?: Logger;
  /**
   * Which controllers to run, kube-controller-manager style: names, `*` for all,
   * `-name` to leave one out (default: all).
   */
  controllers?: string[];
  options?: ControllerOptions;
  /** Node lifecycle timings: a preset name (`default`, `fast`) or explicit values (default: Kubernetes'). */
  nodeLifecycle?: NodeLifecycleOptions;
  /** Job controller: base of the pod failure backoff (default 10 s, doubling per failure, capped at 6 min). */
  job?: { podFailureBackoffBaseMs?: number };
  /** The cluster CA (PEM) the root-ca-cert-publisher puts in every namespace's kube-root-ca.crt; none: not published. */
  rootCaPem?: string;
  /** The CA the csrsigning controller issues certificates from; none: it issues none. */
  clusterSigning?: ClusterSigning;
}

export interface ControllerManager {
  /** Names of the controllers running. */
  readonly running: readonly string[];
  /** Stops every controller (waiting for in-flight reconciles), then our own informers. */
  stop(): Promise<void>;
}

/** Resolves `--controllers` (names, `*`, `-name`) against the known controllers; throws on unknown names. */
export function selectControllers(spec: readonly string[] | undefined, known: readonly ControllerDescriptor[] = ALL_CONTROLLERS): ControllerDescriptor[] {
  const names = new Set(known.map((c) => c.name));
  const list = spec && spec.length > 0 ? spec : ['*'];
  const on = new Set<string>();
  const off = new Set<string>();
  for (const raw of list) {
    const s = raw.trim();
    if (s === '*') for (const n of names) on.add(n);
    else if (s.startsWith('-')) {
      if (!names.has(s.slice(1))) throw new Error(`unknown controller "${s.slice(1)}" (known: ${[...names].join(', ')})`);
      off.add(s.slice(1));
    } else {
      if (!names.has(s)) throw new Error(`unknown controller "${s}" (known: ${[...names].join(', ')})`);
      on.add(s);
    }
  }
  return known.filter((c) => on.has(c.name) && !off.has(c.name));
}

/**
 * Starts the controllers on one shared informer factory. Resolves once every controller's
 * caches synced and its workers run. One call, so `skiff server` can run it in-process:
 *
 *   const cm = await startControllerManager({ client });
 *   …
 *   await cm.stop();
 */
export async function startControllerManager(config: ControllerManagerConfig): Promise<ControllerManager> {
  const clock = config.clock ?? realClock;
  const log = config.log ?? jsonLogger('controller-manager');
  const ownFactory = !config.informers;
  const informers = config.informers ?? new SharedInformerFactory({ client: config.client, clock, logger: log });
  const events = config.client.resource<Event>(EventKind);
  const recorders = new Map<string, EventRecorder>();
  const ctx: ControllerContext = {
    client: config.client,
    informers,
    clock,
    log,
    // Extra per-controller settings ride along in options (read by their controllers).
    options: { ...(config.options ?? {}), ...(config.nodeLifecycle !== undefined ? { nodeLifecycle: config.nodeLifecycle } : {}), ...(config.job ? { job: config.job } : {}), ...(config.rootCaPem ? { rootCaPem: config.rootCaPem } : {}), ...(config.clusterSigning ? { clusterSigning: config.clusterSigning } : {}) } as ControllerOptions,
    recorder: (component) => {
      let r = recorders.get(component);
      if (!r) {
        r = new EventRecorder({ events, component, clock, logger: log });
        recorders.set(component, r);
      }
      return r;
    },
  };
  const selected = selectControllers(config.controllers);
  const running: Array<{ name: string; c: RunningController }> = selected.map((d) => ({ name: d.name, c: d.create(ctx) }));
  informers.start();
  const stop = async (): Promise<void> => {
    await Promise.all(running.map((r) => r.c.stop()));
    await Promise.all([...recorders.values()].map((r) => r.flush()));
    if (ownFactory) await informers.stop();
  };
  try {
    await Promise.all(running.map((r) => r.c.start()));
  } catch (err) {
    await stop();
    throw err;
  }
  log.info('controllers started', { controllers: running.map((r) => r.name) });
  return { running: running.map((r) => r.name), stop };
}
