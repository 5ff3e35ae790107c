/**
 * The one place where failures become Kubernetes Status errors: storage sentinel errors
 * (NotFound → 404, AlreadyExists → 409, Conflict → 409 Conflict, Compacted → 410 Expired)
 * and the request errors the verbs raise.
 */
import type { KindSpec } from '../../api/schema/dsl.js';
import { renderFieldError, fieldErrorBody, aggregateFieldErrors, type FieldError } from '../../machinery/field-errors.js';
import {
  AlreadyExistsError,
  CompactedError,
  ConflictError,
  FutureRevisionError,
  NotFoundError,
} from '../../storage/errors.js';

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** An error that travels to the client as a Status with this HTTP code. */
export class ApiError extends Error {
  readonly status: StatusBody;
  constructor(code: number, reason: string, message: string, details?: StatusBody['details']) {
    super(message);
    this.name = 'ApiError';
    this.status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    };
  }
  get code(): number {
    return this.status.code;
  }
}

/** `pods` or `deployments.apps` — how Kubernetes names a resource in messages. */
export function qualifiedResource(spec: Pick<KindSpec, 'plural' | 'group'>, subresource?: string): string {
  const r = subresource ? spec.plural : spec.plural;
  return spec.group ? `${r}.${spec.group}` : r;
}

function details(spec: Pick<KindSpec, 'plural' | 'group'>, name: string): StatusBody['details'] {
  return { name, ...(spec.group ? { group: spec.group } : {}), kind: spec.plural };
}

export function notFound(spec: Pick<KindSpec, 'plural' | 'group'>, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(spec)} "${name}" not found`, details(spec, name));
}

export function alreadyExists(spec: Pick<KindSpec, 'plural' | 'group'>, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(spec)} "${name}" already exists`, details(spec, name));
}

/** 409 Conflict: `Operation cannot be fulfilled on pods "x": <why>`. */
export function conflict(spec: Pick<KindSpec, 'plural' | 'group'>, name: string, why: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(spec)} "${name}": ${why}`, details(spec, name));
}

export const OPTIMISTIC_LOCK_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

/** 422 Invalid: `<Kind> "<name>" is invalid: <aggregated field errors>`. */
export function invalid(spec: Pick<KindSpec, 'kind' | 'group'>, name: string, errs: readonly FieldError[]): ApiError {
  const msg = `${spec.kind}${spec.group ? `.${spec.group}` : ''} "${name}" is invalid: ${aggregateFieldErrors(errs)}`;
  return new ApiError(422, 'Invalid', msg, {
    name,
    ...(spec.group ? { group: spec.group } : {}),
    kind: spec.kind,
    causes: errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function forbidden(spec: Pick<KindSpec, 'plural' | 'group'>, name: string, why: string): ApiError {
  const what = name ? `${qualifiedResource(spec)} "${name}"` : qualifiedResource(spec);
  return new ApiError(403, 'Forbidden', `${what} is forbidden: ${why}`, details(spec, name));
}

export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Gone', message);
}

export function methodNotSupported(spec: Pick<KindSpec, 'plural' | 'group'>, verb: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualifiedResource(spec)}"`, {
    ...(spec.group ? { group: spec.group } : {}),
    kind: spec.plural,
  });
}

export function unsupportedMediaType(contentType: string, accepted: readonly string[]): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`, {
    ...(contentType ? { causes: [{ reason: 'UnexpectedServerResponse', message: contentType }] } : {}),
  });
}

export function tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds, causes: [{ reason: 'DisruptionBudget', message }] });
}

export function requestEntityTooLarge(message: string): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', message);
}

export function timeoutError(message: string, retryAfterSeconds = 1): ApiError {
  return new ApiError(504, 'Timeout', message, { retryAfterSeconds });
}

export function internalError(err: unknown): ApiError {
  const msg = err instanceof Error ? err.message : String(err);
  return new ApiError(500, 'InternalError', `Internal error occurred: ${msg}`, { causes: [{ message: msg }] });
}

export function serviceUnavailable(message: string): ApiError {
  return new ApiError(503, 'ServiceUnavailable', message);
}

/** Maps anything thrown by the store (or a verb) onto an ApiError about `name` of `spec`. */
export function toApiError(err: unknown, spec?: Pick<KindSpec, 'plural' | 'group'>, name = ''): ApiError {
  if (err instanceof ApiError) return err;
  if (spec) {
    if (err instanceof NotFoundError) return notFound(spec, name);
    if (err instanceof AlreadyExistsError) return alreadyExists(spec, name);
    if (err instanceof ConflictError) return conflict(spec, name, OPTIMISTIC_LOCK_MESSAGE);
  }
  if (err instanceof CompactedError) {
    return expired(`too old resource version: ${err.requestedRevision} (${err.compactRevision})`);
  }
  if (err instanceof FutureRevisionError) {
    return timeoutError(`Too large resource version: ${err.requestedRevision}, current: ${err.currentRevision}`);
  }
  return internalError(err);
}

export { renderFieldError };
