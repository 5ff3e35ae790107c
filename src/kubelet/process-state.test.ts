import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeStateDir, type ContainerRecord } from './process-state.js';
import type { PodSandbox } from './runtime.js';

const sandbox = (id: string, state: PodSandbox['state'] = 'ready'): PodSandbox => ({ id, config: { uid: 'u', namespace: 'ns', name: 'p', hostNetwork: false }, ip: '127.1.0.2', state, createdAt: 1 });
const container = (id: string, state: ContainerRecord['status']['state'], env: Record<string, string> = {}): ContainerRecord => ({
  status: { id, sandboxId: 's1', name: 'c', image: 'busybox', state, createdAt: 1, logPath: '/tmp/x.log', labels: {} },
  config: { name: 'c', image: 'busybox', argv: ['sleep', '1'], env, logPath: '/tmp/x.log', mounts: [], labels: {} },
});

function withDir(fn: (dir: string) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-state-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const states = (s: RuntimeStateDir): string[][] => [...s.load().sandboxes.map((x) => ['sb', x.id, x.state]), ...s.load().containers.map((c) => ['c', c.status.id, c.status.state])];

test('what was saved, a new instance loads: the latest value of each record, none of the removed ones', withDir((dir) => {
  const state = new RuntimeStateDir(dir);
  state.saveSandbox(sandbox('s1'));
  state.saveSandbox(sandbox('s2'));
  state.saveContainer(container('c1', 'created'));
  state.saveContainer(container('c1', 'running'));
  state.saveContainer(container('c2', 'running'));
  state.removeContainer('c2');
  state.saveSandbox(sandbox('s1', 'notready'));
  state.removeSandbox('s2');
  assert.deepEqual(states(new RuntimeStateDir(dir)), [['sb', 's1', 'notready'], ['c', 'c1', 'running']]);
}));

test('a save after a removal brings the record back', withDir((dir) => {
  const state = new RuntimeStateDir(dir);
  state.saveSandbox(sandbox('s1'));
  state.removeSandbox('s1');
  state.saveSandbox(sandbox('s1', 'notready'));
  assert.deepEqual(states(new RuntimeStateDir(dir)), [['sb', 's1', 'notready']]);
}));

test('every call is on disk when it returns: a process killed right after loses nothing', withDir((dir) => {
  const script = `import { RuntimeStateDir } from ${JSON.stringify(new URL('./process-state.ts', import.meta.url).pathname)};
const s = new RuntimeStateDir(${JSON.stringify(dir)});
s.saveSandbox({ id: 's1', config: { uid: 'u', namespace: 'ns', name: 'p' }, ip: '127.1.0.2', state: 'ready', createdAt: 1 });
s.removeSandbox('gone');
process.kill(process.pid, 'SIGKILL');`;
  writeFileSync(join(dir, 'writer.mts'), script);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, 'writer.mts')], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.signal, 'SIGKILL', r.stderr);
  assert.deepEqual(states(new RuntimeStateDir(dir)), [['sb', 's1', 'ready']]);
}));

test('a line cut short by a crash is skipped; the record keeps its previous value', withDir((dir) => {
  const state = new RuntimeStateDir(dir);
  state.saveContainer(container('c1', 'running'));
  appendFileSync(join(dir, 'records.jsonl'), '{"kind":"containers","id":"c1","value":{"status":');
  assert.deepEqual(states(new RuntimeStateDir(dir)), [['c', 'c1', 'running']]);
}));

test('after a torn last line, the next runtime\'s saves are not lost with it', withDir((dir) => {
  new RuntimeStateDir(dir).saveContainer(container('c1', 'running'));
  appendFileSync(join(dir, 'records.jsonl'), '{"kind":"containers","id":"c1","value":{"status":');
  const next = new RuntimeStateDir(dir);
  next.saveContainer(container('c2', 'running'));
  next.saveContainer(container('c1', 'exited'));
  assert.deepEqual(states(new RuntimeStateDir(dir)), [['c', 'c1', 'exited'], ['c', 'c2', 'running']]);
}));

test('the journal is rewritten with the live records once it has grown, keeping lines other processes appended', withDir((dir) => {
  const journal = join(dir, 'records.jsonl');
  const state = new RuntimeStateDir(dir);
  const big = { BIG: 'x'.repeat(10_000) };
  state.saveSandbox(sandbox('keep'));
  // Another runtime on the same directory (skiff killall) removes and adds records meanwhile.
  const other = new RuntimeStateDir(dir);
  other.saveSandbox(sandbox('theirs'));
  for (let i = 0; i < 150; i++) state.saveContainer(container(`c${i % 3}`, 'running', big));
  state.removeContainer('c2');
  assert.ok(statSync(journal).size < 4 * 10_100 + (1 << 20), `compacted: ${statSync(journal).size} bytes`);
  assert.deepEqual(states(new RuntimeStateDir(dir)), [['sb', 'keep', 'ready'], ['sb', 'theirs', 'ready'], ['c', 'c0', 'running'], ['c', 'c1', 'running']]);
  assert.equal(existsSync(`${journal}.tmp`), false);
}));

test('records of the one-file-per-record layout are taken over, and their files removed', withDir((dir) => {
  mkdirSync(join(dir, 'sandboxes'));
  mkdirSync(join(dir, 'containers'));
  writeFileSync(join(dir, 'sandboxes', 's1.json'), JSON.stringify(sandbox('s1')));
  writeFileSync(join(dir, 'containers', 'c1.json'), JSON.stringify(container('c1', 'running')));
  writeFileSync(join(dir, 'containers', 'torn.json'), '{"status":');
  writeFileSync(join(dir, 'containers', 'c9.json.tmp'), JSON.stringify(container('c9', 'running')));
  const state = new RuntimeStateDir(dir);
  assert.deepEqual(states(state), [['sb', 's1', 'ready'], ['c', 'c1', 'running']]);
  assert.equal(existsSync(join(dir, 'sandboxes')), false);
  assert.equal(existsSync(join(dir, 'containers')), false);
  state.removeContainer('c1');
  assert.deepEqual(states(new RuntimeStateDir(dir)), [['sb', 's1', 'ready']]);
  assert.match(readFileSync(join(dir, 'records.jsonl'), 'utf8'), /"removed":true/);
}));

test('without a directory nothing is written', () => {
  const state = new RuntimeStateDir(undefined);
  state.saveSandbox(sandbox('s1'));
  assert.deepEqual(state.load(), { sandboxes: [], containers: [] });
});
