import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, toTable, validateObject, type SchemaFieldError } from '../../schema/index.js';
import { EndpointsKind, formatEndpoints, type Endpoints } from './endpoints.js';
import { EventKind, type Event } from './event.js';

const brief = (errs: SchemaFieldError[]) => errs.map((e) => `${e.type} ${e.field}`);
const now = new Date('2026-11-26T17:00:00Z');

function event(): Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web-0.17f3a', namespace: 'default', creationTimestamp: '2026-11-26T16:50:00Z' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'u-1', apiVersion: 'v1', fieldPath: 'spec.containers{web}' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container web  ',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2026-11-26T16:50:00Z',
    lastTimestamp: '2026-11-26T16:58:00Z',
    count: 7,
    type: 'Warning',
  };
}

test('Event validates, defaults reporting fields, and rejects a namespace mismatch', () => {
  const e = event();
  applyDefaults(EventKind, e as Record<string, unknown>);
  assert.equal(e.reportingComponent, '');
  assert.deepEqual(validateObject(EventKind, e), []);
  const other = event();
  other.involvedObject!.namespace = 'kube-system';
  assert.deepEqual(brief(validateObject(EventKind, other)), ['FieldValueInvalid involvedObject.namespace']);
  const missing = event();
  delete missing.involvedObject;
  assert.deepEqual(brief(validateObject(EventKind, missing)), ['FieldValueRequired involvedObject']);
});

test('Event field selectors', () => {
  const e = event();
  const sel = EventKind.fieldSelectors!;
  assert.equal(sel['involvedObject.kind']!(e), 'Pod');
  assert.equal(sel['involvedObject.name']!(e), 'web-0');
  assert.equal(sel['involvedObject.fieldPath']!(e), 'spec.containers{web}');
  assert.equal(sel['reason']!(e), 'BackOff');
  assert.equal(sel['source']!(e), 'kubelet');
  assert.equal(sel['type']!(e), 'Warning');
});

test('Event table: LAST SEEN TYPE REASON OBJECT MESSAGE (+ wide columns)', () => {
  const e = event();
  const newStyle: Event = {
    metadata: { name: 'web-0.2', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'default' },
    reason: 'Scheduled',
    message: 'Successfully assigned default/web-0 to node-1',
    type: 'Normal',
    eventTime: '2026-11-26T16:40:00.123456Z',
    reportingComponent: 'default-scheduler',
    reportingInstance: 'default-scheduler-node-1',
  };
  const table = toTable(EventKind, [e, newStyle], { now }) as { columnDefinitions: { name: string; priority: number }[]; rows: { cells: unknown[] }[] };
  assert.deepEqual(
    table.columnDefinitions.map((c) => `${c.name}:${c.priority}`),
    ['Name:0', 'Last Seen:0', 'Type:0', 'Reason:0', 'Object:0', 'Subobject:1', 'Source:1', 'Message:0', 'First Seen:1', 'Count:1'],
  );
  assert.deepEqual(table.rows[0]!.cells, [
    'web-0.17f3a',
    '2m',
    'Warning',
    'BackOff',
    'pod/web-0',
    'spec.containers{web}',
    'kubelet, node-1',
    'Back-off restarting failed container web',
    '10m',
    7,
  ]);
  assert.deepEqual(table.rows[1]!.cells.slice(1, 5), ['19m', 'Normal', 'Scheduled', 'pod/web-0']);
  assert.deepEqual(table.rows[1]!.cells.slice(6), ['default-scheduler, default-scheduler-node-1', 'Successfully assigned default/web-0 to node-1', '19m', 1]);
});

test('Endpoints validate and print at most three addresses', () => {
  const ep: Endpoints = {
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2026-11-26T16:00:00Z' },
    subsets: [
      {
        addresses: [
          { ip: '198.18.0.5', nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'web-0', namespace: 'default' } },
          { ip: '198.18.0.6' },
          { ip: 'fd00::7' },
        ],
        notReadyAddresses: [{ ip: '198.18.0.8' }],
        ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090, protocol: 'TCP' }],
      },
    ],
  };
  applyDefaults(EndpointsKind, ep as Record<string, unknown>);
  assert.equal(ep.subsets![0]!.ports![0]!.protocol, 'TCP');
  assert.deepEqual(validateObject(EndpointsKind, ep), []);
  const loopback = structuredClone(ep);
  loopback.subsets![0]!.addresses = [{ ip: '127.0.3.7' }];
  assert.deepEqual(validateObject(EndpointsKind, loopback), [], 'rootless pods have loopback IPs');
  const bad = structuredClone(ep);
  bad.subsets![0]!.addresses![1]!.ip = 'not-an-ip';
  delete bad.subsets![0]!.ports![0]!.name;
  bad.subsets![0]!.ports![1]!.port = 0;
  assert.deepEqual(brief(validateObject(EndpointsKind, bad)), [
    'FieldValueInvalid subsets[0].addresses[1].ip',
    'FieldValueRequired subsets[0].ports[0].name',
    'FieldValueInvalid subsets[0].ports[1].port',
  ]);
  assert.equal(formatEndpoints(ep), '198.18.0.5:8080,198.18.0.6:8080,[fd00::7]:8080 + 3 more...');
  assert.equal(formatEndpoints({ metadata: { name: 'x' } }), '<none>');
  assert.equal(formatEndpoints({ subsets: [{ addresses: [{ ip: '198.18.0.5' }] }] }), '198.18.0.5');
  const table = toTable(EndpointsKind, [ep], { now }) as { rows: { cells: unknown[] }[] };
  assert.deepEqual(table.rows[0]!.cells, ['web', '198.18.0.5:8080,198.18.0.6:8080,[fd00::7]:8080 + 3 more...', '60m']);
});
