/**
 * The request pipeline, one function per request and one error sink for it:
 * parse → authenticate → authorize → limits (body size, in-flight, timeout) → route.
 * Anything thrown becomes a Status (a non-Status error: 500 and an error log line);
 * nothing escapes as an unhandled rejection. Every request ends with one log line and
 * its metrics.
 */
import { randomUUID } from 'node:crypto';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../client/logger.js';
import type { Registry } from '../api/registry.js';
import type { Authenticator } from './authn/types.js';
import type { Authorizer, AuthorizationAttributes } from './authz/authorizer.js';
import { forbiddenError } from './authz/forbidden.js';
import { impersonate, withAuthenticatedGroup } from './authn/impersonation.js';
import { CA_CERTS_PATH } from './node-join.js';
import type { InflightLimiter } from './http/inflight.js';
import type { apiServerMetrics } from './http/metrics.js';
import { writeStatus } from './http/respond.js';
import { serviceUnavailable, toApiError } from '../machinery/status.js';
import { pathNotFound, requestEntityTooLarge, timeoutError, unauthorized } from './http/status.js';
import { parseTimeoutParam } from './http/timeout.js';
import { isLongRunning, isReadOnly, parseRequest, type ParsedRequest } from './request-info.js';
import type { ResourceHandler, UpgradeHandler, UserInfo } from './types.js';
import type { AggregatedApis } from './aggregator/aggregator.js';

export interface PipelineDeps {
  registry: Registry;
  authenticator: Authenticator;
  authorizer: Authorizer;
  inflight: InflightLimiter;
  metrics: ReturnType<typeof apiServerMetrics>;
  logger: Logger;
  maxRequestBodyBytes: number;
  requestTimeoutMs: number;
  /** Serves non-resource paths (discovery, health, version, metrics, openapi). */
  serveNonResource(req: IncomingMessage, res: ServerResponse, parsed: Extract<ParsedRequest, { kind: 'nonResource' }>): Promise<void> | void;
  /** The resource layer (may be swapped while running, e.g. in tests). */
  resources(): ResourceHandler & { upgrade?: UpgradeHandler };
  now?: () => number;
  /** True once shutdown began: new requests on kept-alive connections get a 503 and the connection closes. */
  closing?: () => boolean;
  /** Extension API servers: a request for a group version one of them serves is proxied there (after authn/authz). */
  aggregator?: AggregatedApis;
}

const ANONYMOUS: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };
const PRIVILEGED_GROUP = 'system:masters';

/** Paths served to unauthenticated callers, as kube-apiserver's system:public-info-viewer. */
export function isPublicPath(path: string): boolean {
  return path === '/version' || path === CA_CERTS_PATH || /^\/(healthz|livez|readyz)(\/[^/]+)?$/.test(path) || isDashboardPath(path);
}

/** The dashboard's static files: its login page must load before the user has a token. */
function isDashboardPath(path: string): boolean {
  return path === '/dashboard' || path.startsWith('/dashboard/');
}

const METRIC_VERBS: Record<string, string> = {
  get: 'GET', list: 'LIST', watch: 'WATCH', create: 'POST', update: 'PUT', patch: 'PATCH', delete: 'DELETE', deletecollection: 'DELETE',
};

/** What one request's log line and metrics need, filled in as the pipeline advances. */
interface RequestState {
  user?: UserInfo;
  impersonatedBy?: string;
  parsed?: ParsedRequest;
  code?: number;
  release?: () => void;
  timer?: NodeJS.Timeout;
}

/** The socket and first bytes of a request that arrived through the server's 'upgrade' event. */
export interface UpgradeContext {
  socket: Duplex;
  head: Buffer;
}

/**
 * Returns the request handler, and `upgrade` for the server's 'upgrade' event: an upgrade
 * request goes through the same pipeline (with a ServerResponse on its socket, so every
 * refusal is an ordinary Status response); a resource request whose layer offers an
 * UpgradeHandler is then handed the socket.
 */
export function createPipeline(deps: PipelineDeps): {
  request: (req: IncomingMessage, res: ServerResponse) => void;
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
} {
  const upgrades = new WeakMap<IncomingMessage, UpgradeContext>();
  const request = createRequestHandler(deps, upgrades);
  return {
    request,
    upgrade(req, socket, head) {
      upgrades.set(req, { socket, head });
      socket.on('error', () => {});
      const res = new ServerResponse(req);
      res.shouldKeepAlive = false;
      res.assignSocket(socket as Socket);
      // The parser is gone after an upgrade: once our answer is out, close the connection.
      res.on('finish', () => socket.end());
      request(req, res);
    },
  };
}

function createRequestHandler(deps: PipelineDeps, upgrades: WeakMap<IncomingMessage, UpgradeContext>): (req: IncomingMessage, res: ServerResponse) => void {
  const now = deps.now ?? (() => performance.now());
  return (req, res) => {
    const started = now();
    const auditId = randomUUID();
    res.setHeader('Audit-Id', auditId);
    res.setHeader('Cache-Control', 'no-cache, private');
    // A late write after a timeout must not crash the process.
    res.on('error', () => {});
    const state: RequestState = {};
    res.on('close', () => {
      clearTimeout(state.timer);
      state.release?.();
      const durationMs = now() - started;
      const code = state.code === 101 ? 101 : res.headersSent ? res.statusCode : (state.code ?? 0);
      const info = state.parsed?.kind === 'resource' ? state.parsed.info : undefined;
      const verb = info ? (METRIC_VERBS[info.verb] ?? info.verb) : req.method ?? '';
      const labels = {
        verb,
        group: info?.group ?? '',
        version: info?.version ?? '',
        resource: info?.resource ?? '',
        subresource: info?.subresource ?? '',
        scope: info ? (info.name ? 'resource' : info.namespace ? 'namespace' : 'cluster') : '',
      };
      deps.metrics.requests.inc({ ...labels, code: String(code) });
      if (!info || !isLongRunning(info)) deps.metrics.latency.observe(labels, durationMs / 1000);
      deps.logger.info('request', {
        method: req.method,
        path: state.parsed?.path ?? req.url,
        user: state.user?.name ?? '',
        code,
        durationMs: Math.round(durationMs * 1000) / 1000,
        auditId,
        ...(info ? { verb: info.verb } : {}),
        ...(state.impersonatedBy ? { impersonatedBy: state.impersonatedBy } : {}),
        ...(res.writableFinished || state.code === 101 ? {} : { aborted: true }),
      });
    });
    handle(req, res, state).catch((err: unknown) => {
      // Expected failures are ApiErrors (or machinery's typed errors); anything else is a bug.
      if (toApiError(err).code === 500) {
        deps.logger.error('request failed', { method: req.method, path: req.url, auditId, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      }
      if (res.headersSent) {
        if (!res.writableEnded) res.destroy();
        return;
      }
      state.code = writeStatus(res, err);
    });
  };

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    state: RequestState,
  ): Promise<void> {
    if (deps.closing?.()) {
      res.setHeader('Connection', 'close');
      throw serviceUnavailable('apiserver is shutting down');
    }
    const parsed = parseRequest(req.method ?? 'GET', req.url ?? '/');
    state.parsed = parsed;

    const authn = deps.authenticator.authenticate(req);
    if (authn.kind === 'invalid') throw unauthorized();
    if (authn.kind === 'none' && !(parsed.kind === 'nonResource' && isPublicPath(parsed.path))) throw unauthorized();
    const authenticated = authn.kind === 'user' ? withAuthenticatedGroup(authn.user) : ANONYMOUS;
    state.user = authenticated;
    const user = authn.kind === 'user' ? await impersonate(req, authenticated, deps.authorizer, parsed.path) : authenticated;
    if (user !== authenticated) state.impersonatedBy = authenticated.name;
    state.user = user;

    if (authn.kind === 'user') {
      const attrs: AuthorizationAttributes =
        parsed.kind === 'resource'
          ? {
              user,
              verb: parsed.info.verb,
              resourceRequest: true,
              path: parsed.path,
              apiGroup: parsed.info.group,
              apiVersion: parsed.info.version,
              resource: parsed.info.resource,
              ...(parsed.info.subresource ? { subresource: parsed.info.subresource } : {}),
              ...(parsed.info.namespace !== undefined ? { namespace: parsed.info.namespace } : {}),
              ...(parsed.info.name ? { name: parsed.info.name } : {}),
            }
          : { user, verb: parsed.verb, resourceRequest: false, path: parsed.path };
      const decision = await deps.authorizer.authorize(attrs);
      if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
    }

    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > deps.maxRequestBodyBytes) {
      // Don't read the rest of a huge body: close the connection after answering.
      res.setHeader('Connection', 'close');
      throw requestEntityTooLarge(deps.maxRequestBodyBytes);
    }

    const longRunning = parsed.kind === 'resource' && isLongRunning(parsed.info);
    if (!longRunning) {
      const verb = parsed.kind === 'resource' ? parsed.info.verb : parsed.verb;
      const kind = isReadOnly(verb) ? 'readOnly' : 'mutating';
      const release = deps.inflight.acquire(kind, user.groups.includes(PRIVILEGED_GROUP));
      deps.metrics.inflight.add({ request_kind: kind }, 1);
      state.release = () => {
        release();
        deps.metrics.inflight.add({ request_kind: kind }, -1);
        state.release = undefined;
      };
      const asked = parseTimeoutParam(parsed.kind === 'resource' ? parsed.info.query.get('timeout') : parsed.query.get('timeout'));
      const timeoutMs = asked !== undefined && asked > 0 ? Math.min(asked, deps.requestTimeoutMs) : deps.requestTimeoutMs;
      state.timer = setTimeout(() => {
        if (res.writableEnded) return;
        if (res.headersSent) res.destroy();
        else state.code = writeStatus(res, timeoutError());
      }, timeoutMs);
    }

    const remote = deps.aggregator?.remoteFor(parsed);
    if (remote !== undefined && deps.aggregator) {
      const up = upgrades.get(req);
      if (!up) return deps.aggregator.serve(req, res, remote, user);
      res.detachSocket(up.socket as Socket);
      state.code = 101;
      up.socket.once('close', () => res.emit('close'));
      return deps.aggregator.serveUpgrade(req, up.socket, up.head, remote, user);
    }
    if (parsed.kind === 'nonResource') {
      await deps.serveNonResource(req, res, parsed);
      return;
    }
    const { info } = parsed;
    if (!deps.registry.byGroupVersionResource(info.group, info.version, info.resource)) throw pathNotFound();
    const layer = deps.resources();
    const up = upgrades.get(req);
    if (up && layer.upgrade) {
      // Hand the socket over; log and count the request when the connection ends.
      res.detachSocket(up.socket as Socket);
      state.code = 101;
      up.socket.once('close', () => res.emit('close'));
      await layer.upgrade(req, up.socket, up.head, info, user);
      return;
    }
    await layer(req, res, info, user);
  }
}
