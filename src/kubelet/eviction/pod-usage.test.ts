import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../api/core/v1/pod.js';
import { podDiskUsage, statsFromSnapshot } from './pod-usage.js';

describe('pods\' usage for eviction', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-pod-usage-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const pod = { metadata: { name: 'p', namespace: 'd', uid: 'u' }, spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }] } } as Pod;

  it('working sets from the resource snapshot; a pod the runtime did not report has no stats', () => {
    const stats = statsFromSnapshot({ node: {}, error: false, pods: [{ namespace: 'd', name: 'p', containers: [{ name: 'a', workingSetBytes: { timestampMs: 0, value: 10 } }, { name: 'b', workingSetBytes: { timestampMs: 0, value: 5 } }] }] });
    assert.deepEqual(stats(pod), { containers: [{ name: 'a', workingSetBytes: 10 }, { name: 'b', workingSetBytes: 5 }], workingSetBytes: 15 });
    assert.equal(stats({ metadata: { name: 'q', namespace: 'd' } } as Pod), undefined);
  });

  it('disk: each container\'s logs plus the pod\'s local volumes, bytes and inodes', async () => {
    mkdirSync(join(dir, 'd_p_u', 'a'), { recursive: true });
    writeFileSync(join(dir, 'd_p_u', 'a', '0.log'), 'x'.repeat(100));
    mkdirSync(join(dir, 'u', 'volumes', 'kubernetes.io~empty-dir', 'cache'), { recursive: true });
    writeFileSync(join(dir, 'u', 'volumes', 'kubernetes.io~empty-dir', 'cache', 'f'), 'y'.repeat(1000));
    const disk = await podDiskUsage(dir, [pod]);
    const stats = statsFromSnapshot({ node: {}, error: false, pods: [{ namespace: 'd', name: 'p', containers: [{ name: 'a' }, { name: 'b' }] }] }, disk);
    const s = stats(pod);
    assert.equal(s?.containers[0]?.diskBytes, 100);
    assert.equal(s?.containers[0]?.inodes, 2, 'the container dir and its log');
    assert.equal(s?.containers[1]?.diskBytes, 0);
    assert.equal(s?.diskBytes, 1100);
    assert.equal(s?.inodes, 2 + 4);
  });
});
