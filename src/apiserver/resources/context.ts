import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from '../../api/registry.js';
import type { KindSpec } from '../../api/schema/dsl.js';
import type { Store } from '../../storage/store.js';
import type { Admission } from '../admission/types.js';
import type { Authorizer } from '../authz/authorizer.js';
import type { Authenticator } from '../authn/types.js';
import type { RequestInfo, UserInfo } from '../types.js';
import type { WatchCache } from '../watch-cache/watch-cache.js';
import type { KubeletClientConfig } from './kubelet-proxy.js';
import type { ServiceAccountKeys } from '../authn/service-account-token.js';
import type { MetricsScraper } from '../metrics-api/scraper.js';
import type { VersionBridge } from './versions.js';

/** Everything the verbs share; built once by `createResourceHandler`. */
export interface ResourceContext {
  registry: Registry;
  store: Store;
  cache: WatchCache;
  admission: Admission;
  /** Answers access reviews (kubectl auth can-i). */
  authorizer: Authorizer;
  /** Answers token reviews; none: every token is unauthenticated. */
  authenticator?: Authenticator;
  /** Current time (injected so tests can drive it). */
  now: () => Date;
  newUid: () => string;
  /** How often a watch with allowWatchBookmarks gets a BOOKMARK. */
  bookmarkIntervalMs: number;
  /** A watcher whose unsent bytes exceed this is cut off. */
  maxWatcherBufferBytes: number;
  /** How long a consistent read waits for the cache before reading the store. */
  consistentReadTimeoutMs: number;
  /** Maximum request body size read by the verbs. */
  maxBodyBytes: number;
  /** How pods/log, exec, attach and portforward reach the node's kubelet. */
  kubelet: KubeletClientConfig;
  /** Signs service-account tokens (serviceaccounts/token); none: that subresource is not served. */
  serviceAccountKeys?: ServiceAccountKeys;
  /** Scrapes kubelets for metrics.k8s.io (metrics-api/); none: that group answers 503. */
  metricsScraper?: MetricsScraper;
  /** Whether this process runs a control-plane component (`scheduler`, `controller-manager`); none or false: its Lease tells. */
  componentHealth?: (component: string) => boolean;
  /** Registers a watch response so `close()` can end it. */
  trackWatch(end: () => void): () => void;
}

/** One request as every verb sees it. */
export interface VerbArgs {
  req: IncomingMessage;
  res: ServerResponse;
  info: RequestInfo;
  user: UserInfo;
  spec: KindSpec;
  ctx: ResourceContext;
  /** How `spec`'s version relates to the stored one (see versions.ts); unset: worked out on use. */
  bridge?: VersionBridge;
}
