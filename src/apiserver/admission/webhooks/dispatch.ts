/**
 * Calls one webhook for one request: builds the review, resolves where to send it, posts
 * it, reads the answer, and turns failures into the webhook's failurePolicy (Fail: 500,
 * Ignore: carry on). Refusals throw the webhook's status; an allowed answer is returned.
 */
import type { AnyWebhook } from '../../../api/admissionregistration/v1/index.js';
import type { AdmissionAttributes } from '../types.js';
import type { KubeObject } from '../../watch-cache/cached-object.js';
import { postReview, WebhookCallError, type WebhookTarget } from './client.js';
import { CallingWebhookError, callFailureError, denialError, dryRunUnsupportedError } from './outcome.js';
import { resolveTarget, ResolveError, type ServiceLookup } from './resolve.js';
import { buildAdmissionReview, InvalidReviewResponse, readReviewResponse, type ReviewResult } from './review.js';

export type PostReview = (target: WebhookTarget, body: unknown, timeoutMs: number) => Promise<unknown>;

export interface CallDeps {
  lookup: ServiceLookup;
  post?: PostReview;
  newUid: () => string;
  /** One structured line per failed or ignored call. */
  log?: (line: Record<string, unknown>) => void;
}

const NO_SIDE_EFFECTS = new Set(['None', 'NoneOnDryRun']);

/**
 * Calls `hook`. Resolves with its answer when it allowed the request, or undefined when the
 * call failed and the failure policy is Ignore. Throws the refusal (`allowed: false`), or
 * the 500 of a failed call under failurePolicy Fail.
 */
export async function callWebhook(
  hook: AnyWebhook,
  mutating: boolean,
  attrs: AdmissionAttributes,
  obj: KubeObject | undefined,
  old: KubeObject | undefined,
  deps: CallDeps,
): Promise<ReviewResult | undefined> {
  const name = hook.name ?? '';
  if (attrs.dryRun && !NO_SIDE_EFFECTS.has(hook.sideEffects ?? '')) throw dryRunUnsupportedError(name);
  const started = Date.now();
  try {
    return decide(name, await exchange(hook, mutating, attrs, obj, old, deps));
  } catch (err) {
    if (!(err instanceof CallingWebhookError)) throw err;
    const ignore = hook.failurePolicy === 'Ignore';
    deps.log?.({ component: 'admission-webhook', webhook: name, resource: attrs.spec.plural, namespace: attrs.namespace ?? '', name: attrs.name, outcome: ignore ? 'ignored' : 'failed', error: err.message, durationMs: Date.now() - started });
    if (ignore) return undefined;
    throw callFailureError(err);
  }
}

function decide(name: string, result: ReviewResult): ReviewResult {
  if (!result.allowed) throw denialError(name, result.status);
  return result;
}

/** The exchange itself; every way it can fail becomes a CallingWebhookError. */
async function exchange(
  hook: AnyWebhook,
  mutating: boolean,
  attrs: AdmissionAttributes,
  obj: KubeObject | undefined,
  old: KubeObject | undefined,
  deps: CallDeps,
): Promise<ReviewResult> {
  const name = hook.name ?? '';
  if (!(hook.admissionReviewVersions ?? []).includes('v1')) {
    throw new CallingWebhookError(name, `webhook does not accept v1 AdmissionReview (accepts ${(hook.admissionReviewVersions ?? []).join(', ')})`);
  }
  let target: WebhookTarget;
  try {
    target = resolveTarget(hook.clientConfig ?? {}, deps.lookup);
  } catch (err) {
    if (err instanceof ResolveError || err instanceof TypeError) throw new CallingWebhookError(name, `failed to call webhook: ${err.message}`);
    throw err;
  }
  const uid = deps.newUid();
  const review = buildAdmissionReview(attrs, obj, old, uid);
  let body: unknown;
  try {
    body = await (deps.post ?? postReview)(target, review, (hook.timeoutSeconds ?? 10) * 1000);
  } catch (err) {
    if (err instanceof WebhookCallError) throw new CallingWebhookError(name, `failed to call webhook: ${err.message}`);
    throw err;
  }
  try {
    return readReviewResponse(body, uid, mutating);
  } catch (err) {
    if (err instanceof InvalidReviewResponse) throw new CallingWebhookError(name, `received invalid webhook response: ${err.message}`);
    throw err;
  }
}
