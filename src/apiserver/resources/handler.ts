import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestInfo, UserInfo } from '../types.js';
import type { ResourceContext, VerbArgs } from './context.js';
import { handleCreate } from './create.js';
import { handleDelete } from './delete.js';
import { handleDeleteCollection } from './delete-collection.js';
import { ApiError, methodNotSupported, toApiError, statusError } from './errors.js';
import { handleGet } from './get.js';
import { handleList } from './list.js';
import { handleReview, REVIEW_RESOURCES } from './reviews.js';
import { handlePatch } from './patch.js';
import { sendError } from './respond.js';
import { handleSubresource } from './subresources.js';
import { handleUpdate } from './update.js';
import { handleWatch } from './watch.js';

const DEFAULT_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/**
 * Serves one resource request: finds the kind, dispatches to the verb, and is the one
 * error sink of the resource layer (every failure leaves as a Status; never a throw).
 */
export async function serveResource(ctx: ResourceContext, req: IncomingMessage, res: ServerResponse, info: RequestInfo, user: UserInfo): Promise<void> {
  const spec = ctx.registry.byGroupVersionResource(info.group, info.version, info.resource);
  if (!spec) {
    sendError(res, statusError(404, 'NotFound', 'the server could not find the requested resource', {}));
    drain(req);
    return;
  }
  const a: VerbArgs = { req, res, info, user, spec, ctx };
  try {
    if (spec.namespaced && !info.namespace && info.name && !info.subresource) {
      // A namespaced object is addressed only through its namespace.
      throw statusError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
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
