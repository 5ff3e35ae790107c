import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { fsObservations, memoryObservation, observeSignals, pidObservation } from './signals.js';

describe('eviction signals', () => {
  it('memory.available is MemTotal minus the working set (MemTotal − MemAvailable)', () => {
    const o = memoryObservation('MemTotal:       2048000 kB\nMemFree:  100 kB\nMemAvailable:    512000 kB\n');
    assert.equal(o?.capacity.value(), 2048000 * 1024);
    assert.equal(o?.available.value(), 512000 * 1024);
    assert.equal(memoryObservation('MemTotal: 1 kB\n'), undefined);
  });

  it('fs signals come from statfs: blocks free to users, and inodes when the filesystem has them', () => {
    const o = fsObservations('nodefs', { bsize: 4096, blocks: 1000, bavail: 100, files: 50, ffree: 5 });
    assert.equal(o['nodefs.available']?.available.value(), 409600);
    assert.equal(o['nodefs.available']?.capacity.value(), 4096000);
    assert.equal(o['nodefs.inodesFree']?.available.value(), 5);
    assert.equal(fsObservations('imagefs', { bsize: 4096, blocks: 1, bavail: 1, files: 0, ffree: 0 })['imagefs.inodesFree'], undefined);
  });

  it('pid.available is the smaller of pid_max and threads-max minus the threads running', () => {
    const o = pidObservation('32768\n', '192730\n', '0.50 0.40 0.30 2/768 12345\n');
    assert.equal(o?.capacity.value(), 32768);
    assert.equal(o?.available.value(), 32768 - 768);
    assert.equal(pidObservation('', '', ''), undefined);
  });

  it('reads every signal on this machine; imagefs mirrors nodefs', async () => {
    const o = await observeSignals({ nodeFsPath: tmpdir() });
    for (const s of ['memory.available', 'nodefs.available', 'imagefs.available', 'pid.available'] as const) assert.ok(o[s], s);
    assert.equal(o['imagefs.available']?.capacity.value(), o['nodefs.available']?.capacity.value());
    assert.ok((o['memory.available']?.available.value() ?? 0) > 0);
  });
});
