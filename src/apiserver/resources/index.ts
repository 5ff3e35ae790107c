/**
 * The resource layer of the API server: every verb on every kind of the registry,
 * backed by the store and its watch cache, with admission. The HTTP layer routes each
 * resource request here.
 */
import { randomUUID } from 'node:crypto';
import type { ResourceHandler, ResourceLayerConfig, UpgradeHandler } from '../types.js';
import {
  AdmissionChain,
  certificateAdmission,
  csrStrategy,
  createStrategy,
  defaultTolerationSeconds,
  priorityAdmission,
  defaultStorageClass,
  defaultIngressClass,
  ensureSystemNamespaces,
  ensureSystemPriorityClasses,
  limitRanger,
  podSecurityAdmission,
  resourceQuotaAdmission,
  namespaceLifecycle,
  schemaValidation,
  serviceAccountAdmission,
  serviceAllocation,
  mutatingWebhooks,
  validatingWebhooks,
  type AdmissionPlugin,
  type WebhookAdmissionConfig,
} from '../admission/index.js';
import { alwaysAllowAuthorizer } from '../authz/authorizer.js';
import { cachePolicySource, ensureBootstrapPolicy, type PolicySource } from '../rbac/index.js';
import { WatchCache } from '../watch-cache/watch-cache.js';
import type { ResourceContext } from './context.js';
import { serveResource, serveUpgrade } from './handler.js';
import type { KubeletClientConfig } from './kubelet-proxy.js';
import { startEventTtl } from './event-ttl.js';
import { kubeletMetricsScraper } from '../metrics-api/handler.js';

export type { KubeletClientConfig } from './kubelet-proxy.js';

/** Optional knobs beyond the contract's config (tests and benchmarks use them). */
export interface ResourceLayerOptions {
  now?: () => Date;
  bookmarkIntervalMs?: number;
  maxWatcherBufferBytes?: number;
  consistentReadTimeoutMs?: number;
  maxBodyBytes?: number;
  watchWindowSize?: number;
  /** Extra admission plugins, run after the built-ins. */
  admission?: readonly AdmissionPlugin[];
  /** Skip creating default, kube-system, kube-public and kube-node-lease. */
  skipSystemNamespaces?: boolean;
  /** Service ClusterIP range (default 10.43.0.0/16) and node port range (default 30000–32767). */
  serviceCidr?: string;
  nodePortRange?: readonly [number, number];
  /** How the API server reaches kubelets (pods/log, exec, attach, portforward). */
  kubelet?: KubeletClientConfig;
  /** metrics.k8s.io: kubelet scrape period (default 15 s) and the shortest on-demand window (default 1 s). */
  metrics?: { resolutionMs?: number; minWindowMs?: number };
  /** Events older than this are deleted (default 1 h, as --event-ttl); 0 keeps them. */
  eventTtlMs?: number;
  /** How often expired events are swept (default 5 min). */
  eventSweepIntervalMs?: number;
  /**
   * ServiceAccount admission: pods run as an existing account and get its token mounted.
   * Off by default because it needs the controller that makes each namespace's "default"
   * account (`skiff server` and `skiff up` run it and turn this on).
   */
  serviceAccounts?: boolean;
  /** Run the PodSecurity admission (`skiff server` and `skiff up` do unless it is disabled). */
  podSecurity?: boolean;
  /** tolerationSeconds the DefaultTolerationSeconds admission gives pods (default 300 each). */
  defaultTolerations?: { notReadySeconds?: number; unreachableSeconds?: number };
}

/**
 * Builds the resource handler. It starts the watch cache and creates the system
 * namespaces in the background; requests wait for that as needed. `close()` ends every
 * open watch and stops the cache (the store stays open: it belongs to the caller).
 */
export function createResourceHandler(config: ResourceLayerConfig & ResourceLayerOptions): ResourceHandler & { upgrade: UpgradeHandler; close(): Promise<void>; ready(): Promise<void>; rbacPolicy: PolicySource; boundObjectUid(kind: 'Pod' | 'Secret', namespace: string, name: string): string | undefined | null } {
  const { store, registry } = config;
  const cache = new WatchCache({
    store,
    ...(config.watchWindowSize ? { windowSize: config.watchWindowSize } : {}),
    onError: (err) => console.error(JSON.stringify({ component: 'watch-cache', error: String(err) })),
  });
  const watches = new Set<() => void>();
  const now = config.now ?? (() => new Date());
  const webhookConfig = (resource: string): WebhookAdmissionConfig => ({
    configurations: () => cache.resource(`/registry/admissionregistration.k8s.io/${resource}/`).list().map((c) => c.obj),
    namespaceLabels: (n) => cache.resource('/registry/core/namespaces/').get(`/registry/core/namespaces/${n}`)?.obj.metadata?.labels ?? undefined,
    lookup: {
      service: (ns, name) => cache.resource('/registry/core/services/').get(`/registry/core/services/${ns}/${name}`)?.obj,
      endpointSlices: (ns, svc) =>
        cache
          .resource('/registry/discovery.k8s.io/endpointslices/')
          .list(`/registry/discovery.k8s.io/endpointslices/${ns}/`)
          .map((c) => c.obj)
          .filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === svc),
    },
    equivalents: (group, resource) => registry.list().filter((gv) => gv.group === group && gv.kinds.some((k) => k.plural === resource)).map((gv) => gv.version),
    newUid: randomUUID,
    log: (line) => console.error(JSON.stringify(line)),
  });
  // Order matters: namespace checks, then create strategies and allocation (which fill
  // fields), then defaults + validation of the result, then any extra plugins.
  const plugins: AdmissionPlugin[] = [
    namespaceLifecycle({
      store,
      registry,
      cachedNamespace: (n) => cache.resource('/registry/core/namespaces/').get(`/registry/core/namespaces/${n}`)?.obj,
    }),
    createStrategy,
    limitRanger({ limitRanges: (ns) => cache.resource('/registry/core/limitranges/').list(`/registry/core/limitranges/${ns}/`).map((c) => c.obj) }),
    defaultTolerationSeconds(config.defaultTolerations),
    priorityAdmission({
      store,
      listClasses: () => cache.resource('/registry/scheduling.k8s.io/priorityclasses/').list().map((c) => c.obj),
    }),
    defaultStorageClass({ listClasses: () => cache.resource('/registry/storage.k8s.io/storageclasses/').list().map((c) => c.obj) }),
    defaultIngressClass({ listClasses: () => cache.resource('/registry/networking.k8s.io/ingressclasses/').list().map((c) => c.obj) }),
    ...(config.serviceAccounts
      ? [serviceAccountAdmission({ store, cachedAccount: (ns, name) => cache.resource('/registry/core/serviceaccounts/').get(`/registry/core/serviceaccounts/${ns}/${name}`)?.obj })]
      : []),
    serviceAllocation({
      store,
      now,
      ...(config.serviceCidr ? { serviceCidr: config.serviceCidr } : {}),
      ...(config.nodePortRange ? { nodePortRange: config.nodePortRange } : {}),
    }),
    csrStrategy,
    // Webhooks change the object after the built-in mutating plugins; the schema then defaults and validates the result.
    mutatingWebhooks(webhookConfig('mutatingwebhookconfigurations')),
    schemaValidation,
    certificateAdmission({ authorizer: () => config.authorizer ?? alwaysAllowAuthorizer }),
    ...(config.podSecurity
      ? [
          podSecurityAdmission({
            getNamespace: async (n) => cache.resource('/registry/core/namespaces/').get(`/registry/core/namespaces/${n}`)?.obj,
            listPods: async (ns) => cache.resource('/registry/core/pods/').list(`/registry/core/pods/${ns}/`).map((c) => c.obj),
          }),
        ]
      : []),
    validatingWebhooks(webhookConfig('validatingwebhookconfigurations')),
    // Last, as upstream: a quota charges the object as it will be stored.
    resourceQuotaAdmission({ store, quotas: (ns) => cache.resource('/registry/core/resourcequotas/').list(`/registry/core/resourcequotas/${ns}/`).map((c) => c.obj) }),
    ...(config.admission ?? []),
  ];
  const ctx: ResourceContext = {
    registry,
    store,
    cache,
    admission: new AdmissionChain({ plugins }),
    authorizer: config.authorizer ?? alwaysAllowAuthorizer,
    ...(config.authenticator ? { authenticator: config.authenticator } : {}),
    now,
    newUid: randomUUID,
    bookmarkIntervalMs: config.bookmarkIntervalMs ?? 60_000,
    maxWatcherBufferBytes: config.maxWatcherBufferBytes ?? 16 * 1024 * 1024,
    consistentReadTimeoutMs: config.consistentReadTimeoutMs ?? 3000,
    kubelet: config.kubelet ?? {},
    ...(config.serviceAccountKeys ? { serviceAccountKeys: config.serviceAccountKeys } : {}),
    ...(config.componentHealth ? { componentHealth: config.componentHealth } : {}),
    maxBodyBytes: config.maxBodyBytes ?? config.maxRequestBodyBytes ?? 3 * 1024 * 1024,
    trackWatch(end) {
      watches.add(end);
      return () => watches.delete(end);
    },
  };
  ctx.metricsScraper = kubeletMetricsScraper(ctx, config.metrics ?? {});
  let cacheStarted = false;
  const ready = (async () => {
    if (!config.skipSystemNamespaces) {
      await ensureSystemNamespaces({ store, now: ctx.now });
      if (config.registry.byGroupVersionResource('scheduling.k8s.io', 'v1', 'priorityclasses')) await ensureSystemPriorityClasses({ store, now: ctx.now });
    }
    if (config.rbac) await ensureBootstrapPolicy({ store, now: ctx.now });
    await cache.start();
    cacheStarted = true;
  })();
  ready.catch((err: unknown) => console.error(JSON.stringify({ component: 'apiserver-resources', error: `startup failed: ${String(err)}` })));
  const handler = (async (req, res, info, user) => {
    await ready.catch(() => {});
    await serveResource(ctx, req, res, info, user);
  }) as ReturnType<typeof createResourceHandler>;
  handler.upgrade = async (req, socket, head, info, user) => {
    await ready.catch(() => {});
    await serveUpgrade(ctx, req, socket, head, info, user);
  };
  const eventTtl = config.eventTtlMs ?? 3_600_000;
  const stopEventTtl = eventTtl > 0 ? startEventTtl(ctx, eventTtl, config.eventSweepIntervalMs ?? 300_000) : () => {};
  handler.ready = () => ready;
  handler.rbacPolicy = cachePolicySource(cache, () => ready);
  handler.boundObjectUid = (kind, namespace, name) => {
    if (!cacheStarted) return null; // cannot tell yet (just started): do not refuse tokens for that
    const prefix = kind === 'Pod' ? '/registry/core/pods/' : '/registry/core/secrets/';
    const uid = cache.resource(prefix).get(`${prefix}${namespace}/${name}`)?.obj.metadata?.uid;
    return typeof uid === 'string' ? uid : undefined;
  };
  handler.close = async () => {
    stopEventTtl();
    ctx.metricsScraper?.close();
    for (const end of [...watches]) end();
    cache.close();
  };
  return handler;
}
