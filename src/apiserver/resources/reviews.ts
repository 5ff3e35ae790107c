import type { Authorizer } from '../authz/authorizer.js';
import type { VerbArgs } from './context.js';
import { decodeBody, readBody } from './body.js';
import { badRequest } from './errors.js';
import { decodeProtobufBody } from './protobuf-body.js';
import { sendObject } from './respond.js';
import { checkTypeMeta } from './write-options.js';

/** Review kinds answered at once and never stored (`kubectl auth can-i`). */
export const REVIEW_RESOURCES = new Set(['authorization.k8s.io/selfsubjectaccessreviews']);

/**
 * POST of a SelfSubjectAccessReview: asks the authorizer about the caller and answers
 * the review with `status.allowed` (201, as kube-apiserver).
 */
export async function handleReview(a: VerbArgs, authorizer: Authorizer): Promise<void> {
  const { req, spec, ctx, user } = a;
  const obj = decodeBody(await readBody(req, ctx.maxBodyBytes), req.headers['content-type'], spec, decodeProtobufBody);
  checkTypeMeta(obj, spec);
  const ra = obj.spec?.resourceAttributes as Record<string, string> | undefined;
  const nra = obj.spec?.nonResourceAttributes as Record<string, string> | undefined;
  if (!ra && !nra) throw badRequest('spec: Invalid value: exactly one of nonResourceAttributes or resourceAttributes must be specified');
  const decision = await authorizer.authorize(
    ra
      ? {
          user,
          verb: ra.verb ?? '',
          resourceRequest: true,
          path: '',
          ...(ra.namespace ? { namespace: ra.namespace } : {}),
          apiGroup: ra.group ?? '',
          ...(ra.version ? { apiVersion: ra.version } : {}),
          ...(ra.resource ? { resource: ra.resource } : {}),
          ...(ra.subresource ? { subresource: ra.subresource } : {}),
          ...(ra.name ? { name: ra.name } : {}),
        }
      : { user, verb: nra?.verb ?? '', resourceRequest: false, path: nra?.path ?? '' },
  );
  const out = {
    ...obj,
    metadata: { ...(obj.metadata ?? {}), creationTimestamp: null },
    status: { allowed: decision.allowed, ...(decision.allowed ? {} : { denied: false }), ...(decision.reason ? { reason: decision.reason } : {}) },
  };
  sendObject(a, 201, out);
}
