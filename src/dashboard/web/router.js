// @ts-check
/**
 * Hash routes: `#/<view>?<params>`, e.g. `#/pods`, `#/logs?namespace=default&pod=web-1`,
 * `#/object?path=/api/v1/namespaces/default/pods/web-1`. Bookmarkable, and the back
 * button works, without any server-side routing.
 */

export const DEFAULT_VIEW = 'overview';

/**
 * @param {string} hash `location.hash`, with or without the leading '#'
 * @returns {{ view: string; params: Record<string, string> }}
 */
export function parseRoute(hash) {
  const h = hash.replace(/^#/, '').replace(/^\//, '');
  const q = h.indexOf('?');
  const view = decodeURIComponent(q < 0 ? h : h.slice(0, q)) || DEFAULT_VIEW;
  /** @type {Record<string, string>} */
  const params = {};
  for (const [k, v] of new URLSearchParams(q < 0 ? '' : h.slice(q + 1))) params[k] = v;
  return { view, params };
}

/**
 * @param {string} view
 * @param {Record<string, string | undefined>} [params]
 * @returns {string} a hash beginning with '#/'
 */
export function formatRoute(view, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return `#/${encodeURIComponent(view)}${s ? `?${s}` : ''}`;
}
