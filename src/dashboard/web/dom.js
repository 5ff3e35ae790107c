// @ts-check
/**
 * Building DOM without innerHTML: text is always text, never markup, so names and
 * messages from the cluster cannot inject anything.
 */

/**
 * @typedef {Node | string | number | null | undefined | false} Child
 * @param {string} tag
 * @param {Record<string, unknown>} [props] `class`, `on: { click: fn }`, DOM properties
 *   (`value`, `disabled`, `type`…) and `aria-*`/`data-*`/other attributes
 * @param {...(Child | Child[])} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(/** @type {Record<string, EventListener>} */ (v))) el.addEventListener(ev, fn);
    } else if (k === 'class') {
      el.className = String(v);
    } else if (k in el && !k.includes('-')) {
      /** @type {any} */ (el)[k] = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

/**
 * @param {HTMLElement} el
 * @param {(Child | Child[])[]} children
 */
function append(el, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/**
 * A region for status and error messages that screen readers announce.
 * @returns {{ el: HTMLElement; show(text: string, kind?: 'error' | 'info'): void; clear(): void }}
 */
export function messageArea() {
  const el = h('p', { class: 'message', role: 'status', 'aria-live': 'polite', hidden: true });
  return {
    el,
    show(text, kind = 'info') {
      el.textContent = text;
      el.className = `message ${kind}`;
      el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
      el.hidden = false;
    },
    clear() {
      el.textContent = '';
      el.hidden = true;
    },
  };
}
