// @ts-check
/** Namespaces: status, a form to create one, and delete after a confirmation. */
import { resourcePath } from '../api.js';
import { h } from '../dom.js';
import { age } from '../format.js';
import { liveList } from '../live-list.js';
import { renderTable } from '../table.js';
import { act, actionButton, byName, describeError, objectLink, viewFrame } from './context.js';

const NAMESPACES = { version: 'v1', resource: 'namespaces' };

/** @type {import('./context.js').View} */
export function namespacesView(root, ctx) {
  const frame = viewFrame(root, 'Namespaces', ctx, { clusterScoped: true });
  /** @param {any} n */
  const pathOf = (n) => resourcePath({ ...NAMESPACES, name: n.metadata.name });
  /** @param {any} n */
  const remove = (n) => {
    if (!window.confirm(`Delete namespace ${n.metadata.name} and everything in it?`)) return;
    act(ctx, frame, ctx.api.delete(pathOf(n)));
  };

  const input = /** @type {HTMLInputElement} */ (h('input', { id: 'new-namespace', required: true, pattern: '[a-z0-9]([-a-z0-9]*[a-z0-9])?', maxLength: 63, autocomplete: 'off' }));
  const form = h(
    'form',
    {
      class: 'toolbar',
      on: {
        submit: (/** @type {Event} */ e) => {
          e.preventDefault();
          const name = input.value.trim();
          if (!name) return;
          act(ctx, frame, ctx.api.post(resourcePath(NAMESPACES), { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).then(() => (input.value = '')));
        },
      },
    },
    h('label', { for: 'new-namespace' }, 'New namespace'),
    input,
    h('button', { type: 'submit' }, 'Create'),
  );
  frame.body.before(form);

  liveList(ctx.api, resourcePath(NAMESPACES), {
    signal: ctx.signal,
    onError: (err) => frame.error(err ? describeError(ctx, err) : null),
    onChange: (items) =>
      renderTable(frame.body, {
        caption: 'Namespaces',
        empty: 'No namespaces.',
        rows: byName(items),
        columns: [
          { title: 'Name', cell: (n) => objectLink(pathOf(n), n.metadata.name) },
          { title: 'Status', cell: (n) => n.status?.phase ?? 'Active' },
          { title: 'Age', cell: (n) => age(n.metadata.creationTimestamp, ctx.now()) },
          {
            title: 'Actions',
            cell: (n) =>
              h(
                'span',
                { class: 'actions' },
                n.status?.phase === 'Terminating' ? null : actionButton('Delete', `Delete namespace ${n.metadata.name}`, () => remove(n), { danger: true }),
              ),
          },
        ],
      }),
  });
}
