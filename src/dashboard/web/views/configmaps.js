// @ts-check
/** ConfigMaps: how many keys each holds, as `kubectl get configmaps` shows. */
import { resourcePath } from '../api.js';
import { age } from '../format.js';
import { liveList } from '../live-list.js';
import { renderTable } from '../table.js';
import { byName, collectionPath, describeError, objectLink, viewFrame } from './context.js';

/** @param {any} cm */
export function configMapDataCount(cm) {
  return Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length;
}

/** @type {import('./context.js').View} */
export function configMapsView(root, ctx) {
  const frame = viewFrame(root, 'ConfigMaps', ctx);
  /** @param {any} c */
  const pathOf = (c) => resourcePath({ version: 'v1', resource: 'configmaps', namespace: c.metadata.namespace, name: c.metadata.name });
  liveList(ctx.api, collectionPath(ctx, { version: 'v1', resource: 'configmaps' }), {
    signal: ctx.signal,
    onError: (err) => frame.error(err ? describeError(ctx, err) : null),
    onChange: (items) =>
      renderTable(frame.body, {
        caption: 'ConfigMaps',
        empty: 'No config maps.',
        rows: byName(items),
        columns: [
          { title: 'Name', cell: (c) => objectLink(pathOf(c), c.metadata.name) },
          ...(ctx.namespace ? [] : [{ title: 'Namespace', cell: (/** @type {any} */ c) => c.metadata.namespace }]),
          { title: 'Data', cell: (c) => configMapDataCount(c) },
          { title: 'Age', cell: (c) => age(c.metadata.creationTimestamp, ctx.now()) },
        ],
      }),
  });
}
