import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeStateDir, type ContainerRecord } from './process-state.js';
import type { PodSandbox } from './runtime.js';

const sandbox = (id: string, state: PodSandbox['state'] = 'ready'): PodSandbox => ({ id, config: { uid: 'u', namespace: 'ns', name: 'p', hostNetwork: false }, ip: '127.1.0.2', state, createdAt: 1 });
const container = (id: string, state: ContainerRecord['status']['state']): ContainerRecord => ({
  status: { id, sandboxId: 's1', name: 'c', image: 'busybox', state, createdAt: 1, logPath: '/tmp/x.log', labels: {} },
  config: { name: 'c', image: 'busybox', argv: ['sleep', '1'], env: {}, logPath: '/tmp/x.log', mounts: [], labels: {} },
});

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-state-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const file = (dir: string, kind: string, id: string): string => join(dir, kind, `${id}.json`);
const turns = async (n = 3): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

test('saves reach the disk once flushed, and a new instance loads them', withDir(async (dir) => {
  const state = new RuntimeStateDir(dir);
  state.saveSandbox(sandbox('s1'));
  state.saveContainer(container('c1', 'running'));
  await state.flush();
  const loaded = new RuntimeStateDir(dir).load();
  assert.deepEqual(loaded.sandboxes.map((s) => s.id), ['s1']);
  assert.deepEqual(loaded.containers.map((c) => [c.status.id, c.status.state]), [['c1', 'running']]);
}));

test('saves of one record coalesce: the latest value wins, also over a write in flight', withDir(async (dir) => {
  const state = new RuntimeStateDir(dir);
  state.saveContainer(container('c1', 'created'));
  state.saveContainer(container('c1', 'running'));
  await turns();
  // The first write may be under way; the next request must still land last.
  state.saveContainer(container('c1', 'exited'));
  await state.flush();
  assert.equal((JSON.parse(readFileSync(file(dir, 'containers', 'c1'), 'utf8')) as ContainerRecord).status.state, 'exited');
}));

test('a value is serialized when written: changes made in the same tick are saved', withDir(async (dir) => {
  const state = new RuntimeStateDir(dir);
  const sb = sandbox('s1');
  state.saveSandbox(sb);
  sb.state = 'notready';
  await state.flush();
  assert.equal((JSON.parse(readFileSync(file(dir, 'sandboxes', 's1'), 'utf8')) as PodSandbox).state, 'notready');
}));

test('a remove wins over an earlier save, queued or in flight', withDir(async (dir) => {
  const state = new RuntimeStateDir(dir);
  state.saveContainer(container('queued', 'running'));
  state.removeContainer('queued');
  state.saveContainer(container('inflight', 'running'));
  await turns(1);
  state.removeContainer('inflight');
  await state.flush();
  assert.equal(existsSync(file(dir, 'containers', 'queued')), false);
  assert.equal(existsSync(file(dir, 'containers', 'inflight')), false);
  assert.deepEqual(state.load().containers, []);
}));

test('a save after a remove recreates the record', withDir(async (dir) => {
  const state = new RuntimeStateDir(dir);
  state.saveSandbox(sandbox('s1'));
  await state.flush();
  state.removeSandbox('s1');
  state.saveSandbox(sandbox('s1', 'notready'));
  await state.flush();
  assert.deepEqual(state.load().sandboxes.map((s) => [s.id, s.state]), [['s1', 'notready']]);
  state.removeSandbox('s1');
  await turns(1);
  state.saveSandbox(sandbox('s1'));
  await state.flush();
  assert.deepEqual(state.load().sandboxes.map((s) => [s.id, s.state]), [['s1', 'ready']]);
}));

test('flush waits for requests made while it waits', withDir(async (dir) => {
  const state = new RuntimeStateDir(dir);
  state.saveContainer(container('a', 'running'));
  const flushed = state.flush();
  state.saveContainer(container('b', 'running'));
  await flushed;
  assert.equal(existsSync(file(dir, 'containers', 'a')), true);
  assert.equal(existsSync(file(dir, 'containers', 'b')), true);
}));

test('a failed write is reported, and flush still resolves', withDir(async (dir) => {
  const failures: string[] = [];
  const state = new RuntimeStateDir(dir, (_err, path) => failures.push(path));
  rmSync(join(dir, 'containers'), { recursive: true });
  state.saveContainer(container('c1', 'running'));
  state.saveSandbox(sandbox('s1'));
  await state.flush();
  assert.deepEqual(failures, [file(dir, 'containers', 'c1')]);
  assert.equal(existsSync(file(dir, 'sandboxes', 's1')), true);
}));

test('load skips records cut short and leftover temporary files', withDir(async (dir) => {
  const state = new RuntimeStateDir(dir);
  state.saveSandbox(sandbox('ok'));
  await state.flush();
  writeFileSync(file(dir, 'sandboxes', 'torn'), '{"id":');
  writeFileSync(`${file(dir, 'sandboxes', 'tmp')}.tmp`, JSON.stringify(sandbox('tmp')));
  assert.deepEqual(state.load().sandboxes.map((s) => s.id), ['ok']);
}));

test('without a directory nothing is written and flush resolves', async () => {
  const state = new RuntimeStateDir(undefined);
  state.saveSandbox(sandbox('s1'));
  state.removeSandbox('s1');
  await state.flush();
  assert.deepEqual(state.load(), { sandboxes: [], containers: [] });
});
