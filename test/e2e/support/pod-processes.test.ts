/**
 * The pod-process tracker sees the keepers a parent started in process groups of their
 * own (directly, or through a launcher child as the process runtime does), still finds
 * them once orphaned (what a leaking skiff up would leave), ignores the parent's other
 * children, and kills only those.
 */
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { PodProcessTracker, procEnv, readProc } from './pod-processes.js';
import { waitFor } from './wait.js';

const started: number[] = [];
let tracker: PodProcessTracker | undefined;
after(() => {
  tracker?.sample();
  tracker?.stopSampling();
  tracker?.killAlive();
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

it('tracks group-leading keepers (children or launched by a child), keeps them after the parent dies, kills them by PID', async () => {
  // A stand-in for skiff up: one "pod" in its own group (as the process runtime starts
  // them, with POD_IP and SKIFF_POD_IP) started by a bash launcher child with job
  // control, one ordinary child; it prints both PIDs and waits.
  const script = `
    const { spawn } = require('node:child_process');
    const launcher = spawn('/bin/bash', ['-c', 'set -m; (export POD_IP=127.1.9.9 SKIFF_POD_IP=127.1.9.9; exec sh -c "sleep 60 & wait") & echo $!; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'], env: {} });
    const plain = spawn('sleep', ['60'], { stdio: 'ignore' });
    launcher.stdout.once('data', (d) => console.log(String(d).trim() + ' ' + plain.pid + ' ' + launcher.pid));
    setInterval(() => {}, 1000);`;
  const parent: ChildProcess = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(parent.pid as number);
  let out = '';
  parent.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const [podPid, plainPid, launcherPid] = (await waitFor('child PIDs', async () => (/\d+ \d+ \d+\n/.test(out) ? out.trim().split(' ').map(Number) : undefined), 10_000)) as [number, number, number];
  started.push(podPid, plainPid, launcherPid);

  const t = new PodProcessTracker(parent.pid as number, 20);
  tracker = t;
  await waitFor('the pod group to be seen', async () => (t.seen() === 1 ? true : undefined), 5_000);
  await waitFor('the pod and its sleep', async () => (t.alive().length === 2 ? true : undefined), 5_000);
  assert.deepEqual(t.withPodIp('127.1.9.9').map((p) => p.pid), [podPid]);
  assert.equal(procEnv(podPid).POD_IP, '127.1.9.9');
  assert.ok(!t.alive().some((p) => p.pid === plainPid), 'a child outside its own group is not a pod');
  assert.ok(!t.alive().some((p) => p.pid === launcherPid), 'the launcher (no SKIFF_POD_IP) is not a pod');

  process.kill(parent.pid as number, 'SIGKILL');
  await new Promise((r) => parent.once('exit', r));
  // Orphaned: no longer the parent's descendants, still found by their group.
  assert.equal(t.alive().length, 2);
  assert.notEqual(readProc(podPid)?.ppid, parent.pid);

  const killed = t.killAlive().map((p) => p.pid);
  assert.ok(killed.includes(podPid));
  await waitFor('the pod group to be gone', async () => (t.alive().length === 0 ? true : undefined), 5_000);
  assert.ok(readProc(plainPid), 'the plain child was not touched');
});
