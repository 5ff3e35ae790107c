/**
 * What a webhook's answer does to the request, in upstream's words: a refusal
 * (`admission webhook "<name>" denied the request: <message>`), a failure to call it
 * (`failed calling webhook "<name>": …`, fatal only under failurePolicy Fail), and a
 * mutating webhook's JSON patch applied to the object in place.
 */
import { applyJsonPatch } from '../../../machinery/json-patch.js';
import type { JsonValue } from '../../../machinery/json-value.js';
import { ApiError, internalError, type StatusReason } from '../../../machinery/status.js';
import type { KubeObject } from '../../watch-cache/cached-object.js';
import type { ReviewResult } from './review.js';

/** The request refused by the webhook: its status, with a code of at least 400 and upstream's message. */
export function denialError(webhook: string, status: ReviewResult['status']): ApiError {
  const deniedBy = `admission webhook "${webhook}" denied the request`;
  const code = typeof status?.code === 'number' && status.code >= 400 ? status.code : 400;
  const message = status?.message ? `${deniedBy}: ${status.message}` : status?.reason ? `${deniedBy}: ${status.reason}` : `${deniedBy} without explanation`;
  const details = status?.details && typeof status.details === 'object' ? { details: status.details as Record<string, unknown> } : {};
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    ...(status?.reason ? { reason: status.reason as StatusReason } : {}),
    ...details,
    code,
  });
}

/** Why calling a webhook failed; what happens next is the webhook's failurePolicy. */
export class CallingWebhookError extends Error {
  constructor(
    readonly webhook: string,
    readonly why: string,
  ) {
    super(`failed calling webhook "${webhook}": ${why}`);
  }
}

/** The request refused because a webhook could not be called (failurePolicy Fail): 500 InternalError. */
export function callFailureError(err: CallingWebhookError): ApiError {
  return internalError(err);
}

/** Refused dry run: the webhook may have side effects (sideEffects Unknown or Some). */
export function dryRunUnsupportedError(webhook: string): ApiError {
  return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `admission webhook "${webhook}" does not support dry run`, reason: 'BadRequest', code: 400 });
}

/**
 * Applies a webhook's JSON patch to `obj` in place (the admission chain passes the object
 * by reference). A patch that does not apply, or that leaves no object, is a 500 as upstream.
 */
export function applyWebhookPatch(obj: KubeObject, patch: unknown): void {
  let patched: JsonValue;
  try {
    patched = applyJsonPatch(obj as unknown as JsonValue, patch);
  } catch (err) {
    throw internalError(err);
  }
  if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) {
    throw internalError(new Error('the patched object is not a JSON object'));
  }
  for (const k of Object.keys(obj)) delete obj[k];
  Object.assign(obj, patched);
}
