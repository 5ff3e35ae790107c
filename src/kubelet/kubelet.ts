import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { ConfigMap } from '../api/core/v1/config-map.js';
import { ConfigMapKind } from '../api/core/v1/config-map.js';
import { EventKind } from '../api/core/v1/event.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import type { Secret } from '../api/core/v1/secret.js';
import { SecretKind } from '../api/core/v1/secret.js';
import { ServiceAccountKind } from '../api/core/v1/service-account.js';
import type { Service } from '../api/core/v1/service.js';
import { ServiceKind } from '../api/core/v1/service.js';
import { realClock, type Clock } from '../client/clock.js';
import { SharedInformerFactory } from '../client/informer-factory.js';
import { jsonLogger, type Logger } from '../client/logger.js';
import type { RestClient } from '../client/rest-client.js';
import { isConflict, isNotFound } from '../client/status-error.js';
import { CrashBackoff } from './backoff.js';
import { detectNodeIP, NodeAgent, type Taint } from './node-status.js';
import { PodWorker } from './pod-worker.js';
import { KubeletEvents } from './kubelet-events.js';
import { DeferredEventClient, PriorityGate } from './event-sink.js';
import { ProcessRuntime } from './process-runtime.js';
import { DEFAULT_CRI_ENDPOINT } from './cri/endpoint.js';
import type { PodNetworkConfig } from './pod-network.js';
import { recordPodCidr } from './pod-cidr.js';
import type { ContainerStatus, PodSandbox, Runtime } from './runtime.js';
import { serviceEnv } from './service-env.js';
import { startKubeletServer } from './kubelet-server.js';
import { collectResourceSnapshot, formatResourceMetrics } from './resource-metrics.js';
import { VolumeManager } from './volumes/volume-manager.js';
import { cachedSources, resyncUsersOnChange } from './volumes/volume-sources.js';
import { ServiceAccountTokens } from './volumes/service-account-tokens.js';
import { traceStart } from './start-trace.js';
import { advertiseStorageDir, startLocalPathCleanup } from './volumes/local-path-cleanup.js';
import { PersistentVolumeKind, type PersistentVolume } from '../api/core/v1/persistent-volume.js';
import { PersistentVolumeClaimKind, type PersistentVolumeClaim } from '../api/core/v1/persistent-volume-claim.js';
import { createCa, issueServerCertificate } from '../apiserver/tls/pki.js';
import { createNodeEviction, removeSandboxesOf, type EvictionManager, type EvictionSettings } from './eviction/index.js';
import { startStaticPods, type StaticPods } from './static-pod-runner.js';
import { isMirrorPod, isStaticPod } from './static-pods.js';
import { ContainerLogManager, logRotationRuntime, type ContainerLogSettings } from './container-log-manager.js';

/** A serving certificate from a throwaway CA (the API server does not verify kubelets by default). */
async function selfIssuedServingCert(nodeName: string, ip: string): Promise<{ certPem: string; keyPem: string }> {
  const ca = await createCa(`${nodeName}-kubelet-ca`);
  return issueServerCertificate(ca, { dns: [nodeName, 'localhost'], ips: [...new Set([ip, '127.0.0.1'])] });
}

export interface KubeletConfig {
  client: RestClient;
  /**
   * Pod status patches go through it (default: client): a connection pool of their own, so
   * they never queue behind other writes. Events go through eventClient (default: client).
   */
  statusClient?: RestClient;
  eventClient?: RestClient;
  nodeName: string;
  /** Logs and runtime state live under it. */
  dataDir: string;
  /** 'process' (default), 'cri' (containerd at containerRuntimeEndpoint) or a runtime instance (tests). */
  runtime?: 'process' | 'cri' | Runtime;
  /** With runtime 'cri': unix:///path/to/containerd.sock. */
  containerRuntimeEndpoint?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  kubeReserved?: Record<string, string>;
  systemReserved?: Record<string, string>;
  maxPods?: number;
  nodeIP?: string;
  /**
   * Pods of the unprivileged process runtime get 127.<podLoopbackOctet>.y.z (default 1);
   * `skiff up` derives it from --cluster-cidr so that two clusters on one machine do not
   * hand out the same pod addresses.
   */
  podLoopbackOctet?: number;
  /** As root, the process runtime's pods get network namespaces on a bridge with addresses from podCidr (written to node.spec.podCIDR). */
  podNetwork?: PodNetworkConfig;
  /** Port of the kubelet API (default 10250; 0 picks a free one; null serves none). */
  apiPort?: number | null;
  /** Serving certificate of the kubelet API (default: self-issued from a private CA). */
  servingCert?: { certPem: string; keyPem: string };
  /** Only clients with a certificate from this CA may use the kubelet API. */
  clientCaPem?: string;
  leaseIntervalMs?: number;
  /** CrashLoopBackOff base delay (10 s; tests shorten it) and cap (5 min). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Cluster DNS server addresses for ClusterFirst pods' resolv.conf (none: the node's resolv.conf, with an Event). */
  clusterDNS?: string[];
  /** Cluster domain in the search path (default cluster.local). */
  clusterDomain?: string;
  /** Static pods: the Pod manifests in this directory run here, shown in the API as mirror pods (none: no static pods). */
  podManifestPath?: string;
  /** Node-pressure eviction (eviction/); off without it (`skiff up` / `skiff agent` pass upstream's defaults). */
  eviction?: EvictionSettings;
  /** containerLogMaxSize/MaxFiles/MonitorInterval: the cri runtime's logs are rotated by a ContainerLogManager, the process runtime's by itself (default 10Mi, 5, 10 s). */
  containerLogs?: ContainerLogSettings;
  clock?: Clock;
  logger?: Logger;
}

export interface RunningKubelet {
  nodeName: string;
  runtime: Runtime;
  /** Where the kubelet API listens (0 when not served). */
  apiPort: number;
  /**
   * Stops the kubelet. By default pods keep running (a restarted kubelet re-adopts them,
   * as in Kubernetes); killPods stops every container and sandbox too.
   */
  stop(opts?: { killPods?: boolean }): Promise<void>;
}

/** Starts a kubelet: registers the node, heartbeats its Lease, and runs the pods bound to it. */
export async function startKubelet(config: KubeletConfig): Promise<RunningKubelet> {
  const clock = config.clock ?? realClock;
  const logger = config.logger ?? jsonLogger('kubelet');
  const client = config.client;
  const nodeName = config.nodeName;
  const hostIP = config.nodeIP ?? detectNodeIP();
  mkdirSync(config.dataDir, { recursive: true });
  // cri loads gRPC only when asked for: the process runtime's start stays as fast as before.
  const runtime: Runtime = typeof config.runtime === 'object' ? config.runtime : config.runtime === 'cri' ? await (await import('./cri/cri-runtime.js')).CriRuntime.connect({ endpoint: config.containerRuntimeEndpoint ?? DEFAULT_CRI_ENDPOINT, logDir: join(config.dataDir, 'pods') }) : new ProcessRuntime({ hostIP, stateDir: join(config.dataDir, 'runtime'), ...(config.podLoopbackOctet !== undefined ? { loopbackBase: config.podLoopbackOctet } : {}), ...(config.podNetwork ? { podNetwork: config.podNetwork } : {}), ...(config.containerLogs ? { logRotation: config.containerLogs } : {}) });
  const workers = new Map<string, PodWorker>();
  const findWorker = (ns: string, name: string): PodWorker | undefined => {
    for (const w of workers.values()) if (w.pod.metadata?.namespace === ns && w.pod.metadata?.name === name) return w;
    return undefined;
  };
  let api: { port: number; close(): Promise<void> } | undefined;
  if (config.apiPort !== null) {
    const cert = config.servingCert ?? (await selfIssuedServingCert(nodeName, hostIP));
    api = await startKubeletServer({
      runtime,
      locator: { find: async (ns, pod, c, previous) => findWorker(ns, pod)?.containerRef(c, previous) },
      certPem: cert.certPem,
      keyPem: cert.keyPem,
      ...(config.clientCaPem ? { clientCaPem: config.clientCaPem } : {}),
      host: hostIP,
      port: config.apiPort ?? 10250,
      logger,
      resourceMetrics: async () => formatResourceMetrics(await collectResourceSnapshot(runtime)),
    });
  }
  let eviction: EvictionManager | undefined;
  const agent = new NodeAgent({
    client,
    clock,
    logger,
    pressure: () => eviction?.conditions() ?? new Set(),
    ...(config.leaseIntervalMs !== undefined ? { leaseIntervalMs: config.leaseIntervalMs } : {}),
    identity: {
      nodeName,
      labels: config.labels ?? {},
      taints: config.taints ?? [],
      kubeReserved: config.kubeReserved ?? {},
      systemReserved: config.systemReserved ?? {},
      maxPods: config.maxPods ?? 110,
      kubeletPort: api?.port ?? 0,
      runtimeName: runtime.name,
      runtimeVersion: runtime.version,
      nodeIP: hostIP,
    },
  });
  const node = await agent.register();
  agent.start();
  const podCidr = runtime instanceof ProcessRuntime ? runtime.podCidr : undefined;
  if (podCidr) await recordPodCidr(client, node, podCidr, logger);
  // local-path volumes of this node live here (k3s: <data-dir>/storage).
  const storageDir = join(config.dataDir, 'storage');
  mkdirSync(storageDir, { recursive: true });
  await advertiseStorageDir(client, nodeName, storageDir, logger);
  // Pod starts and status patches first: Events queue behind them (event-sink.ts).
  const statusGate = new PriorityGate(clock);
  const events = new DeferredEventClient({ events: (config.eventClient ?? client).resource(EventKind), gate: statusGate, clock });
  const recorder = new KubeletEvents({ events, nodeName, clock, logger });
  // Upstream's BirthCry.
  recorder.node('Normal', 'Starting', 'Starting kubelet.');
  for (const msg of runtime.limitations()) {
    recorder.node('Warning', 'IsolationUnavailable', msg);
    logger.warn('isolation unavailable', { message: msg });
  }

  const factory = new SharedInformerFactory({ client, clock, logger });
  const pods = factory.informerFor<Pod>(PodKind, { fieldSelector: `spec.nodeName=${nodeName}` });
  const services = factory.informerFor<Service>(ServiceKind);
  const podClient = client.resource<Pod>(PodKind);
  const podStatusClient = (config.statusClient ?? client).resource<Pod>(PodKind).subresource('status');
  const cmClient = client.resource<ConfigMap>(ConfigMapKind);
  const secretClient = client.resource<Secret>(SecretKind);
  const accountClient = client.resource(ServiceAccountKind);
  const orUndefined = async <T>(p: Promise<T>): Promise<T | undefined> => p.catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
  const envSources = {
    configMap: (ns: string, name: string) => orUndefined(cmClient.get(name, { namespace: ns })),
    secret: (ns: string, name: string) => orUndefined(secretClient.get(name, { namespace: ns })),
  };
  // Volumes watch their ConfigMaps and Secrets, so updates reach the files at once.
  const configMaps = factory.informerFor<ConfigMap>(ConfigMapKind);
  const secrets = factory.informerFor<Secret>(SecretKind);
  resyncUsersOnChange(configMaps, secrets, () => workers.values());
  const volumes = new VolumeManager({
    podsDir: join(config.dataDir, 'pods'),
    sources: cachedSources(configMaps, secrets, envSources),
    dns: { ...(config.clusterDNS ? { clusterDNS: config.clusterDNS } : {}), ...(config.clusterDomain ? { clusterDomain: config.clusterDomain } : {}) },
    root: process.getuid?.() === 0,
    logger,
    tokens: new ServiceAccountTokens(async (ns, account, spec) => {
      const tr = (await accountClient.subresource('token').create(account, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec }, { namespace: ns })) as { status?: { token?: string; expirationTimestamp?: string } };
      return { token: tr.status?.token ?? '', expirationTimestamp: tr.status?.expirationTimestamp ?? '' };
    }),
    claims: {
      claim: (ns, name) => orUndefined(client.resource<PersistentVolumeClaim>(PersistentVolumeClaimKind).get(name, { namespace: ns })),
      volume: (name) => orUndefined(client.resource<PersistentVolume>(PersistentVolumeKind).get(name)),
    },
    event: (pod, type, reason, message) => recorder.event(pod, type, reason, message),
  });
  startLocalPathCleanup({ client, volumes: factory.informerFor<PersistentVolume>(PersistentVolumeKind), nodeName, storageDir, logger });
  const backoff = new CrashBackoff({ ...(config.backoffBaseMs ? { baseMs: config.backoffBaseMs } : {}), ...(config.backoffMaxMs ? { maxMs: config.backoffMaxMs } : {}) });
  const logDir = join(config.dataDir, 'pods');

  // What the runtime still runs from before a kubelet restart, by pod UID: workers take it over.
  const adoptable = new Map<string, { sandbox: PodSandbox; containers: ContainerStatus[] }>();
  for (const sandbox of await runtime.listPodSandboxes()) {
    if (sandbox.state === 'ready') adoptable.set(sandbox.config.uid, { sandbox, containers: await runtime.listContainers({ sandboxId: sandbox.id }) });
  }

  // Pods the eviction manager took from their workers: no new worker runs them until they are deleted.
  const evicted = new Set<string>();
  let staticPods: StaticPods | undefined;
  const workerFor = (pod: Pod): PodWorker => {
    const uid = pod.metadata?.uid ?? '';
    let w = workers.get(uid);
    if (w) return w;
    const adopted = adoptable.get(uid);
    adoptable.delete(uid);
    w = new PodWorker(pod, {
      runtime,
      events: recorder,
      clock,
      logger,
      backoff,
      logDir,
      hostIP,
      envSources,
      volumes,
      baseEnv: (p) => serviceEnv(services.list(), p.metadata?.namespace ?? 'default', p.spec?.enableServiceLinks !== false),
      patchStatus: async (p, status) => {
        // A sync that was under way when the pod was evicted must not write over Failed/Evicted.
        if (evicted.has(uid)) return;
        if (staticPods && isStaticPod(p)) return staticPods.postStatus(p, status);
        const name = p.metadata?.name ?? '';
        traceStart(name, 'patch-sent');
        await statusGate.run(() => podStatusClient.patch(name, { status }, 'merge', { namespace: p.metadata?.namespace ?? 'default' }));
        traceStart(name, 'patch-done');
      },
      deletePod: async (p) => {
        try {
          await podClient.delete(p.metadata?.name ?? '', { namespace: p.metadata?.namespace ?? 'default', gracePeriodSeconds: 0, preconditions: { uid } });
        } catch (err) {
          if (!isNotFound(err) && !isConflict(err)) throw err;
        }
      },
      onFinished: () => workers.delete(uid),
      podStarting: () => statusGate.hold(),
    }, adopted);
    workers.set(uid, w);
    return w;
  };

  const handle = (pod: Pod): void => {
    traceStart(pod.metadata?.name ?? '', 'informer');
    if (isMirrorPod(pod)) return staticPods?.mirrorEvent(pod, false);
    const uid = pod.metadata?.uid ?? '';
    if (evicted.has(uid)) {
      if (!pod.metadata?.deletionTimestamp) return;
      evicted.delete(uid);
      // Its sandbox was only stopped (logs stay readable until the pod is deleted).
      void removeSandboxesOf(runtime, uid).catch((err: unknown) => logger.warn('removing an evicted pod sandbox failed', { uid, error: String(err) }));
    }
    const existing = workers.get(uid);
    if (existing) return existing.update(pod);
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      // Finished before we saw it (or before a kubelet restart): only the final deletion is left.
      if (pod.metadata?.deletionTimestamp) workerFor(pod).update(pod);
      return;
    }
    workerFor(pod).update(pod);
  };
  pods.addEventHandler({
    onAdd: handle,
    onUpdate: (_old, pod) => handle(pod),
    onDelete: (pod) => (isMirrorPod(pod) ? staticPods?.mirrorEvent(pod, true) : workers.get(pod.metadata?.uid ?? '')?.markDeleted()),
  });
  runtime.onContainerEvent((s) => {
    const w = workers.get(s.labels['io.kubernetes.pod.uid'] ?? '');
    w?.requestSync();
  });
  // Static pods (static-pod-runner.ts): before the informers, so their mirrors are known and their sandboxes adopted.
  if (config.podManifestPath) staticPods = startStaticPods({ dir: config.podManifestPath, nodeName, nodeUid: () => node.metadata?.uid, pods: podClient, status: podStatusClient, run: (p) => workerFor(p).update(p), stop: (uid) => workers.get(uid)?.markDeleted(), clock, logger });
  factory.start();
  await factory.waitForSync();
  await removeOrphanSandboxes(runtime, adoptable, logger);
  if (config.eviction) {
    eviction = createNodeEviction({
      settings: config.eviction,
      runtime,
      dataDir: config.dataDir,
      nodeName,
      pods: () => pods.list(),
      releaseWorker: (uid) => {
        evicted.add(uid);
        workers.get(uid)?.detach();
        workers.delete(uid);
      },
      patchStatus: (p, status) => statusGate.run(() => podStatusClient.patch(p.metadata?.name ?? '', { status }, 'merge', { namespace: p.metadata?.namespace ?? 'default' })).then(() => undefined),
      podEvent: (p, type, reason, message) => recorder.event(p, type, reason, message),
      nodeEvent: (type, reason, message) => recorder.node(type, reason, message),
      postNodeStatus: () => agent.postStatus(),
      clock,
      logger,
    });
    eviction.start();
  }
  // Container log rotation for runtimes that write logs themselves (cri: containerd); the process runtime rotates its own.
  const rotatable = logRotationRuntime(runtime);
  const logManager = rotatable ? new ContainerLogManager({ runtime: rotatable, ...(config.containerLogs ? { settings: config.containerLogs } : {}), clock, logger }) : undefined;
  logManager?.start();
  logger.info('kubelet started', { node: nodeName, runtime: runtime.name, hostIP });

  return {
    nodeName,
    runtime,
    apiPort: api?.port ?? 0,
    async stop(opts = {}) {
      staticPods?.stop();
      eviction?.stop();
      await logManager?.stop();
      agent.stop();
      await api?.close();
      await factory.stop();
      for (const w of workers.values()) w.detach();
      if (opts.killPods) await runtime.close();
      else runtime.release?.();
      await recorder.flush();
    },
  };
}

/** Sandboxes left from before a restart whose pods are gone from this node: stopped and removed. */
async function removeOrphanSandboxes(runtime: Runtime, left: Map<string, { sandbox: PodSandbox }>, logger: Logger): Promise<void> {
  for (const [uid, { sandbox }] of left) {
    logger.info('removing the sandbox of a pod that is gone', { uid, sandbox: sandbox.id });
    await runtime.removePodSandbox(sandbox.id).catch((err: unknown) => logger.warn('removing an orphan sandbox failed', { uid, error: String(err) }));
  }
  left.clear();
  for (const sandbox of await runtime.listPodSandboxes()) {
    if (sandbox.state === 'notready' && !(await runtime.listContainers({ sandboxId: sandbox.id })).some((c) => c.state === 'running')) {
      // Finished pods' sandboxes from before the restart: their workers are not coming back.
      await runtime.removePodSandbox(sandbox.id).catch(() => {});
    }
  }
}
