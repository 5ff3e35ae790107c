import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdSignalsDuringStart, stopOnSignal } from './control-plane.js';

test('a SIGTERM that arrives while a daemon starts stops it once it is up; no handler is left behind', async () => {
  const before = [process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')];
  const held = holdSignalsDuringStart();
  process.emit('SIGTERM', 'SIGTERM');
  let stopped = 0;
  const errWrite = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    assert.equal(await stopOnSignal('test daemon', async () => void stopped++, held), undefined);
  } finally {
    process.stderr.write = errWrite;
  }
  assert.equal(stopped, 1);
  assert.deepEqual([process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')], before);
});

test('without an early signal, the daemon runs until one comes', async () => {
  const held = holdSignalsDuringStart();
  let stopped = 0;
  const running = stopOnSignal('test daemon', async () => void stopped++, held);
  await new Promise((r) => setImmediate(r));
  assert.equal(stopped, 0, 'nothing stops it before a signal');
  const errWrite = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    process.emit('SIGINT', 'SIGINT');
    assert.equal(await running, undefined);
  } finally {
    process.stderr.write = errWrite;
  }
  assert.equal(stopped, 1);
});
