import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../client/logger.js';
import type { Registry } from '../api/registry.js';
import { DiscoveryCache } from './discovery/cache.js';
import type { RemoteDiscovery } from './discovery/remote.js';
import { serveDiscovery } from './discovery/handler.js';
import type { OpenApiV3Server } from './discovery/openapi.js';
import { versionInfo } from './discovery/version.js';
import { serveHealth, type HealthCheck } from './health.js';
import { METRICS_CONTENT_TYPE, type MetricsRegistry } from './http/metrics.js';
import { writeJson, writeText } from './http/respond.js';
import { methodNotAllowed, pathNotFound } from './http/status.js';
import type { ParsedRequest } from './request-info.js';
import { isNodeJoinPath, serveNodeJoin } from './node-join.js';
import { serveStatic } from './http/static-files.js';
import { DASHBOARD_PREFIX, dashboardAssetsDir } from '../dashboard/assets.js';
import type { CertificateAuthority } from './tls/pki.js';

export interface NonResourceDeps {
  registry: Registry;
  serverAddress: () => string;
  openapi: OpenApiV3Server;
  metrics: MetricsRegistry;
  /** Checks per endpoint; readyz usually adds more than livez. */
  health: { healthz: HealthCheck[]; livez: HealthCheck[]; readyz: HealthCheck[] };
  logger: Logger;
  /** The cluster CA: serves /cacerts and signs node certificates for joining agents. */
  ca: CertificateAuthority;
  /** Directory of the dashboard's static files (default: src/dashboard/web). */
  dashboardDir?: string;
  /** Group versions of extension API servers, merged into discovery (the aggregator). */
  remoteDiscovery?: RemoteDiscovery;
}

const HEALTH = new Set(['healthz', 'livez', 'readyz']);

/**
 * Routes non-resource paths. Known paths answer GET (and HEAD); other methods get 405.
 * Unknown paths get 404. All errors are thrown as Status errors.
 */
export function nonResourceRouter(deps: NonResourceDeps) {
  const remote = deps.remoteDiscovery;
  const cache = new DiscoveryCache(deps.registry, remote ? () => remote.generation() : undefined);
  const dashboard = { root: deps.dashboardDir ?? dashboardAssetsDir(), prefix: DASHBOARD_PREFIX };
  return async (req: IncomingMessage, res: ServerResponse, p: Extract<ParsedRequest, { kind: 'nonResource' }>): Promise<void> => {
    const seg = p.segments;
    const first = seg[0] ?? '';
    if (isNodeJoinPath(p.path)) return serveNodeJoin(req, res, p.path, deps.ca);
    if (first === 'dashboard') return serveStatic(req, res, dashboard);
    const known =
      (seg.length === 1 && (first === 'version' || first === 'metrics' || first === 'api' || first === 'apis')) ||
      (HEALTH.has(first) && seg.length <= 2) ||
      (first === 'api' && seg.length === 2) ||
      (first === 'apis' && seg.length <= 3) ||
      (first === 'openapi' && seg[1] === 'v3') ||
      (first === 'openapi' && seg[1] === 'v2' && seg.length === 2);
    if (!known) throw pathNotFound();
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed();

    if (first === 'version') return writeJson(res, 200, versionInfo());
    if (first === 'metrics') return writeText(res, 200, deps.metrics.render(), METRICS_CONTENT_TYPE);
    if (HEALTH.has(first)) {
      const endpoint = first as 'healthz' | 'livez' | 'readyz';
      return serveHealth(res, endpoint, deps.health[endpoint], seg[1], p.query.has('verbose'), (check, reason) =>
        deps.logger.warn('health check failed', { endpoint, check, reason }),
      );
    }
    if (first === 'openapi' && seg[1] === 'v2') return deps.openapi.serveV2(req, res);
    if (first === 'openapi') return deps.openapi.serve(req, res, seg.slice(2), p.query);
    return serveDiscovery(req, res, seg, { registry: deps.registry, cache, serverAddress: deps.serverAddress(), ...(remote ? { remote } : {}) });
  };
}
