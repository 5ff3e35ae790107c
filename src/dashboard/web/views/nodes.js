// @ts-check
/** Nodes: the columns of `kubectl get nodes -o wide`, and cordon / uncordon. */
import { resourcePath } from '../api.js';
import { h } from '../dom.js';
import { age } from '../format.js';
import { liveList } from '../live-list.js';
import { nodeInternalIp, nodeRoles, nodeStatus } from '../node-status.js';
import { renderTable } from '../table.js';
import { act, actionButton, byName, describeError, objectLink, viewFrame } from './context.js';

/** @type {import('./context.js').View} */
export function nodesView(root, ctx) {
  const frame = viewFrame(root, 'Nodes', ctx, { clusterScoped: true });
  /** @param {any} n */
  const pathOf = (n) => resourcePath({ version: 'v1', resource: 'nodes', name: n.metadata.name });
  /**
   * A merge patch of spec.unschedulable, as `kubectl cordon` / `uncordon` send (null
   * removes the field, which is what uncordon leaves behind).
   * @param {any} n @param {boolean} cordon
   */
  const setCordon = (n, cordon) => act(ctx, frame, ctx.api.patch(pathOf(n), { spec: { unschedulable: cordon ? true : null } }, 'application/merge-patch+json'));

  liveList(ctx.api, resourcePath({ version: 'v1', resource: 'nodes' }), {
    signal: ctx.signal,
    onError: (err) => frame.error(err ? describeError(ctx, err) : null),
    onChange: (items) =>
      renderTable(frame.body, {
        caption: 'Nodes',
        empty: 'No nodes have joined yet.',
        rows: byName(items),
        columns: [
          { title: 'Name', cell: (n) => objectLink(pathOf(n), n.metadata.name) },
          { title: 'Status', cell: (n) => nodeStatus(n) },
          { title: 'Roles', cell: (n) => nodeRoles(n) },
          { title: 'Age', cell: (n) => age(n.metadata.creationTimestamp, ctx.now()) },
          { title: 'Version', cell: (n) => n.status?.nodeInfo?.kubeletVersion ?? '' },
          { title: 'Internal IP', cell: (n) => nodeInternalIp(n) },
          {
            title: 'Actions',
            cell: (n) =>
              h(
                'span',
                { class: 'actions' },
                n.spec?.unschedulable
                  ? actionButton('Uncordon', `Uncordon ${n.metadata.name}`, () => setCordon(n, false))
                  : actionButton('Cordon', `Cordon ${n.metadata.name}`, () => setCordon(n, true)),
              ),
          },
        ],
      }),
  });
}
