// @ts-check
/** DaemonSets: the counts `kubectl get ds` shows, and restart. */
import { resourcePath } from '../api.js';
import { h } from '../dom.js';
import { age } from '../format.js';
import { liveList } from '../live-list.js';
import { renderTable } from '../table.js';
import { act, actionButton, byName, collectionPath, describeError, objectLink, restartPatch, viewFrame } from './context.js';

const DAEMONSETS = { group: 'apps', version: 'v1', resource: 'daemonsets' };

/** @type {import('./context.js').View} */
export function daemonSetsView(root, ctx) {
  const frame = viewFrame(root, 'DaemonSets', ctx);
  /** @param {any} d */
  const pathOf = (d) => resourcePath({ ...DAEMONSETS, namespace: d.metadata.namespace, name: d.metadata.name });
  /** @param {any} d */
  const restart = (d) => act(ctx, frame, ctx.api.patch(pathOf(d), restartPatch(ctx.now()), 'application/strategic-merge-patch+json'));
  /** @param {any} d */
  const label = (d) => `${d.metadata.namespace}/${d.metadata.name}`;

  liveList(ctx.api, collectionPath(ctx, DAEMONSETS), {
    signal: ctx.signal,
    onError: (err) => frame.error(err ? describeError(ctx, err) : null),
    onChange: (items) =>
      renderTable(frame.body, {
        caption: 'DaemonSets',
        empty: 'No daemon sets.',
        rows: byName(items),
        columns: [
          { title: 'Name', cell: (d) => objectLink(pathOf(d), d.metadata.name) },
          ...(ctx.namespace ? [] : [{ title: 'Namespace', cell: (/** @type {any} */ d) => d.metadata.namespace }]),
          { title: 'Desired', cell: (d) => d.status?.desiredNumberScheduled ?? 0 },
          { title: 'Current', cell: (d) => d.status?.currentNumberScheduled ?? 0 },
          { title: 'Ready', cell: (d) => d.status?.numberReady ?? 0 },
          { title: 'Up-to-date', cell: (d) => d.status?.updatedNumberScheduled ?? 0 },
          { title: 'Available', cell: (d) => d.status?.numberAvailable ?? 0 },
          { title: 'Age', cell: (d) => age(d.metadata.creationTimestamp, ctx.now()) },
          { title: 'Actions', cell: (d) => h('span', { class: 'actions' }, actionButton('Restart', `Restart ${label(d)}`, () => restart(d))) },
        ],
      }),
  });
}
