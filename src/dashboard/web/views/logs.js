// @ts-check
/** A pod's logs through `pods/log`, optionally followed as they are written. */
import { resourcePath } from '../api.js';
import { h } from '../dom.js';
import { formatRoute } from '../router.js';
import { describeError } from './context.js';

const MAX_CHARS = 1_000_000;

/** @type {import('./context.js').View} */
export function logsView(root, ctx) {
  const namespace = ctx.params.namespace || ctx.namespace || 'default';
  const pod = ctx.params.pod ?? '';
  const message = h('p', { class: 'message', role: 'status', hidden: true });
  const output = h('pre', { class: 'logs', tabIndex: 0, 'aria-label': `Logs of ${namespace}/${pod}`, 'aria-live': 'off' });
  const containerSelect = /** @type {HTMLSelectElement} */ (h('select', { id: 'log-container' }));
  const follow = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: 'log-follow', checked: ctx.params.follow !== 'false' }));
  root.replaceChildren(
    h('h2', {}, 'Logs: ', h('code', {}, `${namespace}/${pod}`)),
    h(
      'form',
      { class: 'toolbar', on: { submit: (/** @type {Event} */ e) => (e.preventDefault(), start()) } },
      h('label', { for: 'log-container' }, 'Container '),
      containerSelect,
      h('label', {}, follow, ' Follow'),
      h('button', { type: 'submit' }, 'Reload'),
      h('a', { href: formatRoute('pods') }, 'Back to pods'),
    ),
    message,
    output,
  );
  /** @param {string | null} text */
  const showError = (text) => {
    message.textContent = text ?? '';
    message.className = text ? 'message error' : 'message';
    message.hidden = !text;
  };

  /** @type {AbortController | undefined} */
  let current;
  ctx.signal.addEventListener('abort', () => current?.abort());
  const podPath = resourcePath({ version: 'v1', resource: 'pods', namespace, name: pod });

  const start = async () => {
    current?.abort();
    const mine = new AbortController();
    current = mine;
    output.textContent = '';
    showError(null);
    const q = new URLSearchParams({ tailLines: '1000' });
    if (containerSelect.value) q.set('container', containerSelect.value);
    if (follow.checked) q.set('follow', 'true');
    try {
      const res = await ctx.api.request('GET', `${podPath}/log?${q}`, { signal: mine.signal });
      if (!res.body) return;
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const atBottom = output.scrollTop + output.clientHeight >= output.scrollHeight - 4;
        output.textContent = ((output.textContent ?? '') + decoder.decode(value, { stream: true })).slice(-MAX_CHARS);
        if (atBottom) output.scrollTop = output.scrollHeight;
      }
    } catch (err) {
      if (!mine.signal.aborted) showError(describeError(ctx, err));
    }
  };

  ctx.api.get(podPath, ctx.signal).then(
    (p) => {
      const names = [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])].map((c) => c.name);
      containerSelect.replaceChildren(...names.map((n) => h('option', { value: n, selected: n === (ctx.params.container ?? p.spec?.containers?.[0]?.name) }, n)));
      void start();
    },
    (err) => {
      if (!ctx.signal.aborted) showError(describeError(ctx, err));
    },
  );
}
