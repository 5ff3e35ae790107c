// @ts-check
/**
 * Secrets: type and key count, never the values; the detail view hides them too until
 * the user reveals them.
 */
import { resourcePath } from '../api.js';
import { age } from '../format.js';
import { liveList } from '../live-list.js';
import { renderTable } from '../table.js';
import { byName, collectionPath, describeError, objectLink, viewFrame } from './context.js';

/** @type {import('./context.js').View} */
export function secretsView(root, ctx) {
  const frame = viewFrame(root, 'Secrets', ctx);
  /** @param {any} s */
  const pathOf = (s) => resourcePath({ version: 'v1', resource: 'secrets', namespace: s.metadata.namespace, name: s.metadata.name });
  liveList(ctx.api, collectionPath(ctx, { version: 'v1', resource: 'secrets' }), {
    signal: ctx.signal,
    onError: (err) => frame.error(err ? describeError(ctx, err) : null),
    onChange: (items) =>
      renderTable(frame.body, {
        caption: 'Secrets',
        empty: 'No secrets.',
        rows: byName(items),
        columns: [
          { title: 'Name', cell: (s) => objectLink(pathOf(s), s.metadata.name) },
          ...(ctx.namespace ? [] : [{ title: 'Namespace', cell: (/** @type {any} */ s) => s.metadata.namespace }]),
          { title: 'Type', cell: (s) => s.type ?? 'Opaque' },
          { title: 'Data', cell: (s) => Object.keys(s.data ?? {}).length },
          { title: 'Age', cell: (s) => age(s.metadata.creationTimestamp, ctx.now()) },
        ],
      }),
  });
}
