import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CronJob } from '../api/batch/v1/cron-job.js';
import { CronJobKind } from '../api/batch/v1/cron-job.js';
import { parseCronSchedule } from '../api/batch/v1/cron-schedule.js';
import type { Job } from '../api/batch/v1/job.js';
import { JobKind } from '../api/batch/v1/job.js';
import type { Event } from '../api/core/v1/event.js';
import { EventKind } from '../api/core/v1/event.js';
import { FakeClock } from '../client/fake-clock.js';
import { silentLogger } from '../client/logger.js';
import { missedScheduleTimes, nextScheduleTime } from './cron-next.js';
import { jobFromCronJob, jobNameFor, rfc1123z } from './cronjob.js';
import { startControllerManager, type ControllerManager } from './manager.js';
import { startCluster, waitFor, type TestCluster } from './test-support.js';

const at = (s: string) => Date.parse(s);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('cron schedule arithmetic', () => {
  it('next time: steps, macros, weekdays, the day-of-month OR day-of-week rule, time zones', () => {
    assert.equal(iso(nextScheduleTime(parseCronSchedule('*/15 * * * *'), at('2024-03-01T10:07:30Z'), 'UTC')), '2024-03-01T10:15:00.000Z');
    assert.equal(iso(nextScheduleTime(parseCronSchedule('@hourly'), at('2024-03-01T10:00:00Z'), 'UTC')), '2024-03-01T11:00:00.000Z', 'strictly after');
    assert.equal(iso(nextScheduleTime(parseCronSchedule('0 9 * * 1-5'), at('2024-03-01T12:00:00Z'), 'UTC')), '2024-03-04T09:00:00.000Z', 'Friday → Monday');
    assert.equal(iso(nextScheduleTime(parseCronSchedule('0 0 13 * 5'), at('2024-03-02T00:00:00Z'), 'UTC')), '2024-03-08T00:00:00.000Z', 'Friday the 8th (OR rule)');
    // 09:00 in New York is 14:00 UTC in winter, 13:00 UTC after the March DST change.
    assert.equal(iso(nextScheduleTime(parseCronSchedule('0 9 * * *'), at('2024-03-08T00:00:00Z'), 'America/New_York')), '2024-03-08T14:00:00.000Z');
    assert.equal(iso(nextScheduleTime(parseCronSchedule('0 9 * * *'), at('2024-03-11T00:00:00Z'), 'America/New_York')), '2024-03-11T13:00:00.000Z');
    assert.equal(nextScheduleTime(parseCronSchedule('0 0 30 2 *'), at('2024-01-01T00:00:00Z'), 'UTC'), undefined);
    assert.equal(iso(nextScheduleTime(parseCronSchedule('@every 90s'), at('2024-01-01T00:00:00Z'))), '2024-01-01T00:01:30.000Z');
  });

  it('missed times: counts, most recent, and the cap for a long outage', () => {
    const every5 = parseCronSchedule('*/5 * * * *');
    const m = missedScheduleTimes(every5, at('2024-01-01T00:00:00Z'), at('2024-01-01T00:17:00Z'), 'UTC');
    assert.deepEqual([m.count, iso(m.mostRecent), iso(m.next)], [3, '2024-01-01T00:15:00.000Z', '2024-01-01T00:20:00.000Z']);
    const long = missedScheduleTimes(every5, at('2024-01-01T00:00:00Z'), at('2024-02-01T00:02:00Z'), 'UTC');
    assert.ok(long.count > 100);
    assert.equal(iso(long.mostRecent), '2024-02-01T00:00:00.000Z');
    assert.equal(missedScheduleTimes(every5, at('2024-01-01T00:00:00Z'), at('2024-01-01T00:04:00Z'), 'UTC').mostRecent, undefined);
  });

  it('missed-schedule events print the time as Go\'s RFC1123Z', () => {
    assert.equal(rfc1123z(at('2024-03-05T07:04:05Z')), 'Tue, 05 Mar 2024 07:04:05 +0000');
  });

  it('jobs are named <cronjob>-<minutes since epoch> and carry the scheduled timestamp', () => {
    assert.equal(jobNameFor('hello', at('2024-01-01T00:05:00Z')), 'hello-28401125');
    const j = jobFromCronJob({ metadata: { name: 'hello', namespace: 'ns', uid: 'u' }, spec: { schedule: '* * * * *', jobTemplate: { metadata: { labels: { a: 'b' } }, spec: { template: {} } } } } as CronJob, at('2024-01-01T00:05:00Z'));
    assert.equal(j.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2024-01-01T00:05:00Z');
    assert.equal(j.metadata?.ownerReferences?.[0]?.kind, 'CronJob');
    assert.deepEqual(j.metadata?.labels, { a: 'b' });
  });
});

describe('cronjob controller (e2e, fake clock)', () => {
  let c: TestCluster;
  let cm: ControllerManager | undefined;
  // Starts in the past; the test moves it relative to the CronJob's creationTimestamp.
  const clock = new FakeClock({ start: Date.now() - 120_000 });
  before(async () => {
    c = await startCluster({ manager: false });
    cm = await startControllerManager({ client: c.client, log: silentLogger, clock, controllers: ['cronjob'] });
  });
  after(async () => {
    await cm?.stop();
    await c?.stop();
  });
  const ownedJobs = async () => (await c.client.resource<Job>(JobKind).list({ namespace: 'default' })).items.filter((j) => j.metadata?.ownerReferences?.[0]?.name === 'tick');

  it('creates a Job each minute, and with Forbid waits for the running one to finish', async () => {
    await c.client.resource<CronJob>(CronJobKind).create(
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'tick' }, spec: { schedule: '* * * * *', concurrencyPolicy: 'Forbid', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' } } } } } } as CronJob,
      { namespace: 'default' },
    );
    const created = Date.parse((await c.client.resource<CronJob>(CronJobKind).get('tick', { namespace: 'default' })).metadata?.creationTimestamp ?? '');
    const firstMinute = Math.floor(created / 60_000) + 1;
    // Just before the first minute boundary after creation: nothing to run yet.
    await clock.advance(firstMinute * 60_000 - 1000 - clock.now());
    assert.equal((await ownedJobs()).length, 0);
    await clock.advance(2000);
    const first = await waitFor('first job', async () => (await ownedJobs())[0]);
    assert.equal(first.metadata?.name, `tick-${firstMinute}`);
    const cj = await waitFor('status.active', async () => {
      const cj = await c.client.resource<CronJob>(CronJobKind).get('tick', { namespace: 'default' });
      return cj.status?.active?.length === 1 ? cj : undefined;
    });
    assert.equal(cj.status?.lastScheduleTime, new Date(firstMinute * 60_000).toISOString().replace('.000Z', 'Z'));

    // Forbid: the next minute passes with the first Job still running.
    await clock.advance(60_000);
    await waitFor('JobAlreadyActive event', async () => (await c.client.resource<Event>(EventKind).list({ namespace: 'default' })).items.some((e) => e.reason === 'JobAlreadyActive'));
    assert.equal((await ownedJobs()).length, 1);

    // The first Job completes: the waiting run starts at once.
    const t = new Date(clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    await c.client.resource<Job>(JobKind).subresource('status').patch(first.metadata?.name ?? '', { status: { succeeded: 1, startTime: t, completionTime: t, conditions: [{ type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: t }, { type: 'Complete', status: 'True', lastTransitionTime: t }] } }, 'merge', { namespace: 'default' });
    const second = await waitFor('second job', async () => (await ownedJobs()).find((j) => j.metadata?.name !== first.metadata?.name));
    assert.equal(second.metadata?.name, `tick-${firstMinute + 1}`);
    await waitFor('SawCompletedJob event', async () =>
      (await c.client.resource<Event>(EventKind).list({ namespace: 'default' })).items.some((e) => e.reason === 'SawCompletedJob' && e.message === `Saw completed job: tick-${firstMinute}, condition: Complete`),
    );
    await waitFor('lastSuccessfulTime', async () => (await c.client.resource<CronJob>(CronJobKind).get('tick', { namespace: 'default' })).status?.lastSuccessfulTime === t);
  });

  it('Replace deletes the running Job for the new one; history keeps failedJobsHistoryLimit failed Jobs; suspend stops runs', async () => {
    const api = c.client.resource<CronJob>(CronJobKind);
    await api.create(
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'swap' }, spec: { schedule: '* * * * *', concurrencyPolicy: 'Replace', failedJobsHistoryLimit: 0, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' } } } } } } as CronJob,
      { namespace: 'default' },
    );
    const mine = async () => (await c.client.resource<Job>(JobKind).list({ namespace: 'default' })).items.filter((j) => j.metadata?.ownerReferences?.[0]?.name === 'swap' && !j.metadata?.deletionTimestamp);
    const created = Date.parse((await api.get('swap', { namespace: 'default' })).metadata?.creationTimestamp ?? '');
    const next = (Math.floor(Math.max(created, clock.now()) / 60_000) + 1) * 60_000;
    // The fake clock is ahead of the server's after the first test, so a run whose minute has
    // already passed on it may start at once (the most recent missed one): wait for runs by name.
    const only = (name: string) => async () => {
      const js = await mine();
      return js.length === 1 && js[0]?.metadata?.name === name ? js[0] : undefined;
    };
    await clock.advance(next + 1000 - clock.now());
    await waitFor('the run of the next minute', only(jobNameFor('swap', next)));
    await clock.advance(60_000);
    const two = await waitFor('the run of the minute after, replacing it', only(jobNameFor('swap', next + 60_000)));
    // A failed run with failedJobsHistoryLimit 0 is cleaned up.
    const t = new Date(clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    await api.patch('swap', { spec: { suspend: true } }, 'merge', { namespace: 'default' });
    await c.client.resource<Job>(JobKind).subresource('status').patch(two.metadata?.name ?? '', { status: { failed: 1, startTime: t, conditions: [{ type: 'FailureTarget', status: 'True', lastTransitionTime: t, reason: 'BackoffLimitExceeded' }, { type: 'Failed', status: 'True', lastTransitionTime: t, reason: 'BackoffLimitExceeded' }] } }, 'merge', { namespace: 'default' });
    await waitFor('failed job deleted', async () => (await mine()).length === 0);
    await clock.advance(120_000);
    await waitFor('status active empty', async () => ((await api.get('swap', { namespace: 'default' })).status?.active ?? []).length === 0);
    assert.equal((await mine()).length, 0, 'suspended: no new run');
  });
});
