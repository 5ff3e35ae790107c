/**
 * `metav1.Status` errors, built exactly as k8s.io/apimachinery/pkg/api/errors does, and the
 * one typed error (`ApiError`) that carries them across the code base. The apiserver
 * writes `err.status` as the response body with `err.status.code` as the HTTP status.
 */
import { type FieldError, aggregateFieldErrors, fieldErrorBody } from './field-errors.js';
import { PatchError } from './patch-error.js';
import { SelectorError } from './label-selector.js';
import { QuantityError } from './quantity.js';

export type StatusReason =
  | '' | 'Unknown' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Gone' | 'Invalid'
  | 'ServerTimeout' | 'StoreReadError' | 'Timeout' | 'TooManyRequests' | 'BadRequest' | 'MethodNotAllowed'
  | 'NotAcceptable' | 'RequestEntityTooLarge' | 'UnsupportedMediaType' | 'InternalError' | 'Expired' | 'ServiceUnavailable';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string; continue?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** A resource with its API group ('' for core), e.g. `{ group: 'apps', resource: 'deployments' }`. */
export interface GroupResource {
  group: string;
  resource: string;
}
/** A kind with its API group, e.g. `{ group: 'apps', kind: 'Deployment' }`. */
export interface GroupKind {
  group: string;
  kind: string;
}

/** `deployments.apps`, or `pods` for the core group (GroupResource.String()). */
export function groupResourceString(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}
/** `Deployment.apps`, or `Pod` for the core group (GroupKind.String()). */
export function groupKindString(gk: GroupKind): string {
  return gk.group === '' ? gk.kind : `${gk.kind}.${gk.group}`;
}

/** The message Kubernetes puts after `Operation cannot be fulfilled on …:` for a stale resourceVersion. */
export const OPTIMISTIC_LOCK_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

/** An API error carrying the Status to send. Use the builders below rather than `new`. */
export class ApiError extends Error {
  readonly status: Status;
  constructor(status: Status, options?: { cause?: unknown }) {
    super(status.message ?? status.reason ?? 'unknown error', options);
    this.name = 'ApiError';
    this.status = status;
  }
  get code(): number { return this.status.code; }
  get reason(): StatusReason { return this.status.reason ?? ''; }
  /** Seconds for a `Retry-After` header, when the Status asks the client to retry later. */
  get retryAfterSeconds(): number | undefined { return this.status.details?.retryAfterSeconds; }
}

/** Details with Go's `omitempty`: empty strings, empty causes and zero retry are left out. */
function details(d: StatusDetails): StatusDetails {
  const out: StatusDetails = {};
  if (d.name) out.name = d.name;
  if (d.group) out.group = d.group;
  if (d.kind) out.kind = d.kind;
  if (d.uid) out.uid = d.uid;
  if (d.causes && d.causes.length > 0) out.causes = d.causes;
  if (d.retryAfterSeconds) out.retryAfterSeconds = d.retryAfterSeconds;
  return out;
}

function failure(code: number, reason: StatusReason, message: string, d?: StatusDetails, cause?: unknown): ApiError {
  // Built in the apiserver's JSON field order; details only when the builder has some.
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(d ? { details: details(d) } : {}), code };
  return new ApiError(status, cause === undefined ? undefined : { cause });
}

const text = (reason: string | Error): string => (reason instanceof Error ? reason.message : reason);

/** A Success Status (e.g. the body of some DELETEs). */
export function successStatus(d?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (d) s.details = details(d);
  return s;
}

export function badRequest(message: string): ApiError {
  return failure(400, 'BadRequest', message);
}
export function unauthorized(message = ''): ApiError {
  return failure(401, 'Unauthorized', message || 'not authorized');
}
/** `pods "x" is forbidden: <reason>` / `pods is forbidden: …` / `forbidden: …` (no resource). */
export function forbidden(gr: GroupResource | undefined, name: string, reason: string | Error): ApiError {
  let message: string;
  if (!gr || (gr.group === '' && gr.resource === '')) message = `forbidden: ${text(reason)}`;
  else if (name === '') message = `${groupResourceString(gr)} is forbidden: ${text(reason)}`;
  else message = `${groupResourceString(gr)} "${name}" is forbidden: ${text(reason)}`;
  return failure(403, 'Forbidden', message, { group: gr?.group ?? '', kind: gr?.resource ?? '', name });
}
/** `pods "foo" not found`, `deployments.apps "web" not found`. */
export function notFound(gr: GroupResource, name: string): ApiError {
  return failure(404, 'NotFound', `${groupResourceString(gr)} "${name}" not found`, { group: gr.group, kind: gr.resource, name });
}
export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return failure(409, 'AlreadyExists', `${groupResourceString(gr)} "${name}" already exists`, { group: gr.group, kind: gr.resource, name });
}
/** generateName ran out of tries. */
export function generateNameConflict(gr: GroupResource, name: string, retryAfterSeconds: number): ApiError {
  return failure(409, 'AlreadyExists', `${groupResourceString(gr)} "${name}" already exists, the server was not able to generate a unique name for the object`, {
    group: gr.group, kind: gr.resource, name, retryAfterSeconds,
  });
}
/** `Operation cannot be fulfilled on configmaps "x": <reason>`; the reason defaults to the optimistic-lock text. */
export function conflict(gr: GroupResource, name: string, reason: string | Error = OPTIMISTIC_LOCK_MESSAGE): ApiError {
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${groupResourceString(gr)} "${name}": ${text(reason)}`, { group: gr.group, kind: gr.resource, name });
}
export function gone(message: string): ApiError {
  return failure(410, 'Gone', message);
}
/** 410 Expired, e.g. `too old resource version: 5 (10)` (see tooOldResourceVersion). */
export function expired(message: string): ApiError {
  return failure(410, 'Expired', message);
}
/** 410 Expired for a watch/list from a compacted revision: `too old resource version: 5 (10)`. */
export function tooOldResourceVersion(requested: number | string, current: number | string): ApiError {
  return expired(`too old resource version: ${requested} (${current})`);
}
/**
 * 422 Invalid: `Pod "x" is invalid: spec.containers[0].image: Required value`, with one
 * `details.causes` entry per field error. `kind` is a Kind string or a GroupKind.
 */
export function invalid(kind: string | GroupKind, name: string, errs: readonly FieldError[]): ApiError {
  const gk: GroupKind = typeof kind === 'string' ? { group: '', kind } : kind;
  const agg = aggregateFieldErrors(errs);
  const message = `${groupKindString(gk)} "${name}" is invalid${agg === '' ? '' : `: ${agg}`}`;
  const causes = errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  return failure(422, 'Invalid', message, { group: gk.group, kind: gk.kind, name, causes });
}
/** 405: `create is not supported on resources of kind "nodes.metrics.k8s.io"`. */
export function methodNotSupported(gr: GroupResource, action: string): ApiError {
  return failure(405, 'MethodNotAllowed', `${action} is not supported on resources of kind "${groupResourceString(gr)}"`, { group: gr.group, kind: gr.resource });
}
/** 406 for an Accept header the server cannot satisfy. */
export function notAcceptable(accepted: readonly string[]): ApiError {
  return failure(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
}
/** 415 for a Content-Type the server cannot read. */
export function unsupportedMediaType(accepted: readonly string[]): ApiError {
  return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
}
export function requestEntityTooLarge(message: string): ApiError {
  return failure(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
}
/** 429 with `details.retryAfterSeconds`; also send a `Retry-After` header. */
export function tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
  return failure(429, 'TooManyRequests', message, { retryAfterSeconds });
}
/** 504 `Timeout: <message>`. */
export function timeout(message: string, retryAfterSeconds = 0): ApiError {
  return failure(504, 'Timeout', `Timeout: ${message}`, { retryAfterSeconds });
}
/** 500 ServerTimeout: `The get operation against pods could not be completed at this time, please try again.` */
export function serverTimeout(gr: GroupResource, operation: string, retryAfterSeconds: number): ApiError {
  return failure(500, 'ServerTimeout', `The ${operation} operation against ${groupResourceString(gr)} could not be completed at this time, please try again.`, {
    group: gr.group, kind: gr.resource, name: operation, retryAfterSeconds,
  });
}
/** 500 `Internal error occurred: <err>`, the error text also as the single cause. */
export function internalError(err: unknown): ApiError {
  const msg = err instanceof Error ? err.message : String(err);
  return failure(500, 'InternalError', `Internal error occurred: ${msg}`, { causes: [{ message: msg }] }, err);
}
export function serviceUnavailable(message: string): ApiError {
  return failure(503, 'ServiceUnavailable', message);
}

/**
 * Maps any thrown value to the ApiError to answer with: ApiError as is; PatchError by its
 * code (400 BadRequest / 422 Invalid / 500); SelectorError and QuantityError as 400
 * BadRequest; anything else is a bug and becomes 500 InternalError.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof PatchError) {
    if (err.code === 400) return badRequest(err.message);
    if (err.code === 422) return failure(422, 'Invalid', err.message, {}, err);
    return internalError(err);
  }
  if (err instanceof SelectorError || err instanceof QuantityError) return badRequest(err.message);
  return internalError(err);
}
