import type { RequestInfo } from './types.js';
import { badRequest, methodNotAllowed, pathNotFound } from './http/status.js';

/**
 * How a request path is classified, as Kubernetes' RequestInfoFactory does:
 * - `resource`: a verb on a resource (`/api/v1/namespaces/ns/pods/name/status`);
 * - `nonResource`: everything else (`/version`, `/api`, `/apis/apps/v1`, `/healthz`),
 *   with the lowercased HTTP method as the verb (used for authorization).
 */
export type ParsedRequest =
  | { kind: 'resource'; info: RequestInfo; path: string }
  | { kind: 'nonResource'; verb: string; path: string; segments: string[]; query: URLSearchParams };

/** Namespace subresources: `/api/v1/namespaces/<ns>/status` names the namespace, not a resource in it. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Go's strconv.ParseBool true values, which is how upstream reads `watch=`. */
const TRUE_VALUES = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/**
 * Parses the request target. Throws a 400 Status for malformed percent-encoding, a 404
 * for empty path segments inside a resource path and a 405 for methods no verb maps to.
 */
export function parseRequest(method: string, rawUrl: string): ParsedRequest {
  const qIndex = rawUrl.indexOf('?');
  const rawPath = qIndex < 0 ? rawUrl : rawUrl.slice(0, qIndex);
  const rawQuery = qIndex < 0 ? '' : rawUrl.slice(qIndex + 1);
  if (!rawPath.startsWith('/')) throw badRequest(`invalid request URI: ${JSON.stringify(rawUrl.slice(0, 200))}`);
  let segments: string[];
  try {
    // Without a '%' there is nothing to decode (and nothing malformed): the common case.
    segments = rawPath.split('/').slice(1);
    if (rawPath.includes('%')) segments = segments.map((s) => decodeURIComponent(s));
    // URLSearchParams never throws; check the percent-encoding ourselves, as Go's url.ParseQuery does.
    if (rawQuery.includes('%')) for (const pair of rawQuery.split('&')) if (pair) decodeURIComponent(pair.replace(/\+/g, ' '));
  } catch {
    throw badRequest(`invalid URL escape in ${JSON.stringify(rawUrl.slice(0, 200))}`);
  }
  if (segments.length > 0 && segments[segments.length - 1] === '') segments.pop();
  const query = new URLSearchParams(rawQuery);
  const path = `/${segments.join('/')}`;
  const nonResource = (): ParsedRequest => ({ kind: 'nonResource', verb: method.toLowerCase(), path, segments, query });

  let group = '';
  let version: string | undefined;
  let parts: string[];
  if (segments[0] === 'api') {
    version = segments[1];
    parts = segments.slice(2);
  } else if (segments[0] === 'apis') {
    group = segments[1] ?? '';
    version = segments[2];
    parts = segments.slice(3);
  } else {
    return nonResource();
  }
  if (!version || parts.length === 0) return nonResource();
  if (parts.some((p) => p === '')) throw pathNotFound();

  let legacyWatch = false;
  if (parts[0] === 'watch') {
    legacyWatch = true;
    parts = parts.slice(1);
    if (parts.length === 0) throw pathNotFound();
  }

  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1];
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] as string)) parts = parts.slice(2);
  }
  if (parts.length > 3) throw pathNotFound();
  const [resource, name, subresource] = parts as [string, string | undefined, string | undefined];

  let verb: RequestInfo['verb'];
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (legacyWatch) verb = 'watch';
      else if (name) verb = 'get';
      else verb = TRUE_VALUES.has(query.get('watch') ?? '') ? 'watch' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      throw methodNotAllowed();
  }
  if (legacyWatch && method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();

  const info: RequestInfo = {
    verb,
    group,
    version,
    resource,
    ...(subresource ? { subresource } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name ? { name } : {}),
    query,
  };
  return { kind: 'resource', info, path };
}

/** Verbs that stream for as long as the client wants: exempt from timeouts and in-flight limits. */
const LONG_RUNNING_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy', 'log']);

export function isLongRunning(info: RequestInfo): boolean {
  return info.verb === 'watch' || (info.subresource !== undefined && LONG_RUNNING_SUBRESOURCES.has(info.subresource));
}

/** Reads only (get/list/watch) as opposed to writes; decides which in-flight budget applies. */
export function isReadOnly(verb: string): boolean {
  return verb === 'get' || verb === 'list' || verb === 'watch' || verb === 'head';
}
