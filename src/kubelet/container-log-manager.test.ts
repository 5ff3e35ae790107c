import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FakeClock } from '../client/fake-clock.js';
import { memoryLogger } from '../client/logger.js';
import { ContainerLogManager, planRotation, rotatedName, type LogRotationRuntime } from './container-log-manager.js';
import type { ContainerState } from './runtime.js';

/** A runtime whose ReopenContainerLog creates an empty file at the log path, as containerd does. */
class FakeLogRuntime implements LogRotationRuntime {
  readonly reopened: string[] = [];
  failReopen = false;
  failList = false;
  constructor(readonly containers: Array<{ id: string; state: ContainerState; logPath: string }>) {}
  async listContainers() {
    if (this.failList) throw new Error('runtime down');
    return this.containers;
  }
  async reopenContainerLog(id: string): Promise<void> {
    if (this.failReopen) throw new Error('reopen refused');
    this.reopened.push(id);
    const c = this.containers.find((x) => x.id === id);
    if (c) writeFileSync(c.logPath, '', { flag: 'a' });
  }
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-logrot-'));
    try {
      mkdirSync(join(dir, 'c'));
      await fn(join(dir, 'c'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const T0 = Date.UTC(2026, 10, 27, 0, 45, 0);

test('rotated names use upstream\'s 20060102-150405 layout in UTC and sort by time', () => {
  assert.equal(rotatedName('/l/0.log', T0), '/l/0.log.20261127-004500');
  assert.equal(rotatedName('/l/0.log', Date.UTC(2027, 0, 2, 3, 4, 5, 999)), '/l/0.log.20270102-030405');
  const names = [T0 + 61_000, T0, T0 + 1000].map((t) => rotatedName('x', t));
  assert.deepEqual([...names].sort(), [rotatedName('x', T0), rotatedName('x', T0 + 1000), rotatedName('x', T0 + 61_000)]);
});

test('planRotation keeps maxFiles − 2 rotated files, compresses all but .gz, removes the oldest and leftovers', () => {
  const entries = [
    '0.log',
    '0.log.stdout', // not ours: the process runtime's raw output
    '1.log',
    '0.log.20261127-000001.gz',
    '0.log.20261127-000002.gz',
    '0.log.20261127-000003',
    '0.log.20261127-000004.gz.tmp', // an interrupted compression
    '0.log.20261127-000005', // compressed already: the plain one is a leftover
    '0.log.20261127-000005.gz',
    '0.log.20261127-000006',
  ];
  const plan = planRotation('0.log', entries, 5);
  // In use: 1.gz 2.gz 3 5.gz 6; maxFiles 5 keeps the newest three (live + the one rotated now make five).
  assert.deepEqual(plan.remove, ['0.log.20261127-000004.gz.tmp', '0.log.20261127-000005', '0.log.20261127-000001.gz', '0.log.20261127-000002.gz']);
  assert.deepEqual(plan.compress, ['0.log.20261127-000003', '0.log.20261127-000006']);
  // maxFiles 2: only the live file and the one about to be rotated remain.
  assert.deepEqual(planRotation('0.log', ['0.log', '0.log.20261127-000003', '0.log.20261127-000002.gz'], 2), { remove: ['0.log.20261127-000002.gz', '0.log.20261127-000003'], compress: [] });
  assert.deepEqual(planRotation('0.log', ['0.log'], 5), { remove: [], compress: [] });
});

test('a log over maxBytes is renamed, reopened, and over passes compressed and capped at maxFiles', withDir(async (dir) => {
  const log = join(dir, '0.log');
  const small = join(dir, '1.log');
  const rt = new FakeLogRuntime([
    { id: 'big', state: 'running', logPath: log },
    { id: 'small', state: 'running', logPath: small },
    { id: 'done', state: 'exited', logPath: join(dir, '9.log') },
  ]);
  writeFileSync(small, 'x'.repeat(10));
  writeFileSync(join(dir, '9.log'), 'y'.repeat(500));
  const clock = new FakeClock({ start: T0 });
  const m = new ContainerLogManager({ runtime: rt, settings: { maxBytes: 100, maxFiles: 3, monitorIntervalMs: 10_000 }, clock });
  for (let i = 0; i < 5; i++) {
    writeFileSync(log, `pass-${i}\n`.repeat(20), { flag: 'a' });
    await m.rotateAll();
    await clock.advance(10_000);
  }
  const files = readdirSync(dir).filter((f) => f.startsWith('0.log')).sort();
  // Live + newest rotated (plain) + one older (.gz): 3 files.
  assert.deepEqual(files, ['0.log', rotatedName('0.log', T0 + 30_000) + '.gz', rotatedName('0.log', T0 + 40_000)]);
  assert.equal(readFileSync(log, 'utf8'), '', 'the live file is the reopened, empty one');
  assert.match(readFileSync(join(dir, rotatedName('0.log', T0 + 40_000)), 'utf8'), /^pass-4\n/);
  assert.equal(gunzipSync(readFileSync(join(dir, rotatedName('0.log', T0 + 30_000) + '.gz'))).toString(), 'pass-3\n'.repeat(20));
  assert.deepEqual(rt.reopened, ['big', 'big', 'big', 'big', 'big'], 'small and exited containers are left alone');
  assert.ok(existsSync(small) && existsSync(join(dir, '9.log')));
  assert.deepEqual(readdirSync(dir).filter((f) => !f.startsWith('0.log')).sort(), ['1.log', '9.log']);
}));

test('a failed reopen puts the log back and is retried at the next interval; errors are logged, never thrown', withDir(async (dir) => {
  const log = join(dir, '0.log');
  writeFileSync(log, 'z'.repeat(200));
  const rt = new FakeLogRuntime([{ id: 'c1', state: 'running', logPath: log }]);
  const clock = new FakeClock({ start: T0 });
  const logger = memoryLogger();
  const m = new ContainerLogManager({ runtime: rt, settings: { maxBytes: 100, maxFiles: 3, monitorIntervalMs: 1000 }, clock, logger });
  m.start();
  rt.failReopen = true;
  await clock.advance(1000);
  await waitUntil(() => logger.lines.some((l) => l.msg === 'container log rotation failed'));
  assert.deepEqual(readdirSync(dir), ['0.log'], 'the rename was undone');
  assert.equal(readFileSync(log, 'utf8').length, 200);
  rt.failList = true;
  await clock.advance(1000);
  await waitUntil(() => logger.lines.some((l) => l.msg.includes('listing containers failed')));
  rt.failList = false;
  rt.failReopen = false;
  await clock.advance(1000);
  await waitUntil(() => rt.reopened.length === 1);
  await m.stop();
  assert.deepEqual(readdirSync(dir).sort(), ['0.log', rotatedName('0.log', T0 + 3000).split('/').pop()]);
  assert.equal(clock.pendingTimers(), 0, 'stop() cancels the next pass');
}));

test('a missing live log is reopened; a rotation in the same second as the last waits; maxBytes < 0 never rotates', withDir(async (dir) => {
  const log = join(dir, '0.log');
  const rt = new FakeLogRuntime([{ id: 'c1', state: 'running', logPath: log }]);
  const clock = new FakeClock({ start: T0 });
  const m = new ContainerLogManager({ runtime: rt, settings: { maxBytes: 10, maxFiles: 4, monitorIntervalMs: 1000 }, clock });
  assert.equal(await m.rotateIfNeeded('c1', log), false);
  assert.ok(existsSync(log), 'reopened');
  writeFileSync(log, 'a'.repeat(20));
  assert.equal(await m.rotateIfNeeded('c1', log), true);
  writeFileSync(log, 'b'.repeat(20));
  assert.equal(await m.rotateIfNeeded('c1', log), false, 'same second: the first rotated file is not overwritten');
  await clock.advance(1000);
  assert.equal(await m.rotateIfNeeded('c1', log), true);
  const off = new ContainerLogManager({ runtime: rt, settings: { maxBytes: -1, maxFiles: 4, monitorIntervalMs: 1000 }, clock });
  off.start();
  assert.equal(clock.pendingTimers(), 0);
  assert.throws(() => new ContainerLogManager({ runtime: rt, settings: { maxFiles: 1 } }), /must be > 1/);
}));

async function waitUntil(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((r) => setImmediate(r));
  }
}
