// @ts-check
/** StatefulSets: ready/desired, scale − / + through the scale subresource, and restart. */
import { resourcePath } from '../api.js';
import { h } from '../dom.js';
import { age } from '../format.js';
import { liveList } from '../live-list.js';
import { renderTable } from '../table.js';
import { act, actionButton, byName, collectionPath, describeError, objectLink, restartPatch, viewFrame } from './context.js';

const STATEFULSETS = { group: 'apps', version: 'v1', resource: 'statefulsets' };

/** @type {import('./context.js').View} */
export function statefulSetsView(root, ctx) {
  const frame = viewFrame(root, 'StatefulSets', ctx);
  /** @param {any} s @param {string} [sub] */
  const pathOf = (s, sub) => resourcePath({ ...STATEFULSETS, namespace: s.metadata.namespace, name: s.metadata.name, ...(sub ? { subresource: sub } : {}) });
  /** @param {any} s */
  const replicas = (s) => s.spec?.replicas ?? 1;
  /** @param {any} s @param {number} delta */
  const scale = (s, delta) =>
    act(ctx, frame, ctx.api.patch(pathOf(s, 'scale'), { spec: { replicas: Math.max(0, replicas(s) + delta) } }, 'application/merge-patch+json'));
  /** @param {any} s */
  const restart = (s) => act(ctx, frame, ctx.api.patch(pathOf(s), restartPatch(ctx.now()), 'application/strategic-merge-patch+json'));
  /** @param {any} s */
  const label = (s) => `${s.metadata.namespace}/${s.metadata.name}`;

  liveList(ctx.api, collectionPath(ctx, STATEFULSETS), {
    signal: ctx.signal,
    onError: (err) => frame.error(err ? describeError(ctx, err) : null),
    onChange: (items) =>
      renderTable(frame.body, {
        caption: 'StatefulSets',
        empty: 'No stateful sets.',
        rows: byName(items),
        columns: [
          { title: 'Name', cell: (s) => objectLink(pathOf(s), s.metadata.name) },
          ...(ctx.namespace ? [] : [{ title: 'Namespace', cell: (/** @type {any} */ s) => s.metadata.namespace }]),
          { title: 'Ready', cell: (s) => `${s.status?.readyReplicas ?? 0}/${replicas(s)}` },
          { title: 'Age', cell: (s) => age(s.metadata.creationTimestamp, ctx.now()) },
          {
            title: 'Actions',
            cell: (s) =>
              h(
                'span',
                { class: 'actions' },
                actionButton('−', `Scale down ${label(s)}`, () => scale(s, -1), { disabled: replicas(s) === 0 }),
                actionButton('+', `Scale up ${label(s)}`, () => scale(s, +1)),
                actionButton('Restart', `Restart ${label(s)}`, () => restart(s)),
              ),
          },
        ],
      }),
  });
}
