// @ts-check
/**
 * Any object as indented JSON, kept live by watching its collection for its name. A
 * Secret's values stay hidden until the user presses "Reveal values".
 */
import { h } from '../dom.js';
import { liveList } from '../live-list.js';
import { secretForDisplay } from '../secret-data.js';
import { describeError } from './context.js';

/**
 * Splits an object path into its collection and name; undefined when it is no object path.
 * @param {string} path e.g. /api/v1/namespaces/default/pods/web-1
 */
export function splitObjectPath(path) {
  if (!/^\/(api|apis)\/[^?#]+$/.test(path) || path.includes('..')) return undefined;
  const i = path.lastIndexOf('/');
  const name = decodeURIComponent(path.slice(i + 1));
  return name ? { collection: path.slice(0, i), name } : undefined;
}

/**
 * The object without managedFields, which is long and rarely what a reader wants.
 * @param {any} obj
 */
export function forDisplay(obj) {
  if (!obj?.metadata?.managedFields) return obj;
  const { managedFields: _drop, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** @type {import('./context.js').View} */
export function detailView(root, ctx) {
  const path = ctx.params.path ?? '';
  const parts = splitObjectPath(path);
  const message = h('p', { class: 'message', role: 'status', hidden: true });
  const pre = h('pre', { class: 'object', tabIndex: 0, 'aria-label': `Object ${path}` }, 'Loading…');
  let reveal = false;
  /** @type {any} */
  let shown;
  const render = () => {
    pre.textContent = shown ? JSON.stringify(secretForDisplay(forDisplay(shown), reveal), null, 2) : '(deleted, or not found)';
    revealButton.hidden = shown?.kind !== 'Secret';
    revealButton.textContent = reveal ? 'Hide values' : 'Reveal values';
  };
  const revealButton = h('button', { type: 'button', hidden: true, on: { click: () => ((reveal = !reveal), render()) } }, 'Reveal values');
  root.replaceChildren(h('h2', {}, parts ? parts.name : 'Object'), h('p', {}, h('code', {}, path)), h('div', { class: 'toolbar' }, revealButton), message, pre);
  if (!parts) {
    pre.textContent = '';
    message.textContent = 'Not an object path.';
    message.className = 'message error';
    message.hidden = false;
    return;
  }
  liveList(ctx.api, `${parts.collection}?fieldSelector=${encodeURIComponent(`metadata.name=${parts.name}`)}`, {
    signal: ctx.signal,
    onError: (err) => {
      message.textContent = err ? describeError(ctx, err) : '';
      message.className = err ? 'message error' : 'message';
      message.hidden = !err;
    },
    onChange: (items) => {
      shown = items.find((o) => o.metadata?.name === parts.name);
      render();
    },
  });
}
