import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, decodeObject, encodeObject, toTable, validateObject, type SchemaFieldError } from '../../schema/index.js';
import { renderFieldError, type FieldError } from '../../../machinery/field-errors.js';
import { PodKind, type Pod } from './pod.js';
import { POD_UPDATE_FORBIDDEN_MESSAGE } from './pod-update.js';
import { samplePod } from './testdata.js';

const brief = (errs: SchemaFieldError[]) => errs.map((e) => `${e.type} ${e.field}`);
const clone = <T>(v: T): T => structuredClone(v);

function minimalPod(): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'nginx',
          ports: [{ containerPort: 80 }],
          resources: { limits: { cpu: '500m', memory: '128Mi' } },
          readinessProbe: { httpGet: { port: 80 } },
          env: [{ name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } }],
          volumeMounts: [{ name: 'scratch', mountPath: '/tmp' }],
        },
      ],
      volumes: [{ name: 'scratch' }, { name: 'cfg', configMap: { name: 'c' } }],
    },
  };
}

test('Kubernetes defaults are applied to a minimal pod', () => {
  const p = minimalPod();
  applyDefaults(PodKind, p as Record<string, unknown>);
  const spec = p.spec!;
  const c = spec.containers![0]!;
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.terminationGracePeriodSeconds, 30);
  assert.equal(spec.schedulerName, 'default-scheduler');
  assert.deepEqual(spec.securityContext, {});
  assert.equal(spec.enableServiceLinks, true);
  assert.deepEqual([p.status!.phase, p.status!.qosClass], ['Pending', 'Guaranteed']);
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.terminationMessagePolicy, 'File');
  assert.equal(c.imagePullPolicy, 'Always');
  assert.equal(c.ports![0]!.protocol, 'TCP');
  assert.deepEqual(c.resources!.requests, { cpu: '500m', memory: '128Mi' });
  assert.deepEqual(
    [c.readinessProbe!.timeoutSeconds, c.readinessProbe!.periodSeconds, c.readinessProbe!.successThreshold, c.readinessProbe!.failureThreshold],
    [1, 10, 1, 3],
  );
  assert.equal(c.readinessProbe!.httpGet!.path, '/');
  assert.equal(c.readinessProbe!.httpGet!.scheme, 'HTTP');
  assert.equal(c.env![0]!.valueFrom!.resourceFieldRef!.divisor, '0');
  assert.deepEqual(spec.volumes![0]!.emptyDir, {});
  assert.equal(spec.volumes![1]!.configMap!.defaultMode, 420);
  const again = clone(p);
  applyDefaults(PodKind, again as Record<string, unknown>);
  assert.deepEqual(again, p, 'defaulting is idempotent');
});

test('a realistic pod and a defaulted minimal pod validate cleanly', () => {
  assert.deepEqual(validateObject(PodKind, samplePod()), []);
  const p = minimalPod();
  applyDefaults(PodKind, p as Record<string, unknown>);
  assert.deepEqual(validateObject(PodKind, p), []);
});

const invalid: { name: string; mutate: (p: Pod) => void; want: string[] }[] = [
  {
    name: 'duplicate container names in one list (reported once)',
    mutate: (p) => p.spec!.containers!.push({ ...clone(p.spec!.containers![0]!), ports: [] }),
    want: ['FieldValueDuplicate spec.containers[1].name'],
  },
  { name: 'missing image', mutate: (p) => delete p.spec!.containers![0]!.image, want: ['FieldValueRequired spec.containers[0].image'] },
  { name: 'missing container name', mutate: (p) => delete p.spec!.containers![0]!.name, want: ['FieldValueRequired spec.containers[0].name'] },
  { name: 'bad port', mutate: (p) => (p.spec!.containers![0]!.ports![0]!.containerPort = 0), want: ['FieldValueRequired spec.containers[0].ports[0].containerPort'] },
  {
    name: 'unknown restart policy',
    mutate: (p) => ((p.spec as Record<string, unknown>)['restartPolicy'] = 'Sometimes'),
    want: ['FieldValueNotSupported spec.restartPolicy'],
  },
  { name: 'duplicate volume names', mutate: (p) => (p.spec!.volumes![3]!.name = 'config'), want: ['FieldValueDuplicate spec.volumes[3].name'] },
  {
    name: 'ephemeral containers on create',
    mutate: (p) => (p.spec!.ephemeralContainers = [{ name: 'debug', image: 'busybox', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' }]),
    want: ['FieldValueForbidden spec.ephemeralContainers'],
  },
];
for (const c of invalid) {
  test(`invalid pod: ${c.name}`, () => {
    const p = samplePod();
    c.mutate(p);
    assert.deepEqual(brief(validateObject(PodKind, p)), c.want);
  });
}

test('pod updates: images, deadline, added tolerations and removed gates may change', () => {
  const old = samplePod();
  old.spec!.schedulingGates = [{ name: 'example.com/wait' }];
  const next = clone(old);
  next.spec!.containers![0]!.image = 'nginx:1.28';
  next.spec!.initContainers![0]!.image = 'registry.example/app:1.5';
  next.spec!.activeDeadlineSeconds = 600;
  next.spec!.tolerations!.push({ key: 'extra', operator: 'Exists' });
  next.spec!.schedulingGates = [];
  assert.deepEqual(validateObject(PodKind, next, old), []);
});

test('pod updates: any other spec change is Forbidden with the Kubernetes message', () => {
  const old = samplePod();
  const next = clone(old);
  next.spec!.containers![0]!.ports![0]!.containerPort = 8081;
  next.spec!.nodeName = 'elsewhere';
  const errs = validateObject(PodKind, next, old);
  assert.deepEqual(brief(errs), ['FieldValueForbidden spec']);
  assert.ok(errs[0]!.message.startsWith(POD_UPDATE_FORBIDDEN_MESSAGE));
  assert.match(errs[0]!.message, /spec\.containers, spec\.nodeName/);
});

test('pod updates: removing a toleration or raising the deadline is rejected', () => {
  const old = samplePod();
  old.spec!.activeDeadlineSeconds = 100;
  const next = clone(old);
  next.spec!.tolerations!.pop();
  assert.deepEqual(brief(validateObject(PodKind, next, old)), ['FieldValueForbidden spec.tolerations']);
  const raised = clone(old);
  raised.spec!.activeDeadlineSeconds = 200;
  assert.deepEqual(brief(validateObject(PodKind, raised, old)), ['FieldValueInvalid spec.activeDeadlineSeconds']);
});

test('field selectors and table row', () => {
  const p = samplePod();
  p.spec!.nodeName = 'node-1';
  p.status = { phase: 'Running', podIP: '198.18.0.9' };
  applyDefaults(PodKind, p as Record<string, unknown>);
  const sel = PodKind.fieldSelectors!;
  assert.equal(sel['spec.nodeName']!(p), 'node-1');
  assert.equal(sel['status.podIP']!(p), '198.18.0.9');
  assert.equal(sel['spec.hostNetwork']!(p), 'false');
  assert.equal(sel['status.phase']!(p), 'Running');
  const table = toTable(PodKind, [p], { now: new Date('2026-11-26T16:05:00Z') }) as {
    columnDefinitions: { name: string; priority: number }[];
    rows: { cells: unknown[] }[];
  };
  assert.deepEqual(
    table.columnDefinitions.map((c) => `${c.name}:${c.priority}`),
    ['Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1'],
  );
  assert.deepEqual(table.rows[0]!.cells, ['web-0', '0/2', 'Running', '0', '5m', '198.18.0.9', 'node-1', '<none>', '0/1']);
});

test('errors render as kube-apiserver prints them', () => {
  const old = samplePod();
  const next = clone(old);
  next.spec!.containers![0]!.ports![0]!.containerPort = 8081;
  const forbidden = validateObject(PodKind, next, old)[0]!;
  assert.ok(
    renderFieldError(forbidden as FieldError).startsWith(
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    ),
  );
  const p = samplePod();
  delete p.spec!.containers![0]!.image;
  p.spec!.containers![0]!.volumeMounts![0]!.name = 'missing';
  assert.deepEqual(validateObject(PodKind, p).map((e) => renderFieldError(e as FieldError)), [
    'spec.containers[0].image: Required value',
    'spec.containers[0].volumeMounts[0].name: Not found: "missing"',
  ]);
});

test('a realistic pod survives a protobuf round trip (inline-embedded structs nest on the wire)', () => {
  const p = samplePod();
  p.status = {
    phase: 'Running',
    podIP: '198.18.0.9',
    podIPs: [{ ip: '198.18.0.9' }],
    containerStatuses: [
      { name: 'web', ready: true, restartCount: 2, image: 'nginx:1.27', imageID: 'sha256:abc', started: false, state: { running: { startedAt: '2026-11-26T16:01:00Z' } } },
    ],
  };
  applyDefaults(PodKind, p as Record<string, unknown>);
  const decoded = decodeObject(PodKind, encodeObject(PodKind, p as Record<string, unknown>));
  assert.deepEqual(decoded, p);
});

test('volume sources skiff does not mount are still accepted, one per volume', () => {
  const p = samplePod();
  p.spec!.volumes!.push({ name: 'repo', gitRepo: { repository: 'https://git.example/r.git' } }, { name: 'disk', azureDisk: { diskName: 'd', diskURI: 'u' } });
  applyDefaults(PodKind, p as Record<string, unknown>);
  assert.equal(p.spec!.volumes![8]!.azureDisk!.cachingMode, 'ReadWrite');
  assert.deepEqual(validateObject(PodKind, p), []);
  p.spec!.volumes![7]!.emptyDir = {};
  assert.deepEqual(brief(validateObject(PodKind, p)), ['FieldValueForbidden spec.volumes[7].gitRepo']);
});
