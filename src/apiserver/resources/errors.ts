/**
 * The one place where failures become Kubernetes Status errors for the resource layer:
 * storage sentinel errors (NotFound → 404, AlreadyExists → 409, Conflict → 409 Conflict,
 * Compacted → 410 Expired) are mapped here, on top of machinery's Status builders, with
 * helpers that take the kind being served.
 */
import type { KindSpec } from '../../api/schema/dsl.js';
import type { FieldError } from '../../machinery/field-errors.js';
import * as status from '../../machinery/status.js';
import { ApiError, OPTIMISTIC_LOCK_MESSAGE, type StatusDetails, type StatusReason } from '../../machinery/status.js';
import { AlreadyExistsError, CompactedError, ConflictError, FutureRevisionError, NotFoundError } from '../../storage/errors.js';

export { ApiError, OPTIMISTIC_LOCK_MESSAGE };

type SpecRef = Pick<KindSpec, 'plural' | 'group'>;
const gr = (spec: SpecRef): status.GroupResource => ({ group: spec.group, resource: spec.plural });

/** A Status error with an explicit code, reason and message (for messages no builder has). */
export function statusError(code: number, reason: StatusReason, message: string, details?: StatusDetails): ApiError {
  return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code });
}

/** 404 for a path that names no resource we serve. */
export function resourceNotFound(): ApiError {
  return statusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export const notFound = (spec: SpecRef, name: string): ApiError => status.notFound(gr(spec), name);
export const alreadyExists = (spec: SpecRef, name: string): ApiError => status.alreadyExists(gr(spec), name);
/** 409 Conflict: `Operation cannot be fulfilled on pods "x": <why>`. */
export const conflict = (spec: SpecRef, name: string, why: string = OPTIMISTIC_LOCK_MESSAGE): ApiError => status.conflict(gr(spec), name, why);
/** 422 Invalid: `<Kind>[.<group>] "<name>" is invalid: <field errors>`. */
export const invalid = (spec: Pick<KindSpec, 'kind' | 'group'>, name: string, errs: readonly FieldError[]): ApiError =>
  status.invalid({ group: spec.group, kind: spec.kind }, name, errs);
export const badRequest = status.badRequest;
export const forbidden = (spec: SpecRef, name: string, why: string): ApiError => status.forbidden(gr(spec), name, why);
export const expired = status.expired;
export const methodNotSupported = (spec: SpecRef, verb: string): ApiError => status.methodNotSupported(gr(spec), verb);
export const unsupportedMediaType = (_type: string, accepted: readonly string[]): ApiError => status.unsupportedMediaType(accepted);
export const tooManyRequests = status.tooManyRequests;
export const requestEntityTooLarge = status.requestEntityTooLarge;
export const timeoutError = (message: string): ApiError => status.timeout(message, 1);
export const internalError = status.internalError;

/** Maps anything thrown by the store (or a verb) onto an ApiError about `name` of `spec`. */
export function toApiError(err: unknown, spec?: SpecRef, name = ''): ApiError {
  if (err instanceof ApiError) return err;
  if (spec) {
    if (err instanceof NotFoundError) return notFound(spec, name);
    if (err instanceof AlreadyExistsError) return alreadyExists(spec, name);
    if (err instanceof ConflictError) return conflict(spec, name);
  }
  if (err instanceof CompactedError) return status.tooOldResourceVersion(err.requestedRevision, err.compactRevision);
  if (err instanceof FutureRevisionError) {
    return timeoutError(`Too large resource version: ${err.requestedRevision}, current: ${err.currentRevision}`);
  }
  return status.toApiError(err);
}
