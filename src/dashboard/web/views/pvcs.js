// @ts-check
/** PersistentVolumeClaims: the columns of `kubectl get pvc`. */
import { resourcePath } from '../api.js';
import { age } from '../format.js';
import { liveList } from '../live-list.js';
import { renderTable } from '../table.js';
import { byName, collectionPath, describeError, objectLink, viewFrame } from './context.js';

/** @type {import('./context.js').View} */
export function pvcsView(root, ctx) {
  const frame = viewFrame(root, 'PersistentVolumeClaims', ctx);
  /** @param {any} c */
  const pathOf = (c) => resourcePath({ version: 'v1', resource: 'persistentvolumeclaims', namespace: c.metadata.namespace, name: c.metadata.name });
  liveList(ctx.api, collectionPath(ctx, { version: 'v1', resource: 'persistentvolumeclaims' }), {
    signal: ctx.signal,
    onError: (err) => frame.error(err ? describeError(ctx, err) : null),
    onChange: (items) =>
      renderTable(frame.body, {
        caption: 'PersistentVolumeClaims',
        empty: 'No persistent volume claims.',
        rows: byName(items),
        columns: [
          { title: 'Name', cell: (c) => objectLink(pathOf(c), c.metadata.name) },
          ...(ctx.namespace ? [] : [{ title: 'Namespace', cell: (/** @type {any} */ c) => c.metadata.namespace }]),
          { title: 'Status', cell: (c) => c.status?.phase ?? 'Pending' },
          { title: 'Volume', cell: (c) => c.spec?.volumeName ?? '' },
          { title: 'Capacity', cell: (c) => c.status?.capacity?.storage ?? '' },
          { title: 'Storage class', cell: (c) => c.spec?.storageClassName ?? '<unset>' },
          { title: 'Age', cell: (c) => age(c.metadata.creationTimestamp, ctx.now()) },
        ],
      }),
  });
}
