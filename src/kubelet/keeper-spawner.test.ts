import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { KeeperSpawner, type KeeperProcess } from './keeper-spawner.js';

const ended = (c: KeeperProcess): Promise<{ event: string; args: unknown[] }> =>
  new Promise((resolve) => {
    c.once('exit', (...args: unknown[]) => resolve({ event: 'exit', args }));
    c.once('error', (...args: unknown[]) => resolve({ event: 'error', args }));
  });

test('spawns off-thread: a real detached child with its pid, env and exit code', async (t) => {
  const spawner = new KeeperSpawner();
  t.after(() => spawner.close());
  const c = await spawner.spawn('/bin/sh', ['-c', 'read x </dev/null; [ "$K" = v ] || exit 9; sleep 0.3; exit 3'], { env: { K: 'v', PATH: '/usr/bin:/bin' }, detached: true, stdio: 'ignore' });
  assert.ok(c.pid && c.pid > 0);
  // Detached: it leads its own process group (the runtime signals the group).
  const stat = readFileSync(`/proc/${c.pid}/stat`, 'utf8');
  const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  assert.equal(pgrp, c.pid);
  assert.deepEqual(await ended(c), { event: 'exit', args: [3, null] });
});

test('a command that cannot start ends with an error event', async (t) => {
  const spawner = new KeeperSpawner();
  t.after(() => spawner.close());
  const c = await spawner.spawn('/nonexistent/keeper', [], { env: {}, detached: true, stdio: 'ignore' });
  const end = await ended(c);
  assert.equal(end.event, 'error');
  assert.match(String((end.args[0] as Error).message), /ENOENT/);
});

test('an end that comes before anyone listens is still delivered', async (t) => {
  const spawner = new KeeperSpawner();
  t.after(() => spawner.close());
  const c = await spawner.spawn('/bin/sh', ['-c', 'exit 0'], { env: {}, detached: true, stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(await ended(c), { event: 'exit', args: [0, null] });
});

test('when the worker is gone, running children are still seen to end (by pid)', async () => {
  const spawner = new KeeperSpawner();
  const c = await spawner.spawn('/bin/sh', ['-c', 'sleep 0.5'], { env: {}, detached: true, stdio: 'ignore' });
  const end = ended(c);
  await spawner.close();
  assert.equal((await end).event, 'exit');
});
