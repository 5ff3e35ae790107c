import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventKind, type Event } from './index.js';
import { render } from '../../meta/v1/testing/schema-hooks.js';
import { toTable, validateObject } from '../../schema/index.js';

const ev = (): Event => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'web-1.17f3a', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
  eventTime: '2026-01-01T00:00:00.123456Z',
  reportingController: 'default-scheduler',
  reportingInstance: 'default-scheduler-skiff-1',
  action: 'Binding',
  reason: 'Scheduled',
  regarding: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u1', apiVersion: 'v1' },
  note: 'Successfully assigned default/web-1 to node-1',
  type: 'Normal',
});

test('Event: a scheduler event is valid', () => {
  assert.deepEqual(render(validateObject(EventKind, ev())), []);
  assert.deepEqual(
    render(validateObject(EventKind, { ...ev(), series: { count: 3, lastObservedTime: '2026-01-01T00:05:00.000000Z' } })),
    [],
  );
});

test('Event: create rules for new events', () => {
  const cases: Array<[string, (e: Event) => void, string[]]> = [
    ['bad type', (e) => (e.type = 'Info'), ['type: Invalid value: "": has invalid value: Info']],
    ['no controller', (e) => delete e.reportingController, ['reportingController: Required value']],
    ['no action', (e) => (e.action = ''), ['action: Required value']],
    ['short series', (e) => (e.series = { count: 1, lastObservedTime: '2026-01-01T00:00:00.000000Z' }), ['series.count: Invalid value: "": should be at least 2']],
    ['legacy fields set', (e) => {
      e.deprecatedCount = 4;
      e.deprecatedSource = { component: 'kubelet' };
    }, ['count: Invalid value: "": needs to be unset', 'source: Invalid value: "": needs to be unset']],
  ];
  for (const [name, mutate, want] of cases) {
    const e = ev();
    mutate(e);
    assert.deepEqual(render(validateObject(EventKind, e)), want, name);
  }
  const noTime = ev();
  delete noTime.eventTime;
  assert.ok(render(validateObject(EventKind, noTime)).includes('eventTime: Required value'));
});

test('Event: updates may only touch series and metadata', () => {
  const old = ev();
  const counted = { ...structuredClone(old), series: { count: 2, lastObservedTime: '2026-01-01T00:01:00.000000Z' } };
  assert.deepEqual(validateObject(EventKind, counted, old), []);
  const rewritten = { ...structuredClone(old), note: 'something else' };
  assert.deepEqual(render(validateObject(EventKind, rewritten, old)), ['note: Invalid value: "something else": field is immutable']);
});

test('Event: kubectl get events columns', () => {
  const now = new Date('2026-01-01T00:10:00Z');
  const t = toTable(EventKind, [ev(), { ...ev(), type: 'Warning', reason: 'BackOff', series: { count: 7, lastObservedTime: '2026-01-01T00:09:00.000000Z' } }], { now }) as {
    columnDefinitions: Array<{ name: string; priority: number }>;
    rows: Array<{ cells: unknown[] }>;
  };
  assert.deepEqual(t.columnDefinitions.slice(1).map((c) => `${c.name}:${c.priority}`), [
    'Last Seen:0', 'Type:0', 'Reason:0', 'Object:0', 'Subobject:1', 'Source:1', 'Message:0', 'First Seen:1', 'Count:1',
  ]);
  assert.deepEqual(t.rows[0]?.cells.slice(1), [
    // eventTime is 0.123456s past the minute, so the age truncates to 9m59s as upstream's does.
    '9m59s', 'Normal', 'Scheduled', 'pod/web-1', '', 'default-scheduler, default-scheduler-skiff-1', 'Successfully assigned default/web-1 to node-1', '9m59s', 1,
  ]);
  assert.deepEqual(t.rows[1]?.cells.slice(1, 5), ['60s', 'Warning', 'BackOff', 'pod/web-1']);
  assert.equal(t.rows[1]?.cells[9], 7);
  assert.equal(EventKind.fieldSelectors?.['regarding.name']?.(ev()), 'web-1');
});

test('Event: protobuf numbers', () => {
  const f = EventKind.schema.fields;
  assert.deepEqual(
    ['eventTime', 'series', 'reportingController', 'reportingInstance', 'action', 'reason', 'regarding', 'related', 'note', 'type', 'deprecatedSource', 'deprecatedFirstTimestamp', 'deprecatedLastTimestamp', 'deprecatedCount'].map((k) => f[k]?.proto),
    [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  );
});
