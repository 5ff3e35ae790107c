import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestInfo, UserInfo } from '../types.js';
import type { ResourceContext, VerbArgs } from './context.js';
import { handleCreate } from './create.js';
import { handleDelete } from './delete.js';
import { handleDeleteCollection } from './delete-collection.js';
import { ApiError, badRequest, methodNotSupported, resourceNotFound, toApiError } from './errors.js';
import { proxyUpgrade } from './kubelet-proxy.js';
import { handleGet } from './get.js';
import { handleList } from './list.js';
import { handleReview, REVIEW_RESOURCES } from './reviews.js';
import { handlePatch } from './patch.js';
import { sendError } from './respond.js';
import { handleSubresource } from './subresources.js';
import { handleUpdate } from './update.js';
import { METRICS_GROUP, serveMetrics } from '../metrics-api/handler.js';
import { serveComponentStatus } from '../component-status.js';
import { handleWatch } from './watch.js';
import { versionBridge } from './versions.js';

const DEFAULT_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/**
 * Serves one resource request: finds the kind, dispatches to the verb, and is the one
 * error sink of the resource layer (every failure leaves as a Status; never a throw).
 */
export async function serveResource(ctx: ResourceContext, req: IncomingMessage, res: ServerResponse, info: RequestInfo, user: UserInfo): Promise<void> {
  const spec = ctx.registry.byGroupVersionResource(info.group, info.version, info.resource);
  if (!spec) {
    sendError(res, resourceNotFound());
    drain(req);
    return;
  }
  const a: VerbArgs = { req, res, info, user, spec, ctx, bridge: versionBridge(ctx.registry, spec) };
  try {
    if (!spec.namespaced && info.namespace && spec.plural !== 'namespaces') {
      // A cluster-scoped resource has no namespaced path.
      throw resourceNotFound();
    }
    if (spec.namespaced && !info.namespace && info.name && !info.subresource) {
      // A namespaced object is addressed only through its namespace.
      throw resourceNotFound();
    }
    // metrics.k8s.io is computed from kubelet scrapes, never stored.
    if (spec.group === METRICS_GROUP) return await serveMetrics(a, ctx.metricsScraper);
    // componentstatuses are probed on each request, never stored.
    if (spec.group === '' && spec.plural === 'componentstatuses') return await serveComponentStatus(a);
    if (info.subresource) {
      await handleSubresource(a);
      return;
    }
    if (info.verb === 'create' && REVIEW_RESOURCES.has(`${spec.group}/${spec.plural}`)) {
      await handleReview(a, ctx.authorizer);
      return;
    }
    const verbs = spec.verbs ?? DEFAULT_VERBS;
    if (!verbs.includes(info.verb)) throw methodNotSupported(spec, info.verb);
    switch (info.verb) {
      case 'get':
        return await handleGet(a);
      case 'list':
        return await handleList(a);
      case 'watch':
        return await handleWatch(a);
      case 'create':
        return await handleCreate(a);
      case 'update':
        return await handleUpdate(a);
      case 'patch':
        return await handlePatch(a);
      case 'delete':
        return await handleDelete(a);
      case 'deletecollection':
        return await handleDeleteCollection(a);
      default:
        throw methodNotSupported(spec, String(info.verb));
    }
  } catch (err) {
    const e = err instanceof ApiError ? err : toApiError(err, spec, info.name ?? '');
    if (!(err instanceof ApiError) && e.code >= 500) console.error(JSON.stringify({ component: 'apiserver-resources', verb: info.verb, resource: info.resource, name: info.name, error: String(err instanceof Error ? err.stack : err) }));
    if (res.headersSent) res.end();
    else sendError(res, e);
    drain(req);
  }
}

/** Discards an unread request body so the connection can be reused. */
function drain(req: IncomingMessage): void {
  if (!req.readableEnded) req.resume();
}

/** Writes a Status as a plain HTTP/1.1 response on a raw (upgrade) socket, then closes it. */
function refuseUpgrade(socket: Duplex, err: unknown): void {
  const e = err instanceof ApiError ? err : toApiError(err);
  const body = JSON.stringify(e.status);
  const reason = STATUS_CODES[e.code] ?? '';
  socket.end(`HTTP/1.1 ${e.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * Upgrade requests (WebSocket/SPDY) for resources: pods' exec, attach and portforward are
 * spliced through to the kubelet; anything else is refused with a Status.
 */
export async function serveUpgrade(ctx: ResourceContext, req: IncomingMessage, socket: Duplex, head: Buffer, info: RequestInfo, _user: UserInfo): Promise<void> {
  try {
    const spec = ctx.registry.byGroupVersionResource(info.group, info.version, info.resource);
    if (!spec) throw resourceNotFound();
    const sub = info.subresource ?? '';
    if (spec.group !== '' || spec.plural !== 'pods' || !['exec', 'attach', 'portforward'].includes(sub) || !info.name) {
      throw badRequest(`upgrade is not supported for ${info.resource}${sub ? `/${sub}` : ''}`);
    }
    await proxyUpgrade(ctx, spec, req, socket, head, info, ctx.kubelet);
  } catch (err) {
    if (!socket.destroyed) refuseUpgrade(socket, err);
  }
}
