// @ts-check
/** Deployments: ready/desired, scale − / +, and restart as `kubectl rollout restart` does. */
import { resourcePath } from '../api.js';
import { h } from '../dom.js';
import { age } from '../format.js';
import { liveList } from '../live-list.js';
import { renderTable } from '../table.js';
import { byName, collectionPath, describeError, objectLink, viewFrame } from './context.js';

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };

/** @type {import('./context.js').View} */
export function deploymentsView(root, ctx) {
  const frame = viewFrame(root, 'Deployments', ctx);
  /** @param {any} d @param {string} [sub] */
  const pathOf = (d, sub) => resourcePath({ ...DEPLOYMENTS, namespace: d.metadata.namespace, name: d.metadata.name, ...(sub ? { subresource: sub } : {}) });
  /** @param {Promise<unknown>} p */
  const act = (p) => p.then(() => frame.error(null), (err) => frame.error(describeError(ctx, err)));
  /** @param {any} d @param {number} delta */
  const scale = (d, delta) =>
    act(ctx.api.patch(pathOf(d, 'scale'), { spec: { replicas: Math.max(0, (d.spec?.replicas ?? 1) + delta) } }, 'application/merge-patch+json'));
  /** @param {any} d */
  const restart = (d) =>
    act(
      ctx.api.patch(
        pathOf(d),
        { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date(ctx.now()).toISOString().replace(/\.\d+Z$/, 'Z') } } } } },
        'application/strategic-merge-patch+json',
      ),
    );
  /** @param {any} d */
  const label = (d) => `${d.metadata.namespace}/${d.metadata.name}`;

  liveList(ctx.api, collectionPath(ctx, DEPLOYMENTS), {
    signal: ctx.signal,
    onError: (err) => frame.error(err ? describeError(ctx, err) : null),
    onChange: (items) =>
      renderTable(frame.body, {
        caption: 'Deployments',
        empty: 'No deployments.',
        rows: byName(items),
        columns: [
          { title: 'Name', cell: (d) => objectLink(pathOf(d), d.metadata.name) },
          ...(ctx.namespace ? [] : [{ title: 'Namespace', cell: (/** @type {any} */ d) => d.metadata.namespace }]),
          { title: 'Ready', cell: (d) => `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}` },
          { title: 'Up-to-date', cell: (d) => d.status?.updatedReplicas ?? 0 },
          { title: 'Available', cell: (d) => d.status?.availableReplicas ?? 0 },
          { title: 'Age', cell: (d) => age(d.metadata.creationTimestamp, ctx.now()) },
          {
            title: 'Actions',
            cell: (d) =>
              h(
                'span',
                { class: 'actions' },
                h('button', { type: 'button', 'aria-label': `Scale down ${label(d)}`, 'data-focus-key': `down:${label(d)}`, disabled: (d.spec?.replicas ?? 1) === 0, on: { click: () => scale(d, -1) } }, '−'),
                h('button', { type: 'button', 'aria-label': `Scale up ${label(d)}`, 'data-focus-key': `up:${label(d)}`, on: { click: () => scale(d, +1) } }, '+'),
                h('button', { type: 'button', 'aria-label': `Restart ${label(d)}`, 'data-focus-key': `restart:${label(d)}`, on: { click: () => restart(d) } }, 'Restart'),
              ),
          },
        ],
      }),
  });
}
