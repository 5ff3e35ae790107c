import { ApiError, type Status, type StatusDetails, type StatusReason } from '../machinery/status.js';

export { ApiError };
export type { Status, StatusDetails, StatusReason };

/** HTTP code → the reason Kubernetes uses when a body carries none. */
const REASONS: Record<number, StatusReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/**
 * Turns an error response (or an ERROR watch event's object) into an ApiError. A Status
 * body is taken as the server wrote it; anything else becomes a Status with the HTTP
 * code's standard reason and the text as message (as client-go does).
 */
export function apiErrorFrom(code: number, body: unknown): ApiError {
  const s = typeof body === 'string' ? tryJson(body) : body;
  if (isStatus(s)) {
    return new ApiError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: s.message || `the server responded with the status code ${code}`,
      reason: (s.reason as StatusReason | undefined) || REASONS[code] || 'Unknown',
      ...(s.details ? { details: s.details } : {}),
      code: typeof s.code === 'number' && s.code > 0 ? s.code : code,
    });
  }
  const text = typeof body === 'string' ? body.trim() : '';
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: text || `the server responded with the status code ${code} but did not return more information`,
    reason: REASONS[code] ?? 'Unknown',
    code,
  });
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isStatus(v: unknown): v is { code?: number; reason?: string; message?: string; details?: StatusDetails } {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Status';
}

/** True for a 404 ApiError. */
export const isNotFound = (err: unknown): boolean => err instanceof ApiError && err.code === 404;
/** True for 409 AlreadyExists. */
export const isAlreadyExists = (err: unknown): boolean => err instanceof ApiError && err.code === 409 && err.status.reason === 'AlreadyExists';
/** True for 409 Conflict (stale resourceVersion). */
export const isConflict = (err: unknown): boolean => err instanceof ApiError && err.code === 409 && err.status.reason !== 'AlreadyExists';
/** True for 410 Gone / Expired (resourceVersion compacted away). */
export const isGone = (err: unknown): boolean => err instanceof ApiError && err.code === 410;
