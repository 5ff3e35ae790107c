import type { HTTPIngressPath, Ingress, IngressBackend } from '../api/networking/v1/ingress.js';

/** How a rule's host matched the request's: tiers tried in this order, the most specific first. */
export type HostMatch = 'exact' | 'wildcard' | 'any';
const TIERS: readonly HostMatch[] = ['exact', 'wildcard', 'any'];

/** The ingress and backend a request goes to (`path` unset when it fell through to defaultBackend). */
export interface RouteMatch {
  ingress: Ingress;
  backend: IngressBackend;
  path?: HTTPIngressPath;
}

/** The request's host from its Host header: no port, lower case, no trailing dot ("[::1]" keeps its brackets). */
export function requestHost(header: string | undefined): string {
  let h = (header ?? '').trim().toLowerCase();
  if (h.startsWith('[')) h = h.slice(0, h.indexOf(']') + 1);
  else if (h.includes(':')) h = h.slice(0, h.indexOf(':'));
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/** The path part of a request target (origin form, or absolute form as proxies may send), without the query. */
export function requestPath(url: string | undefined): string {
  let u = url ?? '/';
  if (!u.startsWith('/')) {
    // Absolute form ("http://host/path"): drop scheme and authority.
    const afterScheme = u.indexOf('://');
    const slash = afterScheme < 0 ? -1 : u.indexOf('/', afterScheme + 3);
    u = slash < 0 ? '/' : u.slice(slash);
  }
  const q = u.search(/[?#]/);
  return q < 0 ? u : u.slice(0, q);
}

/**
 * How a rule host matches a request host: no host matches any; `*.example.com` matches
 * exactly one more label in front (`a.example.com`, not `example.com` nor `a.b.example.com`).
 */
export function hostMatch(ruleHost: string | undefined, host: string): HostMatch | undefined {
  if (!ruleHost) return 'any';
  const rule = ruleHost.toLowerCase();
  if (!rule.startsWith('*.')) return rule === host ? 'exact' : undefined;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot) === rule.slice(1) ? 'wildcard' : undefined;
}

const segments = (p: string): string[] => p.split('/').filter((s) => s !== '');

/**
 * How well one Ingress path matches a request path, or undefined: `length` is the matched
 * path's length (longest wins), `exact` breaks ties in favour of Exact. Prefix compares
 * whole `/`-separated elements, ignoring a trailing slash (`/foo` matches `/foo/bar`, not
 * `/foobar`); ImplementationSpecific (and an unset type) is treated as Prefix here.
 */
export function pathMatch(p: HTTPIngressPath, reqPath: string): { length: number; exact: boolean } | undefined {
  const path = p.path || '/';
  if (p.pathType === 'Exact') return path === reqPath ? { length: path.length, exact: true } : undefined;
  const want = segments(path);
  const got = segments(reqPath);
  if (want.length > got.length) return undefined;
  for (let i = 0; i < want.length; i++) if (want[i] !== got[i]) return undefined;
  // Normalized length, so "/foo/" and "/foo" rank the same.
  return { length: want.join('/').length + 1, exact: false };
}

/**
 * Routes one request over the Ingresses this controller serves, given in precedence order
 * (earlier wins ties: oldest first, as ingress-nginx does). Rules are tried by host tier —
 * exact host, then wildcard, then host-less — and within a tier every matching rule's paths
 * compete, the longest match winning (Exact before Prefix on equal length). A tier with
 * no matching path falls through to the next. Without any path match, the defaultBackend
 * of the ingress whose rules matched the host most specifically answers (an ingress without
 * rules counts as host-less); undefined means 404.
 */
export function matchRoute(ingresses: readonly Ingress[], host: string, reqPath: string): RouteMatch | undefined {
  for (const tier of TIERS) {
    let best: (RouteMatch & { length: number; exact: boolean }) | undefined;
    for (const ingress of ingresses) {
      for (const rule of ingress.spec?.rules ?? []) {
        if (hostMatch(rule.host, host) !== tier) continue;
        for (const p of rule.http?.paths ?? []) {
          const m = pathMatch(p, reqPath);
          if (!m || !p.backend) continue;
          if (best && (m.length < best.length || (m.length === best.length && (best.exact || !m.exact)))) continue;
          best = { ingress, backend: p.backend, path: p, ...m };
        }
      }
    }
    if (best) return { ingress: best.ingress, backend: best.backend, ...(best.path ? { path: best.path } : {}) };
  }
  return defaultRoute(ingresses, host);
}

function defaultRoute(ingresses: readonly Ingress[], host: string): RouteMatch | undefined {
  let best: { ingress: Ingress; backend: IngressBackend; rank: number } | undefined;
  for (const ingress of ingresses) {
    const backend = ingress.spec?.defaultBackend;
    if (!backend) continue;
    const rules = ingress.spec?.rules ?? [];
    const ranks = rules.map((r) => hostMatch(r.host, host)).filter((m) => m !== undefined).map((m) => TIERS.indexOf(m));
    if (rules.length === 0) ranks.push(TIERS.indexOf('any'));
    // An ingress whose rules all name other hosts still catches what nothing else does, last.
    const rank = ranks.length > 0 ? Math.min(...ranks) : TIERS.length;
    if (!best || rank < best.rank) best = { ingress, backend, rank };
  }
  return best ? { ingress: best.ingress, backend: best.backend } : undefined;
}
