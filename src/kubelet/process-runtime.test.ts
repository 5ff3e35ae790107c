import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessRuntime } from './process-runtime.js';
import { ContainerStartError } from './runtime.js';
import { writeLogs } from './log-reader.js';
import { PassThrough } from 'node:stream';

describe('ProcessRuntime', () => {
  it('runs a container, writes CRI logs, reports the exit code, and gives sandboxes distinct loopback IPs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-rt-'));
    const rt = new ProcessRuntime();
    try {
      const a = await rt.runPodSandbox({ uid: 'u1', namespace: 'ns', name: 'a' });
      const b = await rt.runPodSandbox({ uid: 'u2', namespace: 'ns', name: 'b' });
      assert.match(a.ip, /^127\.1\.\d+\.\d+$/);
      assert.notEqual(a.ip, b.ip);
      const exited = new Promise<void>((r) => rt.onContainerEvent(() => r()));
      const logPath = join(dir, 'c', '0.log');
      const id = await rt.createContainer(a.id, { name: 'c', image: 'x', argv: ['sh', '-c', 'echo hi $POD_IP; echo oops >&2; exit 7'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, logPath, labels: {} });
      await rt.startContainer(id);
      await exited;
      const st = await rt.containerStatus(id);
      assert.equal(st?.state, 'exited');
      assert.equal(st?.exitCode, 7);
      assert.equal(st?.reason, 'Error');
      const log = readFileSync(logPath, 'utf8');
      assert.match(log, new RegExp(`^\\S+Z stdout F hi ${a.ip.replace(/\./g, '\\.')}$`, 'm'));
      assert.match(log, /^\S+Z stderr F oops$/m);
      const out = new PassThrough();
      let text = '';
      out.on('data', (d: Buffer) => (text += d.toString()));
      await writeLogs(logPath, out, { follow: false, timestamps: false, tailLines: 1, running: async () => false });
      assert.ok(text === 'oops\n' || text === `hi ${a.ip}\n`, text);
    } finally {
      await rt.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a missing executable, leaving the container exited with 128 StartError', async () => {
    const rt = new ProcessRuntime();
    const sb = await rt.runPodSandbox({ uid: 'u', namespace: 'ns', name: 'p' });
    const id = await rt.createContainer(sb.id, { name: 'c', image: 'x', argv: ['no-such-binary-xyz'], env: {}, logPath: join(tmpdir(), 'unused.log'), labels: {} });
    await assert.rejects(rt.startContainer(id), (err: Error) => err instanceof ContainerStartError && /executable file not found in \$PATH/.test(err.message));
    const st = await rt.containerStatus(id);
    assert.deepEqual([st?.state, st?.exitCode, st?.reason, st?.startedAt], ['exited', 128, 'StartError', 0], 'recorded as containerd records a failed start');
    await rt.close();
  });

  it('stops with SIGTERM first and SIGKILL after the timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-rt-'));
    const rt = new ProcessRuntime();
    try {
      const sb = await rt.runPodSandbox({ uid: 'u', namespace: 'ns', name: 'p' });
      const id = await rt.createContainer(sb.id, { name: 'c', image: 'x', argv: ['sh', '-c', "trap '' TERM; echo ready; while true; do sleep 0.05; done"], env: { PATH: process.env.PATH ?? '' }, logPath: join(dir, 'l.log'), labels: {} });
      await rt.startContainer(id);
      const deadline = Date.now() + 5000;
      while (!(existsSync(join(dir, 'l.log')) && readFileSync(join(dir, 'l.log'), 'utf8').includes('ready')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const t0 = Date.now();
      await rt.stopContainer(id, 1);
      const took = Date.now() - t0;
      assert.ok(took >= 900, `ignored SIGTERM, so killed after ~1 s (took ${took} ms)`);
      assert.equal((await rt.containerStatus(id))?.exitCode, 137);
    } finally {
      await rt.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
