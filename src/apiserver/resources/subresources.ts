import type { VerbArgs } from './context.js';
import { ApiError, statusError } from './errors.js';
import { handleGet } from './get.js';
import { handlePatch } from './patch.js';
import { handleUpdate } from './update.js';
import { handleScale } from './scale.js';
import { handleBinding } from './pod-binding.js';
import { handleEviction } from './pod-eviction.js';
import { handleEphemeralContainers } from './pod-ephemeral-containers.js';
import { handleTokenRequest } from './service-account-token.js';
import { handleKubeletProxy, KUBELET_SUBRESOURCES } from './kubelet-proxy.js';

/**
 * Subresource dispatch: `status` (get/update/patch of the object, writing only status),
 * and the others registered in `SUBRESOURCES` (scale, binding, eviction, and the
 * kubelet-proxied log/exec/attach/portforward).
 */
export type SubresourceHandler = (a: VerbArgs) => Promise<void>;

const extra = new Map<string, SubresourceHandler>([
  ['*/scale', handleScale],
  ['pods/binding', handleBinding],
  ['pods/eviction', handleEviction],
  ['pods/ephemeralcontainers', handleEphemeralContainers],
  ['certificatesigningrequests.certificates.k8s.io/approval', handleApproval],
  ['serviceaccounts/token', (a) => handleTokenRequest(a, a.ctx.serviceAccountKeys)],
]);

/** Registers a handler for `<resource>/<subresource>` (e.g. 'pods/binding'); '*\/scale' matches any resource. */
export function registerSubresource(path: string, handler: SubresourceHandler): void {
  extra.set(path, handler);
}

/** CSRs' `/approval` (what `kubectl certificate approve|deny` PUTs): the object in and out, only its conditions written. */
async function handleApproval(a: VerbArgs): Promise<void> {
  if (a.info.verb === 'get') return handleGet(a);
  if (a.info.verb === 'update') return handleUpdate(a);
  if (a.info.verb === 'patch') return handlePatch(a);
  throw statusError(405, 'MethodNotAllowed', `${a.info.verb} is not supported on resources of kind "certificatesigningrequests/approval"`);
}

function notFoundSub(): ApiError {
  return statusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export async function handleSubresource(a: VerbArgs): Promise<void> {
  const { info, spec } = a;
  const sub = info.subresource as string;
  if (!info.name) throw notFoundSub();
  if (sub === 'status') {
    if (!spec.subresources?.status) throw notFoundSub();
    if (info.verb === 'get') return handleGet(a);
    if (info.verb === 'update') return handleUpdate(a);
    if (info.verb === 'patch') return handlePatch(a);
    throw statusError(405, 'MethodNotAllowed', `${info.verb} is not supported on resources of kind "${spec.plural}/status"`);
  }
  if (sub === 'finalize' && spec.group === '' && spec.plural === 'namespaces' && info.verb === 'update') return handleUpdate(a);
  if (spec.group === '' && spec.plural === 'pods' && KUBELET_SUBRESOURCES.has(sub)) return handleKubeletProxy(a, a.ctx.kubelet);
  const h = extra.get(`${spec.group ? `${spec.plural}.${spec.group}` : spec.plural}/${sub}`) ?? (sub === 'scale' && spec.subresources?.scale ? extra.get('*/scale') : undefined);
  if (!h) throw notFoundSub();
  return h(a);
}
