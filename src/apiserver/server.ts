/**
 * The API server: HTTPS on Node's `https` module with the cluster PKI, authentication,
 * authorization, discovery, OpenAPI, health and metrics; resource requests go to the
 * resource layer (`ResourceHandler`).
 */
import { readFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Registry } from '../api/registry.js';
import { serviceUnavailable } from '../machinery/status.js';
import { jsonLogger, type Logger } from '../client/logger.js';
import { openStore, type StoreConfig } from '../storage/index.js';
import type { Store } from '../storage/store.js';
import { TokenAuthenticator } from './authn/token.js';
import { parseTokenFile } from './authn/token-file.js';
import { unionAuthenticator } from './authn/union.js';
import { X509Authenticator } from './authn/x509.js';
import { WebSocketProtocolAuthenticator } from './authn/websocket-protocol.js';
import { BootstrapTokenAuthenticator } from './authn/bootstrap-token.js';
import { ServiceAccountKeys, ServiceAccountTokenAuthenticator } from './authn/service-account-token.js';
import { feedServiceAccounts } from './service-account-feed.js';
import { restrictBootstrappers } from './authz/bootstrappers.js';
import { nodeRbacAuthorizer } from './authz/chain.js';
import { deferredPolicySource, EMPTY_POLICY, rbacAuthorizer, type PolicySource } from './rbac/index.js';
import { feedBootstrapTokens } from './bootstrap-token-feed.js';
import { feedCustomResourceDefinitions } from './crd-feed.js';
import { Aggregator } from './aggregator/aggregator.js';
import { alwaysAllowAuthorizer, type Authorizer } from './authz/authorizer.js';
import { openApiV3Document } from '../api/schema/index.js';
import { KUBERNETES_VERSION } from '../version.js';
import { OpenApiV3Server, type OpenApiV3Builder } from './discovery/openapi.js';
import type { HealthCheck } from './health.js';
import { InflightLimiter } from './http/inflight.js';
import { apiServerMetrics } from './http/metrics.js';
import { writeKubeconfig } from './kubeconfig.js';
import { createPipeline } from './pipeline.js';
import { createResourceHandler } from './resources/index.js';
import { nonResourceRouter } from './routes.js';
import { servingSans } from './sans.js';
import { readOptional, writeSecretFile } from './tls/files.js';
import { ADMIN_GROUPS, ADMIN_USER, ensurePki, type PkiFiles } from './tls/pki-files.js';
import type { CertificateAuthority } from './tls/pki.js';
import type { ResourceHandler, ResourceLayerConfig, UpgradeHandler, UserInfo } from './types.js';

export interface ApiServerConfig {
  /** Holds tls/, the admin token and kubeconfig, and (for SQLite) the database. */
  dataDir: string;
  /** 0 = an ephemeral port (read it from the returned `url`/`port`). */
  port: number;
  /** Default '0.0.0.0'. */
  bindAddress?: string;
  /** The address other machines reach this server at: a SAN, and in APIVersions. */
  advertiseAddress?: string;
  /** Extra SANs (IPs or DNS names) for the serving certificate. */
  tlsSans?: readonly string[];
  /** An open store (the caller keeps ownership and closes it)… */
  store?: Store;
  /** …or how to open one (default: SQLite at `<dataDir>/db/state.db`); closed by `close()`. */
  datastore?: StoreConfig;
  registry?: Registry;
  /** A `--token-auth-file` in Kubernetes' CSV form. */
  tokenAuthFile?: string;
  /**
   * The cluster token (`skiff server --token`): the CA, the service-account key and the
   * admin token are shared through the store, sealed with it (see bootstrap-data.ts), so
   * several servers on one etcd form one control plane.
   */
  clusterToken?: string;
  /** Default: decided by `authorizationMode`. */
  authorizer?: Authorizer;
  /**
   * As kube-apiserver's --authorization-mode: 'RBAC' is Node,RBAC (system:masters and
   * nodes allowed, everyone else by the stored roles, whose defaults are created);
   * 'AlwaysAllow' (the default here; `skiff server` defaults to RBAC) allows every authenticated request.
   */
  authorizationMode?: 'AlwaysAllow' | 'RBAC';
  /** Serve custom resources of the stored CRDs and run the aggregator (default true; off for a stand-in resource layer that has no CRDs or APIServices). */
  serveCustomResources?: boolean;
  /** Builds the resource layer; default: `createResourceHandler` of ./resources. */
  createResources?: (config: ResourceLayerConfig) => ResourceLayer;
  /** Builds per-group-version OpenAPI v3 documents; default: the schema engine's `openApiV3Document`. */
  openApiV3?: OpenApiV3Builder;
  logger?: Logger;
  /** Default 400 / 200, as kube-apiserver. */
  maxRequestsInFlight?: number;
  maxMutatingRequestsInFlight?: number;
  /** Default 60 s; `?timeout=` may shorten it; watches are exempt. */
  requestTimeoutMs?: number;
  /** Default 3 MiB. */
  maxRequestBodyBytes?: number;
  /** Whether this process runs a control-plane component (`scheduler`, `controller-manager`), for ComponentStatus; else their Leases tell. */
  componentHealth?: (component: string) => boolean;
}

export interface ApiServer {
  /** e.g. https://127.0.0.1:6443 */
  url: string;
  port: number;
  caPem: string;
  /** The CA with its key, to issue client certificates (kubelets, agents). */
  ca: CertificateAuthority;
  /** Bearer token of the admin (system:masters), kept in `<dataDir>/admin.token`. */
  adminToken: string;
  /** `<dataDir>/admin.kubeconfig`: the admin's client certificate, server URL and CA. */
  kubeconfigPath: string;
  registry: Registry;
  store: Store;
  /** Adds or removes bearer tokens at run time. */
  tokens: TokenAuthenticator;
  /** Stops listening, ends watches and open connections, closes the store if it opened it. Idempotent. */
  close(): Promise<void>;
}

/** The resource layer as the server drives it; `ready()` (if present) gates /readyz. */
export type ResourceLayer = ResourceHandler & {
  close(): Promise<void>;
  ready?(): Promise<void>;
  upgrade?: UpgradeHandler;
  /** The stored roles and bindings, for the RBAC authorizer (none: RBAC allows nothing). */
  rbacPolicy?: PolicySource;
  /** The uid of a stored Pod or Secret, from memory (bound service-account tokens are checked against it); null while it cannot tell. */
  boundObjectUid?(kind: 'Pod' | 'Secret', namespace: string, name: string): string | undefined | null;
};

const DEFAULT_BODY_LIMIT = 3 * 1024 * 1024;

/** Resolves once the server listens and the admin kubeconfig is written. */
export async function startApiServer(config: ApiServerConfig): Promise<ApiServer> {
  const logger = config.logger ?? jsonLogger('apiserver');
  const bindAddress = config.bindAddress ?? '0.0.0.0';
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) throw new Error(`invalid port ${config.port}`);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });

  const sans = servingSans({
    bindAddress,
    ...(config.advertiseAddress ? { advertiseAddress: config.advertiseAddress } : {}),
    ...(config.tlsSans ? { tlsSans: config.tlsSans } : {}),
    serviceIp: '10.43.0.1',
  });

  // Read before the store opens, so a bad file leaves nothing open.
  const staticTokens = config.tokenAuthFile ? parseTokenFile(readFileSync(config.tokenAuthFile, 'utf8')) : [];

  const ownsStore = !config.store;
  const storeConfig: StoreConfig = config.datastore ?? { backend: 'sqlite', path: join(config.dataDir, 'db', 'state.db') };
  if (!config.store && storeConfig.backend === 'sqlite') mkdirSync(dirname(storeConfig.path), { recursive: true, mode: 0o700 });
  const store = config.store ?? (await openStore(storeConfig));
  let pki: PkiFiles;
  let serviceAccountKeys: ServiceAccountKeys;
  try {
    // The shared files must be in place before the PKI is loaded (or generated).
    if (config.clusterToken) {
      const { syncBootstrapData } = await import('./bootstrap-data.js');
      const how = await syncBootstrapData({ store, dataDir: config.dataDir, token: config.clusterToken });
      logger.info(how === 'loaded' ? 'bootstrap data loaded from the datastore' : 'bootstrap data stored in the datastore', {});
    }
    pki = await ensurePki(join(config.dataDir, 'tls'), sans);
    serviceAccountKeys = ServiceAccountKeys.loadOrCreate(join(config.dataDir, 'tls', 'service-account.key'));
  } catch (err) {
    if (ownsStore) await store.close().catch(() => {});
    throw err;
  }
  if (pki.serverIssued) logger.info('issued serving certificate', { dns: sans.dns, ips: sans.ips });

  const tokens = new TokenAuthenticator();
  const adminToken = loadOrCreateAdminToken(join(config.dataDir, 'admin.token'));
  tokens.set(adminToken, { name: ADMIN_USER, groups: [...ADMIN_GROUPS] });
  for (const [t, u] of staticTokens) tokens.set(t, u as UserInfo);
  const bootstrapTokens = new BootstrapTokenAuthenticator();
  const serviceAccountTokens = new ServiceAccountTokenAuthenticator(serviceAccountKeys);
  const bearer = unionAuthenticator(tokens, bootstrapTokens, serviceAccountTokens);
  // Browsers' WebSockets carry the token as a subprotocol (they cannot set Authorization).
  const authenticator = unionAuthenticator(new X509Authenticator(), bearer, new WebSocketProtocolAuthenticator(bearer));
  const registry = config.registry ?? new Registry();

  let resources: ResourceLayer | undefined;
  let server: Server | undefined;
  try {
    const maxRequestBodyBytes = config.maxRequestBodyBytes ?? DEFAULT_BODY_LIMIT;
    const create = config.createResources ?? createResourceHandler;
    const rbac = config.authorizationMode === 'RBAC';
    const policy = deferredPolicySource(() => (resources ? (resources.rbacPolicy ?? EMPTY_POLICY) : undefined), () => serviceUnavailable('the server is starting'));
    const authorizer = restrictBootstrappers(config.authorizer ?? (rbac ? nodeRbacAuthorizer(rbacAuthorizer(policy)) : alwaysAllowAuthorizer));

    const metrics = apiServerMetrics();
    let closing = false;
    const storeCheck: HealthCheck = { name: 'etcd', check: async () => void (await store.currentRevision()) };
    const ping: HealthCheck = { name: 'ping', check: async () => {} };
    const shutdown: HealthCheck = {
      name: 'shutdown',
      check: async () => {
        if (closing) throw new Error('server is shutting down');
      },
    };
    // The resource layer starts once the port is ours (so a port clash leaves nothing running).
    const layer = (): ResourceLayer => {
      if (!resources) throw serviceUnavailable('the server is starting');
      return resources;
    };
    const resourcesReady: HealthCheck = { name: 'resource-layer', check: async () => layer().ready?.() };
    // Custom resources are served once the CRDs are read (a restarted server must not 404 them meanwhile).
    let crdsSynced = config.serveCustomResources === false;
    const crdsReady: HealthCheck = {
      name: 'poststarthook/crd-informer-synced',
      check: async () => {
        if (!crdsSynced) throw new Error('custom resource definitions not read yet');
      },
    };
    const openapi = new OpenApiV3Server({ registry, version: KUBERNETES_VERSION, build: config.openApiV3 ?? ((gv) => openApiV3Document(gv, { serverVersion: KUBERNETES_VERSION })) });
    let serverAddress = '';
    // Started once the resource layer is up; until then it serves nothing remotely.
    const aggregator = new Aggregator({ registry, logger });
    const router = nonResourceRouter({
      registry,
      serverAddress: () => serverAddress,
      openapi,
      metrics: metrics.registry,
      health: { healthz: [ping, storeCheck], livez: [ping], readyz: [ping, storeCheck, resourcesReady, crdsReady, shutdown] },
      logger,
      ca: pki.ca,
      remoteDiscovery: aggregator,
    });
    const pipeline = createPipeline({
      registry,
      authenticator,
      authorizer,
      inflight: new InflightLimiter({
        ...(config.maxRequestsInFlight !== undefined ? { maxReadOnly: config.maxRequestsInFlight } : {}),
        ...(config.maxMutatingRequestsInFlight !== undefined ? { maxMutating: config.maxMutatingRequestsInFlight } : {}),
      }),
      metrics,
      logger,
      maxRequestBodyBytes,
      requestTimeoutMs: config.requestTimeoutMs ?? 60_000,
      serveNonResource: router,
      resources: layer,
      closing: () => closing,
      aggregator,
    });

    const srv = createServer(
      { key: pki.server.keyPem, cert: pki.server.certPem, ca: pki.ca.certPem, requestCert: true, rejectUnauthorized: false },
      pipeline.request,
    );
    srv.on('upgrade', pipeline.upgrade);
    server = srv;
    srv.keepAliveTimeout = 65_000;
    // A bad client's TLS or parse error must not crash the process; answer 400 if we can.
    srv.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      if (err.code !== 'ECONNRESET' && socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    srv.on('tlsClientError', () => {});
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(config.port, bindAddress, () => {
        srv.off('error', reject);
        resolve();
      });
    });
    const kubelet = { cert: pki.kubeletClient.certPem, key: pki.kubeletClient.keyPem };
    const live = create({ registry, store, maxRequestBodyBytes, authorizer, authenticator, kubelet, serviceAccountKeys, ...(rbac ? { rbac } : {}), ...(config.componentHealth ? { componentHealth: config.componentHealth } : {}) });
    resources = live;
    if (live.boundObjectUid) serviceAccountTokens.setBoundObjects(live.boundObjectUid.bind(live));
    const tokenFeed = feedBootstrapTokens(pipeline.request, adminToken, bootstrapTokens, logger);
    const accountFeed = feedServiceAccounts(pipeline.request, adminToken, serviceAccountTokens, logger);
    const crdFeed = config.serveCustomResources === false ? undefined : feedCustomResourceDefinitions(pipeline.request, adminToken, registry, logger);
    // The aggregator keeps APIServices in the store: not with a stand-in resource layer.
    if (config.serveCustomResources !== false && registry.byGroupVersionResource('apiregistration.k8s.io', 'v1', 'apiservices')) aggregator.start(pipeline.request, adminToken);
    if (crdFeed) {
      // Served from the first answer on (in process, this takes milliseconds); readyz tells if it ever lags.
      crdsSynced = await crdFeed.synced(15_000);
      if (!crdsSynced) void crdFeed.synced().then((ok) => (crdsSynced = ok));
    }
    const port = (srv.address() as AddressInfo).port;
    const host = bindAddress === '0.0.0.0' || bindAddress === '::' ? '127.0.0.1' : bindAddress;
    const url = `https://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
    const adv = config.advertiseAddress ?? host;
    serverAddress = `${isIP(adv) === 6 ? `[${adv}]` : adv}:${port}`;

    const kubeconfigPath = join(config.dataDir, 'admin.kubeconfig');
    writeKubeconfig(kubeconfigPath, {
      server: url,
      caPem: pki.ca.certPem,
      user: ADMIN_USER,
      clientCertPem: pki.admin.certPem,
      clientKeyPem: pki.admin.keyPem,
    });
    logger.info('serving', { url, kubeconfig: kubeconfigPath, bindAddress });

    let closed: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closed ??= (async () => {
        closing = true;
        await tokenFeed.stop();
        await accountFeed.stop();
        await crdFeed?.stop();
        await aggregator.stop();
        const stopped = new Promise<void>((resolve) => srv.close(() => resolve()));
        await live.close().catch((err: unknown) => logger.error('closing the resource layer failed', { error: err }));
        // Connections turn idle as their last response (e.g. an ended watch) goes out;
        // close them as they do, and cut whatever is still busy after 2 s.
        srv.closeIdleConnections();
        const idle = setInterval(() => srv.closeIdleConnections(), 20);
        const force = setTimeout(() => srv.closeAllConnections(), 2000);
        await stopped;
        clearInterval(idle);
        clearTimeout(force);
        if (ownsStore) await store.close();
        logger.info('stopped', { url });
      })());
    return { url, port, caPem: pki.ca.certPem, ca: pki.ca, adminToken, kubeconfigPath, registry, store, tokens, close };
  } catch (err) {
    server?.close();
    await resources?.close().catch(() => {});
    if (ownsStore) await store.close().catch(() => {});
    throw err;
  }
}

function loadOrCreateAdminToken(path: string): string {
  const existing = readOptional(path)?.trim();
  if (existing) return existing;
  const token = randomBytes(32).toString('base64url');
  writeSecretFile(path, `${token}\n`);
  return token;
}
