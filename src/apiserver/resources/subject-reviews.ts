import type { IncomingMessage } from 'node:http';
import { fieldError } from '../../api/meta/v1/index.js';
import type { SchemaFieldError as FieldError } from '../../api/schema/dsl.js';
import { API_AUDIENCE } from '../authn/service-account-token.js';
import type { Authenticator } from '../authn/types.js';
import type { Authorizer, AuthorizationAttributes } from '../authz/authorizer.js';
import type { UserInfo } from '../types.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import type { VerbArgs } from './context.js';
import { badRequest, invalid } from './errors.js';
import { sendObject } from './respond.js';

type Attributes = Record<string, string> | undefined;

const isEmpty = (v: unknown): boolean => v === null || v === undefined || v === '' || (typeof v === 'object' && Object.keys(v).length === 0);

/** The authorizer's question for a review's resource or non-resource attributes, asked for `user`. */
export function reviewRequest(user: UserInfo, ra: Attributes, nra: Attributes): AuthorizationAttributes {
  return ra
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
    : { user, verb: nra?.verb ?? '', resourceRequest: false, path: nra?.path ?? '' };
}

/** Upstream's checks of a (Local)SubjectAccessReview, in its order and words. */
function validateSubjectReview(obj: KubeObject, local: string | undefined): FieldError[] {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  const ra = spec.resourceAttributes as Attributes;
  const nra = spec.nonResourceAttributes as Attributes;
  const errs: FieldError[] = [];
  if (ra && nra) errs.push(fieldError.invalid('spec.nonResourceAttributes', nra, 'cannot be specified in combination with resourceAttributes'));
  if (!ra && !nra) errs.push(fieldError.invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  if (!spec.user && !(Array.isArray(spec.groups) && spec.groups.length > 0)) errs.push(fieldError.invalid('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
  // Typed clients always send `creationTimestamp: null`: empty values are no metadata.
  const { managedFields: _ignored, namespace, ...meta } = Object.fromEntries(Object.entries(obj.metadata ?? {}).filter(([, v]) => !isEmpty(v))) as Record<string, unknown>;
  if (local === undefined) {
    if (Object.keys(meta).length > 0 || namespace) errs.push(fieldError.invalid('metadata', obj.metadata, 'must be empty'));
  } else {
    if (Object.keys(meta).length > 0) errs.push(fieldError.invalid('metadata', obj.metadata, 'must be empty except for namespace'));
    if (ra && (ra.namespace ?? '') !== local) errs.push(fieldError.invalid('spec.resourceAttributes.namespace', ra.namespace ?? '', 'must match metadata.namespace'));
    if (nra) errs.push(fieldError.invalid('spec.nonResourceAttributes', nra, 'disallowed on this kind of request'));
  }
  return errs;
}

/**
 * SubjectAccessReview / LocalSubjectAccessReview: asks the authorizer about the user and
 * groups in the spec (taken as given: no system:authenticated is added, as upstream).
 */
export async function subjectAccessReview(a: VerbArgs, authorizer: Authorizer, obj: KubeObject): Promise<void> {
  const local = a.spec.namespaced ? (a.info.namespace ?? '') : undefined;
  if (local !== undefined) {
    // The URL's namespace is the review's (upstream defaults an empty one, refuses another).
    const given = obj.metadata?.namespace;
    if (given && given !== local) throw badRequest(`the namespace of the provided object does not match the namespace sent on the request`);
    obj = { ...obj, metadata: { ...(obj.metadata ?? {}), namespace: local } };
  }
  const errs = validateSubjectReview(obj, local);
  if (errs.length > 0) throw invalid(a.spec, '', errs);
  const spec = obj.spec as Record<string, unknown>;
  // extra is not consulted: RBAC does not look at it.
  const user: UserInfo = { name: String(spec.user ?? ''), groups: Array.isArray(spec.groups) ? spec.groups.map(String) : [], ...(spec.uid ? { uid: String(spec.uid) } : {}) };
  const decision = await authorizer.authorize(reviewRequest(user, spec.resourceAttributes as Attributes, spec.nonResourceAttributes as Attributes));
  const status = { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) };
  sendObject(a, 201, { ...obj, metadata: { ...(obj.metadata ?? {}), creationTimestamp: null }, status });
}

/** TokenReview: authenticates spec.token as a request bearing it would be, for spec.audiences. */
export function tokenReview(a: VerbArgs, authenticator: Authenticator | undefined, obj: KubeObject): void {
  const token = String(obj.spec?.token ?? '');
  if (!token) throw badRequest('token is required for TokenReview');
  const wanted = Array.isArray(obj.spec?.audiences) && obj.spec.audiences.length > 0 ? obj.spec.audiences.map(String) : [API_AUDIENCE];
  // Only the token: no client certificate, no other header.
  const bearer = { headers: { authorization: `Bearer ${token}` }, socket: {} } as unknown as IncomingMessage;
  const r = authenticator?.authenticate(bearer, wanted) ?? { kind: 'none' as const };
  let status: Record<string, unknown>;
  if (r.kind === 'user') {
    // Credentials that name no audience are good for the API server's alone.
    const audiences = r.audiences ?? (wanted.includes(API_AUDIENCE) ? [API_AUDIENCE] : []);
    status =
      audiences.length > 0
        ? { authenticated: true, user: { username: r.user.name, ...(r.user.uid ? { uid: r.user.uid } : {}), groups: r.user.groups }, audiences }
        : { user: {}, error: `token audiences ${JSON.stringify([API_AUDIENCE])} is invalid for the target audiences ${JSON.stringify(wanted)}` };
  } else status = { user: {}, error: r.kind === 'invalid' ? `[${r.reason}]` : '[invalid bearer token]' };
  sendObject(a, 201, { ...obj, metadata: { ...(obj.metadata ?? {}), creationTimestamp: null }, status });
}
