// @ts-check
/** Jobs: completions, duration and status as `kubectl get jobs` shows them. */
import { resourcePath } from '../api.js';
import { h } from '../dom.js';
import { age } from '../format.js';
import { jobCompletions, jobDuration, jobStatus } from '../job-status.js';
import { liveList } from '../live-list.js';
import { renderTable } from '../table.js';
import { byName, collectionPath, describeError, objectLink, viewFrame } from './context.js';

const JOBS = { group: 'batch', version: 'v1', resource: 'jobs' };

/** @type {import('./context.js').View} */
export function jobsView(root, ctx) {
  const frame = viewFrame(root, 'Jobs', ctx);
  /** @param {any} j */
  const pathOf = (j) => resourcePath({ ...JOBS, namespace: j.metadata.namespace, name: j.metadata.name });
  liveList(ctx.api, collectionPath(ctx, JOBS), {
    signal: ctx.signal,
    onError: (err) => frame.error(err ? describeError(ctx, err) : null),
    onChange: (items) =>
      renderTable(frame.body, {
        caption: 'Jobs',
        empty: 'No jobs.',
        rows: byName(items).map((j) => ({ j, status: jobStatus(j) })),
        columns: [
          { title: 'Name', cell: ({ j }) => objectLink(pathOf(j), j.metadata.name) },
          ...(ctx.namespace ? [] : [{ title: 'Namespace', cell: (/** @type {any} */ { j }) => j.metadata.namespace }]),
          { title: 'Status', cell: ({ status }) => h('span', { class: `status status-${status}` }, status) },
          { title: 'Completions', cell: ({ j }) => jobCompletions(j) },
          { title: 'Duration', cell: ({ j }) => jobDuration(j, ctx.now()) },
          { title: 'Age', cell: ({ j }) => age(j.metadata.creationTimestamp, ctx.now()) },
        ],
      }),
  });
}
