import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from './pod.js';
import { podRow } from './pod-printer.js';
import type { ContainerStatus } from './pod-status.js';

const now = new Date('2026-11-26T17:00:00Z');
const running = (name: string, extra: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name,
  ready: true,
  restartCount: 0,
  image: 'img',
  imageID: '',
  started: true,
  state: { running: { startedAt: '2026-11-26T16:00:00Z' } },
  ...extra,
});

function pod(over: { spec?: Pod['spec']; status?: Pod['status']; metadata?: Pod['metadata'] }): Pod {
  return {
    metadata: { name: 'p', creationTimestamp: '2026-11-26T16:00:00Z', ...over.metadata },
    spec: { containers: [{ name: 'a', image: 'img' }], ...over.spec },
    status: over.status ?? {},
  };
}

const cases: { name: string; pod: Pod; ready?: string; status: string; restarts?: string }[] = [
  { name: 'pending, unscheduled', pod: pod({ status: { phase: 'Pending' } }), ready: '0/1', status: 'Pending', restarts: '0' },
  {
    name: 'container creating',
    pod: pod({ status: { phase: 'Pending', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: 'img', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }] } }),
    ready: '0/1',
    status: 'ContainerCreating',
  },
  { name: 'running and ready', pod: pod({ status: { phase: 'Running', containerStatuses: [running('a')] } }), ready: '1/1', status: 'Running', restarts: '0' },
  {
    name: 'crash loop with restarts and age of last restart',
    pod: pod({
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'a',
            ready: false,
            restartCount: 3,
            image: 'img',
            imageID: '',
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-11-26T16:55:00Z' } },
          },
        ],
      },
    }),
    ready: '0/1',
    status: 'CrashLoopBackOff',
    restarts: '3 (5m ago)',
  },
  {
    name: 'completed',
    pod: pod({
      status: {
        phase: 'Succeeded',
        containerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: 'img', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
      },
    }),
    ready: '0/1',
    status: 'Completed',
  },
  {
    name: 'exit code without reason',
    pod: pod({ status: { phase: 'Failed', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: 'img', imageID: '', state: { terminated: { exitCode: 137 } } }] } }),
    status: 'ExitCode:137',
  },
  {
    name: 'signal without reason',
    pod: pod({ status: { phase: 'Failed', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: 'img', imageID: '', state: { terminated: { exitCode: 0, signal: 9 } } }] } }),
    status: 'Signal:9',
  },
  {
    name: 'first init container running',
    pod: pod({
      spec: { containers: [{ name: 'a' }], initContainers: [{ name: 'i1' }, { name: 'i2' }] },
      status: {
        phase: 'Pending',
        initContainerStatuses: [running('i1', { ready: false }), { name: 'i2', ready: false, restartCount: 0, image: 'img', imageID: '', state: { waiting: { reason: 'PodInitializing' } } }],
        containerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: 'img', imageID: '', state: { waiting: { reason: 'PodInitializing' } } }],
      },
    }),
    ready: '0/1',
    status: 'Init:0/2',
  },
  {
    name: 'second init container after the first succeeded',
    pod: pod({
      spec: { containers: [{ name: 'a' }], initContainers: [{ name: 'i1' }, { name: 'i2' }] },
      status: {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'i1', ready: true, restartCount: 0, image: 'img', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          running('i2', { ready: false }),
        ],
      },
    }),
    status: 'Init:1/2',
  },
  {
    name: 'init container crash looping',
    pod: pod({
      spec: { containers: [{ name: 'a' }], initContainers: [{ name: 'i1' }] },
      status: {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'i1', ready: false, restartCount: 2, image: 'img', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } } }],
      },
    }),
    status: 'Init:CrashLoopBackOff',
    restarts: '2',
  },
  {
    name: 'init container failed with exit code',
    pod: pod({
      spec: { containers: [{ name: 'a' }], initContainers: [{ name: 'i1' }] },
      status: { phase: 'Failed', initContainerStatuses: [{ name: 'i1', ready: false, restartCount: 0, image: 'img', imageID: '', state: { terminated: { exitCode: 2 } } }] },
    }),
    status: 'Init:ExitCode:2',
  },
  {
    name: 'sidecar counts towards ready and total',
    pod: pod({
      spec: { containers: [{ name: 'a' }], initContainers: [{ name: 'side', restartPolicy: 'Always' }] },
      status: { phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }], initContainerStatuses: [running('side')], containerStatuses: [running('a')] },
    }),
    ready: '2/2',
    status: 'Running',
  },
  {
    name: 'terminating',
    pod: pod({ metadata: { deletionTimestamp: '2026-11-26T16:59:00Z' }, status: { phase: 'Running', containerStatuses: [running('a')] } }),
    status: 'Terminating',
  },
  {
    name: 'deleted pod on a lost node',
    pod: pod({ metadata: { deletionTimestamp: '2026-11-26T16:59:00Z' }, status: { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('a')] } }),
    status: 'Unknown',
  },
  {
    name: 'evicted reason wins over phase',
    pod: pod({ status: { phase: 'Failed', reason: 'Evicted', message: 'low on memory' } }),
    status: 'Evicted',
  },
  {
    name: 'scheduling gated',
    pod: pod({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } }),
    status: 'SchedulingGated',
  },
  {
    name: 'completed container next to a running one is Running when ready',
    pod: pod({
      spec: { containers: [{ name: 'a' }, { name: 'b' }] },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: 'img', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, running('b')],
      },
    }),
    ready: '1/2',
    status: 'Running',
  },
  {
    name: 'completed container next to a running one is NotReady otherwise',
    pod: pod({
      spec: { containers: [{ name: 'a' }, { name: 'b' }] },
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: 'img', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, running('b')],
      },
    }),
    status: 'NotReady',
  },
];

for (const c of cases) {
  test(`pod STATUS: ${c.name}`, () => {
    const row = podRow(c.pod, now);
    assert.equal(row.status, c.status);
    if (c.ready !== undefined) assert.equal(row.ready, c.ready);
    if (c.restarts !== undefined) assert.equal(row.restarts, c.restarts);
  });
}

test('wide cells: IP, node, nominated node, readiness gates', () => {
  const p = pod({
    spec: { containers: [{ name: 'a' }], nodeName: 'node-1', readinessGates: [{ conditionType: 'x/a' }, { conditionType: 'x/b' }] },
    status: { podIPs: [{ ip: '198.18.0.5' }], conditions: [{ type: 'x/a', status: 'True' }, { type: 'x/b', status: 'False' }] },
  });
  const row = podRow(p, now);
  assert.deepEqual([row.ip, row.node, row.nominatedNode, row.readinessGates], ['198.18.0.5', 'node-1', '<none>', '1/2']);
  const bare = podRow(pod({}), now);
  assert.deepEqual([bare.ip, bare.node, bare.nominatedNode, bare.readinessGates], ['<none>', '<none>', '<none>', '<none>']);
});
