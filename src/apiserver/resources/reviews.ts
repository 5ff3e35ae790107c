import type { Authorizer } from '../authz/authorizer.js';
import type { UserInfo } from '../types.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import type { VerbArgs } from './context.js';
import { decodeBody, readBody } from './body.js';
import { badRequest } from './errors.js';
import { decodeProtobufBody } from './protobuf-body.js';
import { sendObject } from './respond.js';
import { checkTypeMeta } from './write-options.js';
import { reviewRequest, subjectAccessReview, tokenReview } from './subject-reviews.js';

/** Review kinds answered at once and never stored (`kubectl auth can-i`, `can-i --list`, `auth whoami`, auth proxies' reviews). */
export const REVIEW_RESOURCES = new Set([
  'authorization.k8s.io/selfsubjectaccessreviews',
  'authorization.k8s.io/selfsubjectrulesreviews',
  'authorization.k8s.io/subjectaccessreviews',
  'authorization.k8s.io/localsubjectaccessreviews',
  'authentication.k8s.io/selfsubjectreviews',
  'authentication.k8s.io/tokenreviews',
]);

/** POST of a review kind: answered from the caller's identity and the authorizer (201, as kube-apiserver). */
export async function handleReview(a: VerbArgs, authorizer: Authorizer): Promise<void> {
  const { req, spec, ctx } = a;
  const obj = decodeBody(await readBody(req, ctx.maxBodyBytes), req.headers['content-type'], spec, decodeProtobufBody);
  checkTypeMeta(obj, spec);
  const answered = { ...obj, apiVersion: `${spec.group}/${spec.version}`, kind: spec.kind, metadata: { ...(obj.metadata ?? {}), creationTimestamp: null } };
  if (spec.plural === 'selfsubjectreviews') return sendObject(a, 201, { ...answered, status: { userInfo: userInfoOf(a.user) } });
  if (spec.plural === 'selfsubjectrulesreviews') return sendObject(a, 201, { ...answered, status: await rulesOf(authorizer, a.user, String(obj.spec?.namespace ?? '')) });
  if (spec.plural === 'subjectaccessreviews' || spec.plural === 'localsubjectaccessreviews') return subjectAccessReview(a, authorizer, { ...answered, metadata: obj.metadata ?? {} });
  if (spec.plural === 'tokenreviews') return tokenReview(a, ctx.authenticator, answered);
  return accessReview(a, authorizer, obj);
}

/** authentication/v1 UserInfo of the caller (after impersonation, as upstream answers). */
function userInfoOf(user: UserInfo): Record<string, unknown> {
  return { username: user.name, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups };
}

/** SubjectRulesReviewStatus: the authorizer's rules, or an incomplete empty answer when it cannot list them. */
async function rulesOf(authorizer: Authorizer, user: UserInfo, namespace: string): Promise<Record<string, unknown>> {
  const rules = authorizer.rulesFor ? await authorizer.rulesFor(user, namespace) : { resourceRules: [], nonResourceRules: [], incomplete: true };
  return { resourceRules: rules.resourceRules, nonResourceRules: rules.nonResourceRules, incomplete: rules.incomplete };
}

/** SelfSubjectAccessReview: asks the authorizer about the caller; answers with `status.allowed`. */
async function accessReview(a: VerbArgs, authorizer: Authorizer, obj: KubeObject): Promise<void> {
  const { user } = a;
  const ra = obj.spec?.resourceAttributes as Record<string, string> | undefined;
  const nra = obj.spec?.nonResourceAttributes as Record<string, string> | undefined;
  if (!ra && !nra) throw badRequest('spec: Invalid value: exactly one of nonResourceAttributes or resourceAttributes must be specified');
  const decision = await authorizer.authorize(reviewRequest(user, ra, nra));
  const out = {
    ...obj,
    metadata: { ...(obj.metadata ?? {}), creationTimestamp: null },
    status: { allowed: decision.allowed, ...(decision.allowed ? {} : { denied: false }), ...(decision.reason ? { reason: decision.reason } : {}) },
  };
  sendObject(a, 201, out);
}
