import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLineSplitter, readNdjson } from './web/ndjson.js';
import { podColumns } from './web/pod-status.js';
import { ManifestError, parseManifests } from './web/manifest.js';
import { formatBytes, formatCpu, humanDuration, parseQuantity } from './web/format.js';
import { formatRoute, parseRoute } from './web/router.js';

test('the line splitter joins lines split across chunks and drops blank lines', () => {
  const s = createLineSplitter();
  assert.deepEqual(s.push('{"a":'), []);
  assert.deepEqual(s.push('1}\n{"b"'), ['{"a":1}']);
  assert.deepEqual(s.push(':2}\n\n{"c":3}'), ['{"b":2}']);
  assert.deepEqual(s.flush(), ['{"c":3}']);
  assert.deepEqual(s.flush(), []);
});

test('readNdjson yields each event of a chunked byte stream, multi-byte characters split too', async () => {
  const text = '{"type":"ADDED","object":{"name":"é"}}\n{"type":"DELETED","object":{"name":"ü"}}\n';
  const bytes = new TextEncoder().encode(text);
  // Split inside the two-byte "é" and inside a line.
  const cuts = [5, 30, 31, 50, bytes.length];
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      let at = 0;
      for (const cut of cuts) {
        c.enqueue(bytes.slice(at, cut));
        at = cut;
      }
      c.close();
    },
  });
  const events: unknown[] = [];
  for await (const ev of readNdjson(body)) events.push(ev);
  assert.deepEqual(events, [
    { type: 'ADDED', object: { name: 'é' } },
    { type: 'DELETED', object: { name: 'ü' } },
  ]);
});

test('readNdjson throws on a line that is not JSON', async () => {
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode('{"ok":1}\nnot json\n'));
      c.close();
    },
  });
  await assert.rejects(async () => {
    for await (const _ of readNdjson(body)) void _;
  }, SyntaxError);
});

const running = { ready: true, restartCount: 0, state: { running: {} } };
test('pod STATUS column as kubectl prints it', () => {
  const cases: Array<[string, object, string, string, number]> = [
    ['pending, unscheduled', { spec: { containers: [{}] }, status: { phase: 'Pending' } }, 'Pending', '0/1', 0],
    ['running', { spec: { containers: [{}, {}] }, status: { phase: 'Running', containerStatuses: [running, { ...running, restartCount: 2 }] } }, 'Running', '2/2', 2],
    [
      'crash loop',
      { spec: { containers: [{}] }, status: { phase: 'Running', containerStatuses: [{ restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } } }] } },
      'CrashLoopBackOff', '0/1', 5,
    ],
    [
      'exit code without reason',
      { spec: { containers: [{}] }, status: { phase: 'Failed', containerStatuses: [{ state: { terminated: { exitCode: 3 } } }] } },
      'ExitCode:3', '0/1', 0,
    ],
    [
      'init container waiting',
      { spec: { initContainers: [{ name: 'a' }, { name: 'b' }], containers: [{}] }, status: { phase: 'Pending', initContainerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0 } } }, { name: 'b', state: { running: {} } }] } },
      'Init:1/2', '0/1', 0,
    ],
    [
      'init container failed',
      { spec: { initContainers: [{ name: 'a' }], containers: [{}] }, status: { phase: 'Pending', initContainerStatuses: [{ name: 'a', restartCount: 1, state: { terminated: { exitCode: 1, reason: 'Error' } } }] } },
      'Init:Error', '0/1', 1,
    ],
    [
      'terminating',
      { metadata: { deletionTimestamp: '2024-01-01T00:00:00Z' }, spec: { containers: [{}] }, status: { phase: 'Running', containerStatuses: [running] } },
      'Terminating', '1/1', 0,
    ],
    [
      'completed with a running container is NotReady',
      { spec: { containers: [{}, {}] }, status: { phase: 'Running', containerStatuses: [running, { state: { terminated: { exitCode: 0, reason: 'Completed' } } }] } },
      'NotReady', '1/2', 0,
    ],
    [
      'scheduling gated',
      { spec: { containers: [{}] }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } },
      'SchedulingGated', '0/1', 0,
    ],
    [
      'evicted (pod reason wins)',
      { spec: { containers: [{}] }, status: { phase: 'Failed', reason: 'Evicted' } },
      'Evicted', '0/1', 0,
    ],
  ];
  for (const [name, pod, status, ready, restarts] of cases) {
    assert.deepEqual(podColumns(pod), { status, ready, restarts }, name);
  }
});

test('manifests: YAML documents, JSON objects, arrays and Lists', () => {
  const yaml = `# comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: "first"   # quoted
  labels:
    name: not-this
  namespace: team-a
data:
  name: nor-this
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
---
# only a comment
`;
  const docs = parseManifests(yaml);
  assert.equal(docs.length, 2);
  assert.deepEqual({ ...docs[0], body: undefined }, { apiVersion: 'v1', kind: 'ConfigMap', name: 'first', namespace: 'team-a', body: undefined });
  assert.deepEqual({ ...docs[1], body: undefined }, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', body: undefined });
  assert.match(docs[0]?.body ?? '', /kind: ConfigMap/);

  const json = parseManifests('{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}}]}');
  assert.equal(json.length, 1);
  assert.equal(json[0]?.kind, 'Secret');
  assert.deepEqual(JSON.parse(json[0]?.body ?? ''), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } });
  assert.equal(parseManifests('[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}]')[0]?.name, 'a');

  assert.throws(() => parseManifests(''), ManifestError);
  assert.throws(() => parseManifests('apiVersion: v1\nkind: ConfigMap\n'), /metadata.name is missing/);
  assert.throws(() => parseManifests('{"kind": '), /invalid JSON/);
});

test('durations, quantities and capacities read as kubectl prints them', () => {
  assert.equal(humanDuration(45_000), '45s');
  assert.equal(humanDuration(119_000), '119s');
  assert.equal(humanDuration(192_000), '3m12s');
  assert.equal(humanDuration(30 * 60_000), '30m');
  assert.equal(humanDuration((5 * 60 + 4) * 60_000), '5h4m');
  assert.equal(humanDuration(30 * 3600_000), '30h');
  assert.equal(humanDuration(12 * 86400_000), '12d');
  assert.equal(humanDuration(-5000), '<invalid>');
  assert.equal(parseQuantity('250m'), 0.25);
  assert.equal(parseQuantity('16Gi'), 16 * 2 ** 30);
  assert.equal(parseQuantity('1e3'), 1000);
  assert.ok(Number.isNaN(parseQuantity('12Q')));
  assert.equal(formatCpu('4'), '4');
  assert.equal(formatCpu('250m'), '250m');
  assert.equal(formatBytes('16384Ki'), '16 MiB');
  assert.equal(formatBytes('16318272Ki'), '15.6 GiB');
});

test('routes round-trip through the URL hash', () => {
  assert.deepEqual(parseRoute(''), { view: 'overview', params: {} });
  assert.deepEqual(parseRoute('#/pods'), { view: 'pods', params: {} });
  const hash = formatRoute('object', { path: '/api/v1/namespaces/a b/pods/x?y', empty: '' });
  assert.deepEqual(parseRoute(hash), { view: 'object', params: { path: '/api/v1/namespaces/a b/pods/x?y' } });
});
