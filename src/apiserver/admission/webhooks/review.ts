/**
 * The `admission.k8s.io/v1` AdmissionReview a webhook receives, and the checks on the one
 * it sends back (as upstream's webhook request/response helpers). Pure.
 */
import type { AdmissionAttributes } from '../types.js';
import type { KubeObject } from '../../watch-cache/cached-object.js';

export const REVIEW_API_VERSION = 'admission.k8s.io/v1';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}
export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  subResource?: string;
  requestKind: GroupVersionKind;
  requestResource: GroupVersionResource;
  requestSubResource?: string;
  name?: string;
  namespace?: string;
  operation: AdmissionAttributes['operation'];
  userInfo: { username: string; uid?: string; groups?: string[] };
  object: KubeObject | null;
  oldObject: KubeObject | null;
  dryRun: boolean;
  options: Record<string, unknown> | null;
}

export interface AdmissionReview {
  apiVersion: typeof REVIEW_API_VERSION;
  kind: 'AdmissionReview';
  request: AdmissionRequest;
}

/** The parts of a webhook's answer the API server acts on. */
export interface ReviewResult {
  allowed: boolean;
  status?: { code?: number; message?: string; reason?: string; status?: string; details?: unknown };
  /** Decoded JSON patch operations (mutating webhooks only). */
  patch?: unknown;
  warnings: string[];
}

const OPTIONS_KIND: Record<AdmissionAttributes['operation'], string | undefined> = {
  CREATE: 'CreateOptions',
  UPDATE: 'UpdateOptions',
  DELETE: 'DeleteOptions',
  CONNECT: undefined,
};

/** Builds the review for one call. `obj`/`old` are sent as they are now (after earlier mutations). */
export function buildAdmissionReview(attrs: AdmissionAttributes, obj: KubeObject | undefined, old: KubeObject | undefined, uid: string): AdmissionReview {
  const { spec } = attrs;
  const kind = { group: spec.group, version: spec.version, kind: spec.kind };
  const resource = { group: spec.group, version: spec.version, resource: spec.plural };
  const optionsKind = OPTIONS_KIND[attrs.operation];
  const request: AdmissionRequest = {
    uid,
    kind,
    resource,
    ...(attrs.subresource ? { subResource: attrs.subresource } : {}),
    requestKind: { ...kind },
    requestResource: { ...resource },
    ...(attrs.subresource ? { requestSubResource: attrs.subresource } : {}),
    ...(attrs.name ? { name: attrs.name } : {}),
    ...(attrs.namespace ? { namespace: attrs.namespace } : {}),
    operation: attrs.operation,
    userInfo: {
      username: attrs.user.name,
      ...(attrs.user.uid ? { uid: attrs.user.uid } : {}),
      ...(attrs.user.groups.length > 0 ? { groups: [...attrs.user.groups] } : {}),
    },
    object: obj ?? null,
    oldObject: old ?? null,
    dryRun: attrs.dryRun,
    options: optionsKind ? { kind: optionsKind, apiVersion: 'meta.k8s.io/v1', ...(attrs.dryRun ? { dryRun: ['All'] } : {}) } : null,
  };
  return { apiVersion: REVIEW_API_VERSION, kind: 'AdmissionReview', request };
}

/** A webhook answer the API server cannot use (upstream: "received invalid webhook response"). */
export class InvalidReviewResponse extends Error {}

/**
 * Checks a webhook's answer to the review with `uid` and decodes it. Throws
 * InvalidReviewResponse for the answers upstream refuses (wrong type, no response, another
 * uid, a patch without patchType JSONPatch, a patch from a validating webhook).
 */
export function readReviewResponse(body: unknown, uid: string, mutating: boolean): ReviewResult {
  const review = (body ?? {}) as Record<string, any>;
  if (review.apiVersion !== REVIEW_API_VERSION || review.kind !== 'AdmissionReview') {
    const [group, version] = String(review.apiVersion ?? '').includes('/') ? String(review.apiVersion).split('/', 2) : ['', String(review.apiVersion ?? '')];
    throw new InvalidReviewResponse(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${group}/${version}, Kind=${String(review.kind ?? '')}`);
  }
  const response = review.response as Record<string, any> | undefined | null;
  if (!response || typeof response !== 'object') throw new InvalidReviewResponse('webhook response was absent');
  if (response.uid !== uid) throw new InvalidReviewResponse(`expected response.uid="${uid}", got "${String(response.uid ?? '')}"`);
  const warnings = Array.isArray(response.warnings) ? response.warnings.filter((w: unknown): w is string => typeof w === 'string') : [];
  const result: ReviewResult = { allowed: response.allowed === true, warnings };
  if (response.status && typeof response.status === 'object') result.status = response.status;
  const hasPatch = typeof response.patch === 'string' && response.patch !== '';
  if (!mutating) {
    if (hasPatch || response.patchType) throw new InvalidReviewResponse('validating webhook may not return response.patch');
    return result;
  }
  if (hasPatch) {
    if (!response.patchType) throw new InvalidReviewResponse('webhook returned response.patch but not response.patchType');
    if (response.patchType !== 'JSONPatch') throw new InvalidReviewResponse(`webhook returned invalid response.patchType of "${String(response.patchType)}"`);
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8'));
    } catch (err) {
      throw new InvalidReviewResponse(`webhook returned a patch that is not JSON: ${(err as Error).message}`);
    }
    result.patch = decoded;
  }
  return result;
}
