import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/core/v1/pod.js';
import { jsonLogger } from '../../client/logger.js';
import type { ContainerStatus, PodSandbox } from '../runtime.js';
import { evictedStatus, evictPod } from './evict-pod.js';
import { parseThresholdConfig } from './thresholds.js';

const pod = {
  metadata: { name: 'p', namespace: 'd', uid: 'u1' },
  spec: { containers: [{ name: 'c', image: 'x' }] },
  status: {
    phase: 'Running',
    conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: 't0' }, { type: 'Ready', status: 'True', lastTransitionTime: 't0' }],
    containerStatuses: [{ name: 'c', image: 'x', imageID: '', ready: true, restartCount: 0, started: true, containerID: 'process://1', state: { running: { startedAt: 't0' } } }],
  },
} as unknown as Pod;

describe('carrying out an eviction', () => {
  it('the status: Failed, Evicted, the message, DisruptionTarget, not ready, containers terminated', () => {
    const s = evictedStatus(pod, 'The node was low on resource: memory. ', 't1');
    assert.equal(s.phase, 'Failed');
    assert.equal(s.reason, 'Evicted');
    assert.equal(s.message, 'The node was low on resource: memory. ');
    const byType = Object.fromEntries((s.conditions ?? []).map((c) => [c.type, c]));
    assert.deepEqual(byType['DisruptionTarget'], { type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message: 'The node was low on resource: memory. ', lastTransitionTime: 't1' });
    assert.equal(byType['Ready']?.status, 'False');
    assert.equal(byType['PodScheduled']?.lastTransitionTime, 't0');
    assert.deepEqual(s.containerStatuses?.[0]?.state, { terminated: { exitCode: 137, reason: 'Evicted', startedAt: 't0', finishedAt: 't1', containerID: 'process://1' } });
  });

  it('releases the worker, stops the pod\'s running containers with the grace period, then writes the status and an event', async () => {
    const log: string[] = [];
    const sandboxes = [{ id: 's1', config: { uid: 'u1' } }, { id: 's2', config: { uid: 'other' } }] as unknown as PodSandbox[];
    const containers = [{ id: 'c1', name: 'c', state: 'running' }, { id: 'c0', name: 'c', state: 'exited' }] as unknown as ContainerStatus[];
    await evictPod(
      {
        runtime: {
          listPodSandboxes: async () => sandboxes,
          listContainers: async (f) => (f?.sandboxId === 's1' ? containers : []),
          stopContainer: async (id, grace) => void log.push(`stop ${id} ${grace}`),
          stopPodSandbox: async (id) => void log.push(`stop sandbox ${id}`),
        },
        releaseWorker: (uid) => log.push(`release ${uid}`),
        patchStatus: async (_p, status) => void log.push(`status ${status.phase} ${status.reason}`),
        event: (_p, type, reason) => log.push(`event ${type} ${reason}`),
        now: () => 't1',
        logger: jsonLogger('test', () => {}),
      },
      { pod, threshold: parseThresholdConfig({ hard: 'memory.available<1Gi' })[0]!, resource: 'memory', gracePeriodSeconds: 0, message: 'm', annotations: {} },
    );
    assert.deepEqual(log, ['release u1', 'event Warning Evicted', 'stop c1 0', 'stop sandbox s1', 'status Failed Evicted']);
  });
});
