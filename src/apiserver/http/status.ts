/**
 * The Status errors the HTTP layer raises (authentication, authorization, limits,
 * routing), built on machinery's `ApiError` with kube-apiserver's exact wording.
 */
import {
  ApiError,
  badRequest as badRequestError,
  internalError as internalErrorOf,
  notAcceptable as notAcceptableError,
  requestEntityTooLarge as requestEntityTooLargeError,
  timeout,
  tooManyRequests as tooManyRequestsError,
  unauthorized as unauthorizedError,
} from '../../machinery/status.js';

export { ApiError };

export const badRequest = (message: string): ApiError => badRequestError(message);

export const unauthorized = (): ApiError => unauthorizedError('Unauthorized');

/** 404 for a path that names nothing, as upstream's NotFound handler words it. */
export const pathNotFound = (): ApiError =>
  new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });

/** 405 for a method a non-resource path does not serve. */
export const methodNotAllowed = (): ApiError =>
  new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server does not allow this method on the requested resource', reason: 'MethodNotAllowed', details: {}, code: 405 });

export const notAcceptable = (accepted: readonly string[]): ApiError => notAcceptableError(accepted);

/** 413 `Request entity too large: limit is 3145728`. */
export const requestEntityTooLarge = (limitBytes: number): ApiError => requestEntityTooLargeError(`limit is ${limitBytes}`);

/** 429 with details.retryAfterSeconds (writeStatus adds the Retry-After header). */
export const tooManyRequests = (retryAfterSeconds = 1): ApiError =>
  tooManyRequestsError('Too many requests, please try again later.', retryAfterSeconds);

export const internalError = (err: unknown): ApiError => internalErrorOf(err);

/** 504, as upstream's request-timeout filter words it. */
export const timeoutError = (): ApiError => timeout('request did not complete within requested timeout - context deadline exceeded');
