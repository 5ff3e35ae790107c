import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CronJobKind, cronScheduleProblem, parseCronSchedule, type CronJob } from './index.js';
import { sampleTemplate } from '../../apps/v1/testdata.js';
import { render } from '../../meta/v1/testing/schema-hooks.js';
import { applyDefaults, toTable, validateObject } from '../../schema/index.js';

const manifest = (): CronJob => {
  const template = sampleTemplate('hello');
  template.spec!.restartPolicy = 'OnFailure';
  template.spec!.containers![0] = { name: 'hello', image: 'busybox:1.36', command: ['sh', '-c', 'date; echo Hello'] };
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template } } },
  };
};
const defaulted = (c: CronJob = manifest()) => {
  applyDefaults(CronJobKind, c as Record<string, unknown>);
  return c;
};

test('CronJob: defaults and validity', () => {
  const c = defaulted();
  assert.equal(c.spec?.concurrencyPolicy, 'Allow');
  assert.equal(c.spec?.suspend, false);
  assert.equal(c.spec?.successfulJobsHistoryLimit, 3);
  assert.equal(c.spec?.failedJobsHistoryLimit, 1);
  assert.equal(c.spec?.jobTemplate?.spec?.backoffLimit, undefined, 'Job defaults are not applied to templates');
  assert.deepEqual(render(validateObject(CronJobKind, c)), []);
  for (const schedule of ['@hourly', '0 0 * * MON-FRI', '30 2 1,15 JAN-JUN ?', '@every 1h30m', '0 */2 * * *']) {
    assert.deepEqual(render(validateObject(CronJobKind, defaulted({ ...manifest(), spec: { ...manifest().spec, schedule, timeZone: 'Europe/Paris' } }))), [], schedule);
  }
});

test('CronJob: invalid schedules, time zones and templates', () => {
  type Spec = NonNullable<CronJob['spec']>;
  const cases: Array<[string, (s: Spec) => void, string[]]> = [
    ['empty schedule', (s) => (s.schedule = ''), ['spec.schedule: Required value']],
    ['too few fields', (s) => (s.schedule = '* * *'), ['spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]']],
    ['minute out of range', (s) => (s.schedule = '0-60 * * * *'), ['spec.schedule: Invalid value: "0-60 * * * *": end of range (60) above maximum (59): 0-60']],
    ['TZ in schedule', (s) => (s.schedule = 'TZ=UTC 0 * * * *'), [
      'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": expected exactly 5 fields, found 6: [TZ=UTC 0 * * * *]',
      'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    ]],
    ['unknown zone', (s) => (s.timeZone = 'Mars/Olympus'), ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']],
    ['Local zone', (s) => (s.timeZone = 'Local'), ['spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones']],
    ['negative history', (s) => (s.failedJobsHistoryLimit = -1), ['spec.failedJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0']],
    ['template restartPolicy', (s) => (s.jobTemplate!.spec!.template!.spec!.restartPolicy = 'Always'), [
      'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]],
    ['bad concurrency policy', (s) => ((s as Record<string, unknown>).concurrencyPolicy = 'Sometimes'), [
      'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    ]],
  ];
  for (const [name, mutate, want] of cases) {
    const c = defaulted();
    mutate(c.spec!);
    assert.deepEqual(render(validateObject(CronJobKind, c)), want, name);
  }
  const long = defaulted();
  long.metadata!.name = 'a'.repeat(53);
  assert.deepEqual(render(validateObject(CronJobKind, long)), [`metadata.name: Invalid value: "${'a'.repeat(53)}": must be no more than 52 characters`]);
});

test('cron schedule parser', () => {
  const s = parseCronSchedule('*/15 9-17 * * 1-5');
  assert.ok(s.kind === 'fields');
  assert.deepEqual([...s.fields.minute], [0, 15, 30, 45]);
  assert.deepEqual([...s.fields.hour], [9, 10, 11, 12, 13, 14, 15, 16, 17]);
  assert.deepEqual([...s.fields.dayOfWeek], [1, 2, 3, 4, 5]);
  assert.equal(s.fields.dayOfMonthStar, true);
  assert.deepEqual(parseCronSchedule('@every 90s'), { kind: 'every', everyMs: 90_000 });
  assert.equal(cronScheduleProblem('5/0 * * * *'), 'step of range should be a positive number: 5/0');
  assert.equal(cronScheduleProblem('* * * FOO *'), 'failed to parse int from FOO: strconv.Atoi: parsing "FOO": invalid syntax');
  assert.equal(cronScheduleProblem('@fortnightly'), 'unrecognized descriptor: @fortnightly');
  assert.equal(cronScheduleProblem('* * * * 7'), 'end of range (7) above maximum (6): 7');
});

test('CronJob: kubectl get columns', () => {
  const c = defaulted();
  c.status = { active: [{ kind: 'Job', name: 'hello-2900', namespace: 'default' }], lastScheduleTime: '2026-01-01T00:55:00Z' };
  const now = new Date('2026-01-01T01:00:00Z');
  const t = toTable(CronJobKind, [c], { now }) as { columnDefinitions: Array<{ name: string; priority: number }>; rows: Array<{ cells: unknown[] }> };
  assert.deepEqual(t.columnDefinitions.map((d) => `${d.name}:${d.priority}`), [
    'Name:0', 'Schedule:0', 'Timezone:0', 'Suspend:0', 'Active:0', 'Last Schedule:0', 'Age:0', 'Containers:1', 'Images:1', 'Selector:1',
  ]);
  assert.deepEqual(t.rows[0]?.cells, ['hello', '*/5 * * * *', '<none>', 'False', 1, '5m', '60m', 'hello', 'busybox:1.36', '<none>']);
  const fresh = defaulted();
  assert.equal((toTable(CronJobKind, [fresh], { now }) as { rows: Array<{ cells: unknown[] }> }).rows[0]?.cells[5], '<none>');
  assert.deepEqual(CronJobKind.shortNames, ['cj']);
  assert.equal(CronJobKind.schema.fields.spec?.type.kind === 'object' && CronJobKind.schema.fields.spec.type.ref().fields.timeZone?.proto, 8);
});
