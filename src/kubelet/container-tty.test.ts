import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { terminalStarted } from './container-tty.js';

/** Starts `sh -c script` leading its own process group (a keeper stand-in); the returned stop kills the group. */
function keeper(script: string): { child: ChildProcess; stop(): void } {
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  return {
    child,
    stop: () => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

test('terminalStarted waits until the keeper\'s script runs a command on a pty (an attach right after a start resizes nothing before)', async () => {
  // For its first 300 ms the keeper's child is no script: a size set then would be lost.
  const k = keeper("sleep 0.3; script -qfec 'sleep 30' /dev/null");
  try {
    const t0 = Date.now();
    assert.equal(await terminalStarted(k.child.pid as number), true);
    assert.ok(Date.now() - t0 >= 250, `resolved after ${Date.now() - t0} ms, before the terminal existed`);
  } finally {
    k.stop();
  }
});

test('terminalStarted gives up (false) for a container without a terminal', async () => {
  const k = keeper('sleep 30; true');
  try {
    assert.equal(await terminalStarted(k.child.pid as number, 300), false);
  } finally {
    k.stop();
  }
});
