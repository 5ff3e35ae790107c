// @ts-check
/** Pods: the columns of `kubectl get pods -o wide`, logs, a terminal in running pods, and delete. */
import { resourcePath } from '../api.js';
import { h } from '../dom.js';
import { age } from '../format.js';
import { liveList } from '../live-list.js';
import { podColumns } from '../pod-status.js';
import { formatRoute } from '../router.js';
import { renderTable } from '../table.js';
import { byName, collectionPath, describeError, objectLink, viewFrame } from './context.js';

/** @param {any} p */
const podPath = (p) => resourcePath({ version: 'v1', resource: 'pods', namespace: p.metadata.namespace, name: p.metadata.name });

/** @type {import('./context.js').View} */
export function podsView(root, ctx) {
  const frame = viewFrame(root, 'Pods', ctx);
  /** @param {any} p */
  const label = (p) => `${p.metadata.namespace}/${p.metadata.name}`;
  /** @param {any} p */
  const remove = (p) => {
    if (!window.confirm(`Delete pod ${label(p)}?`)) return;
    ctx.api.delete(podPath(p)).then(
      () => frame.error(null),
      (err) => frame.error(describeError(ctx, err)),
    );
  };

  /** @param {any} p */
  const openTerminal = (p) => {
    location.hash = formatRoute('terminal', { namespace: p.metadata.namespace, pod: p.metadata.name });
  };

  liveList(ctx.api, collectionPath(ctx, { version: 'v1', resource: 'pods' }), {
    signal: ctx.signal,
    onError: (err) => frame.error(err ? describeError(ctx, err) : null),
    onChange: (items) =>
      renderTable(frame.body, {
        caption: 'Pods',
        empty: 'No pods.',
        rows: byName(items).map((p) => ({ p, c: podColumns(p) })),
        columns: [
          { title: 'Name', cell: ({ p }) => objectLink(podPath(p), p.metadata.name) },
          ...(ctx.namespace ? [] : [{ title: 'Namespace', cell: (/** @type {any} */ { p }) => p.metadata.namespace }]),
          { title: 'Ready', cell: ({ c }) => c.ready },
          { title: 'Status', cell: ({ c }) => h('span', { class: `status status-${c.status.replace(/[^A-Za-z]/g, '')}` }, c.status) },
          { title: 'Restarts', cell: ({ c }) => c.restarts },
          { title: 'Node', cell: ({ p }) => p.spec?.nodeName ?? '<none>' },
          { title: 'IP', cell: ({ p }) => p.status?.podIP ?? '<none>' },
          { title: 'Age', cell: ({ p }) => age(p.metadata.creationTimestamp, ctx.now()) },
          {
            title: 'Actions',
            cell: ({ p }) =>
              h(
                'span',
                { class: 'actions' },
                h('a', { href: formatRoute('logs', { namespace: p.metadata.namespace, pod: p.metadata.name }), 'aria-label': `Logs of ${label(p)}` }, 'Logs'),
                p.status?.phase === 'Running' && !p.metadata.deletionTimestamp
                  ? h('button', { type: 'button', 'aria-label': `Terminal of ${label(p)}`, 'data-focus-key': `terminal:${label(p)}`, on: { click: () => openTerminal(p) } }, 'Terminal')
                  : null,
                h('button', { type: 'button', class: 'danger', 'aria-label': `Delete pod ${label(p)}`, 'data-focus-key': `delete:${label(p)}`, on: { click: () => remove(p) } }, 'Delete'),
              ),
          },
        ],
      }),
  });
}
