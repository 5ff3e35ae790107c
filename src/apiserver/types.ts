import type { Authenticator } from './authn/types.js';
import type { KubeletClientConfig } from './resources/kubelet-proxy.js';
import type { ServiceAccountKeys } from './authn/service-account-token.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Registry } from '../api/registry.js';
import type { Store } from '../storage/store.js';
import type { Authorizer } from './authz/authorizer.js';

/**
 * The contract between the HTTP layer (server, TLS, authentication, routing, discovery,
 * OpenAPI) and the resource layer (verbs on stored objects, watch cache, admission).
 */

/** What an API request asks for, parsed from its path, method and query (as Kubernetes' RequestInfo). */
export interface RequestInfo {
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';
  /** '' for the core group. */
  group: string;
  version: string;
  /** Lowercase plural, e.g. 'pods'. */
  resource: string;
  /** e.g. 'status', 'scale', 'log', 'exec', 'binding', 'eviction'. */
  subresource?: string;
  namespace?: string;
  name?: string;
  /** The parsed query string. */
  query: URLSearchParams;
}

/** The authenticated caller. */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
}

/** Serves one resource request; writes the whole response (errors as Status objects). */
export type ResourceHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  info: RequestInfo,
  user: UserInfo,
) => Promise<void>;

/**
 * Takes over an HTTP Upgrade request for a resource (WebSocket or SPDY: exec, attach,
 * portforward) after authentication and authorization. It owns `socket` from then on:
 * it answers 101 and speaks the protocol, or writes an HTTP error and ends the socket.
 * A resource layer offers it as an `upgrade` property on its handler; without one,
 * upgrade requests are served as ordinary requests (no 101).
 */
export type UpgradeHandler = (
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  info: RequestInfo,
  user: UserInfo,
) => Promise<void> | void;

/** What the resource layer needs to be built. */
export interface ResourceLayerConfig {
  registry: Registry;
  store: Store;
  /**
   * Request bodies larger than this must be answered with 413 (default 3 MiB). The HTTP
   * layer already rejects a larger declared Content-Length; the resource layer enforces
   * the limit while reading chunked bodies.
   */
  maxRequestBodyBytes?: number;
  /** The server's authorizer (for SelfSubjectAccessReview / `kubectl auth can-i`). */
  authorizer?: Authorizer;
  /** The server's authenticator (for TokenReview). */
  authenticator?: Authenticator;
  /** How the server reaches kubelets: its client certificate (logs, exec, attach, port-forward). */
  kubelet?: KubeletClientConfig;
  /** The key service-account tokens are signed with (serviceaccounts/token); none: not served. */
  serviceAccountKeys?: ServiceAccountKeys;
  /** The server authorizes with RBAC: create the default roles and bindings if missing. */
  rbac?: boolean;
  /** Whether this process runs a control-plane component (for ComponentStatus). */
  componentHealth?: (component: string) => boolean;
}
