// @ts-check
/**
 * CronJobs: schedule, suspend (with a toggle), active jobs, last schedule, and "Run now",
 * which creates a Job from the template as `kubectl create job --from=cronjob/<name>` does.
 */
import { resourcePath } from '../api.js';
import { h } from '../dom.js';
import { age } from '../format.js';
import { manualJobFor, randomSuffix } from '../job-status.js';
import { liveList } from '../live-list.js';
import { renderTable } from '../table.js';
import { act, actionButton, byName, collectionPath, describeError, objectLink, viewFrame } from './context.js';

const CRONJOBS = { group: 'batch', version: 'v1', resource: 'cronjobs' };

/** @type {import('./context.js').View} */
export function cronJobsView(root, ctx) {
  const frame = viewFrame(root, 'CronJobs', ctx);
  /** @param {any} c */
  const pathOf = (c) => resourcePath({ ...CRONJOBS, namespace: c.metadata.namespace, name: c.metadata.name });
  /** @param {any} c */
  const label = (c) => `${c.metadata.namespace}/${c.metadata.name}`;
  /** @param {any} c */
  const toggle = (c) => act(ctx, frame, ctx.api.patch(pathOf(c), { spec: { suspend: !c.spec?.suspend } }, 'application/merge-patch+json'));
  /** @param {any} c */
  const runNow = (c) => {
    const job = manualJobFor(c, randomSuffix());
    act(ctx, frame, ctx.api.post(resourcePath({ group: 'batch', version: 'v1', resource: 'jobs', namespace: c.metadata.namespace }), job));
  };

  liveList(ctx.api, collectionPath(ctx, CRONJOBS), {
    signal: ctx.signal,
    onError: (err) => frame.error(err ? describeError(ctx, err) : null),
    onChange: (items) =>
      renderTable(frame.body, {
        caption: 'CronJobs',
        empty: 'No cron jobs.',
        rows: byName(items),
        columns: [
          { title: 'Name', cell: (c) => objectLink(pathOf(c), c.metadata.name) },
          ...(ctx.namespace ? [] : [{ title: 'Namespace', cell: (/** @type {any} */ c) => c.metadata.namespace }]),
          { title: 'Schedule', cell: (c) => c.spec?.schedule ?? '' },
          { title: 'Suspend', cell: (c) => (c.spec?.suspend ? 'True' : 'False') },
          { title: 'Active', cell: (c) => (c.status?.active ?? []).length },
          { title: 'Last schedule', cell: (c) => age(c.status?.lastScheduleTime, ctx.now()) || '<none>' },
          { title: 'Age', cell: (c) => age(c.metadata.creationTimestamp, ctx.now()) },
          {
            title: 'Actions',
            cell: (c) =>
              h(
                'span',
                { class: 'actions' },
                actionButton(c.spec?.suspend ? 'Resume' : 'Suspend', `${c.spec?.suspend ? 'Resume' : 'Suspend'} ${label(c)}`, () => toggle(c)),
                actionButton('Run now', `Run now ${label(c)}`, () => runNow(c)),
              ),
          },
        ],
      }),
  });
}
