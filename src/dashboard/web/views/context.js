// @ts-check
/**
 * What every view gets, and the helpers they share. A view is
 * `mount(root, ctx) → unmount`; unmount aborts its watches (`ctx.signal`).
 */
import { ApiError, resourcePath } from '../api.js';
import { h } from '../dom.js';
import { formatRoute } from '../router.js';

/**
 * @typedef {{
 *   api: import('../api.js').ApiClient;
 *   namespace: string;          // '' means all namespaces
 *   params: Record<string, string>;
 *   signal: AbortSignal;
 *   onAuthError(err: ApiError): void;
 *   now(): number;
 * }} ViewContext
 * @typedef {(root: HTMLElement, ctx: ViewContext) => void} View
 */

/**
 * The collection path for the selected namespace (or all of them).
 * @param {ViewContext} ctx
 * @param {{ group?: string; version: string; resource: string }} r
 */
export function collectionPath(ctx, r) {
  return resourcePath({ ...r, ...(ctx.namespace ? { namespace: ctx.namespace } : {}) });
}

/**
 * A message for an error; hands 401s to the app (which signs the user out).
 * @param {ViewContext} ctx
 * @param {unknown} err
 */
export function describeError(ctx, err) {
  if (err instanceof ApiError) {
    if (err.status === 401) ctx.onAuthError(err);
    if (err.status === 403) return `Forbidden: ${err.message}`;
    return `${err.status}: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * A link to the detail view of an object.
 * @param {string} path the object's API path
 * @param {string} label
 */
export function objectLink(path, label) {
  return h('a', { href: formatRoute('object', { path }) }, label);
}

/**
 * Sorts objects by namespace, then name.
 * @param {any[]} items
 */
export function byName(items) {
  return [...items].sort((a, b) =>
    `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`.localeCompare(`${b.metadata?.namespace ?? ''}/${b.metadata?.name ?? ''}`),
  );
}

/**
 * The view's heading, message area and table container.
 * @param {HTMLElement} root
 * @param {string} title
 * @param {ViewContext} ctx
 * @param {{ clusterScoped?: boolean }} [opts] cluster-scoped kinds ignore the namespace
 */
export function viewFrame(root, title, ctx, opts = {}) {
  const scope = opts.clusterScoped ? 'cluster' : ctx.namespace ? `namespace ${ctx.namespace}` : 'all namespaces';
  const message = h('p', { class: 'message', role: 'status', 'aria-live': 'polite', hidden: true });
  const body = h('div', { class: 'table-wrap' }, h('p', {}, 'Loading…'));
  root.replaceChildren(h('h2', {}, title, ' ', h('small', {}, `(${scope})`)), message, body);
  return {
    body,
    /** @param {string | null} text */
    error(text) {
      message.textContent = text ?? '';
      message.className = text ? 'message error' : 'message';
      message.setAttribute('role', text ? 'alert' : 'status');
      message.hidden = !text;
    },
  };
}

/**
 * A button in a table's Actions cell; `label` names what it does to which object, for
 * screen readers and tests, and keeps focus across re-renders.
 * @param {string} text
 * @param {string} label e.g. "Scale up default/web"
 * @param {() => void} onClick
 * @param {{ danger?: boolean; disabled?: boolean }} [opts]
 */
export function actionButton(text, label, onClick, opts = {}) {
  return h('button', { type: 'button', class: opts.danger ? 'danger' : undefined, 'aria-label': label, 'data-focus-key': label, disabled: opts.disabled, on: { click: onClick } }, text);
}

/**
 * Runs an API call for the view: clears its message on success, shows the error otherwise.
 * @param {ViewContext} ctx
 * @param {{ error(text: string | null): void }} frame
 * @param {Promise<unknown>} p
 */
export function act(ctx, frame, p) {
  return p.then(() => frame.error(null), (err) => frame.error(describeError(ctx, err)));
}

/**
 * The strategic merge patch `kubectl rollout restart` sends: a new restartedAt annotation
 * on the pod template, which rolls every pod.
 * @param {number} now epoch milliseconds
 */
export function restartPatch(now) {
  return { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date(now).toISOString().replace(/\.\d+Z$/, 'Z') } } } } };
}
