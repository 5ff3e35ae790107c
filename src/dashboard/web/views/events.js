// @ts-check
/** Events, newest first. */
import { age } from '../format.js';
import { liveList } from '../live-list.js';
import { renderTable } from '../table.js';
import { collectionPath, describeError, viewFrame } from './context.js';

/** @param {any} e */
export function eventTime(e) {
  return e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? '';
}

/** @type {import('./context.js').View} */
export function eventsView(root, ctx) {
  const frame = viewFrame(root, 'Events', ctx);
  liveList(ctx.api, collectionPath(ctx, { version: 'v1', resource: 'events' }), {
    signal: ctx.signal,
    onError: (err) => frame.error(err ? describeError(ctx, err) : null),
    onChange: (items) =>
      renderTable(frame.body, {
        caption: 'Events, newest first',
        empty: 'No events.',
        rows: items.map((e) => ({ e, t: Date.parse(eventTime(e)) || 0 })).sort((a, b) => b.t - a.t),
        columns: [
          { title: 'Last seen', cell: ({ e }) => age(eventTime(e), ctx.now()) },
          ...(ctx.namespace ? [] : [{ title: 'Namespace', cell: (/** @type {any} */ { e }) => e.metadata?.namespace ?? '' }]),
          { title: 'Type', cell: ({ e }) => e.type ?? '' },
          { title: 'Reason', cell: ({ e }) => e.reason ?? '' },
          { title: 'Object', cell: ({ e }) => `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}` },
          { title: 'Count', cell: ({ e }) => e.count ?? e.series?.count ?? 1 },
          { title: 'Message', cell: ({ e }) => e.message ?? '' },
        ],
      }),
  });
}
