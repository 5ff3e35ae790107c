// @ts-check
/**
 * Apply a manifest with server-side apply, as `kubectl apply --server-side` does: each
 * document is PATCHed as application/apply-patch+yaml with fieldManager=skiff-dashboard,
 * to the resource that discovery names for its apiVersion and kind.
 */
import { resourcePath } from '../api.js';
import { h } from '../dom.js';
import { ManifestError, parseManifests } from '../manifest.js';
import { describeError, objectLink } from './context.js';

/**
 * Finds the resource (plural name, namespaced) for an apiVersion and kind through discovery.
 * @param {import('../api.js').ApiClient} api
 * @param {string} apiVersion
 * @param {string} kind
 * @param {Map<string, Promise<any>>} cache
 */
export async function findResource(api, apiVersion, kind, cache) {
  const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  let list = cache.get(path);
  if (!list) {
    list = api.get(path);
    cache.set(path, list);
    list.catch(() => cache.delete(path));
  }
  const found = ((await list).resources ?? []).find((/** @type {any} */ r) => r.kind === kind && !r.name.includes('/'));
  if (!found) throw new Error(`the server has no resource of kind ${kind} in ${apiVersion}`);
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return { group: group ?? '', version: version ?? '', resource: /** @type {string} */ (found.name), namespaced: Boolean(found.namespaced) };
}

/** @type {import('./context.js').View} */
export function applyView(root, ctx) {
  const text = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: 'manifest', rows: 18, spellcheck: false, placeholder: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: example\ndata:\n  key: value' }));
  const results = h('ul', { class: 'results', 'aria-live': 'polite' });
  const button = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit' }, 'Apply'));
  const defaultNs = ctx.namespace || 'default';
  /** @type {Map<string, Promise<any>>} */
  const discovery = new Map();

  /** @param {string} line @param {'ok' | 'error'} kind @param {Node} [link] */
  const report = (line, kind, link) => results.append(h('li', { class: kind, role: kind === 'error' ? 'alert' : undefined }, link ?? '', link ? ' ' : '', line));

  const apply = async () => {
    results.replaceChildren();
    let docs;
    try {
      docs = parseManifests(text.value);
    } catch (err) {
      report(err instanceof ManifestError ? err.message : String(err), 'error');
      return;
    }
    button.disabled = true;
    try {
      for (const doc of docs) {
        const id = `${doc.kind.toLowerCase()}/${doc.name}`;
        try {
          const r = await findResource(ctx.api, doc.apiVersion, doc.kind, discovery);
          const path = resourcePath({ ...r, ...(r.namespaced ? { namespace: doc.namespace ?? defaultNs } : {}), name: doc.name });
          const res = await ctx.api.request('PATCH', `${path}?fieldManager=skiff-dashboard`, { body: doc.body, contentType: 'application/apply-patch+yaml' });
          report(res.status === 201 ? 'created' : 'applied', 'ok', objectLink(path, id));
        } catch (err) {
          report(`${id}: ${describeError(ctx, err)}`, 'error');
        }
      }
    } finally {
      button.disabled = false;
    }
  };

  root.replaceChildren(
    h('h2', {}, 'Apply a manifest'),
    h(
      'form',
      { class: 'apply', on: { submit: (/** @type {Event} */ e) => (e.preventDefault(), void apply()) } },
      h('label', { for: 'manifest' }, `Manifest (YAML or JSON; several documents separated by ---). Namespaced objects without a namespace go to "${defaultNs}".`),
      text,
      h('div', {}, button),
    ),
    h('h3', {}, 'Result'),
    results,
  );
}
