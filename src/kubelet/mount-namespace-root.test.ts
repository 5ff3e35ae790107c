/**
 * Root only: the process runtime's mount namespaces survive a runtime restart (exec into
 * an adopted container still sees its volume), a failed setup is reported as the
 * container's exit (128) with the reason in its log, and Memory emptyDirs are tmpfs
 * mounts removed with the pod. Nothing is left mounted or created on the host.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../api/core/v1/pod.js';
import { silentLogger } from '../client/logger.js';
import { mountNamespaceUnavailable } from './mount-namespace.js';
import { ProcessRuntime } from './process-runtime.js';
import type { ContainerConfig } from './runtime.js';
import { mountsUnder } from './volumes/mounts.js';
import { VolumeManager } from './volumes/volume-manager.js';

const why = mountNamespaceUnavailable();
const skip = why ? `needs mount namespaces (${why})` : false;

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-mntns-'));
  try {
    await fn(dir);
  } finally {
    for (const mp of mountsUnder(dir)) execFileSync('umount', ['-l', mp]);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const config = (dir: string, argv: string[], mounts: ContainerConfig['mounts']): ContainerConfig => ({ name: 'c', image: 'x', argv, env: { PATH: '/usr/bin:/bin' }, logPath: join(dir, 'logs', 'c.log'), labels: {}, mounts });

describe('mount namespaces of the process runtime (root)', { skip, timeout: 60_000 }, () => {
  it('an adopted container (runtime restart) is still exec-able inside its namespace; removal leaves nothing', () => withDir(async (dir) => {
    const vol = join(dir, 'vol');
    mkdirSync(vol);
    writeFileSync(join(vol, 'key'), 'kept');
    const state = join(dir, 'state');
    const first = new ProcessRuntime({ stateDir: state, cgroups: null });
    const sb = await first.runPodSandbox({ uid: 'u', namespace: 'default', name: 'p' });
    const id = await first.createContainer(sb.id, config(dir, ['sleep', '300'], [{ containerPath: '/skiff-e2e-kept', hostPath: vol, readOnly: true }]));
    await first.startContainer(id);
    first.release();
    const second = new ProcessRuntime({ stateDir: state, cgroups: null });
    try {
      assert.equal((await second.containerStatus(id))?.state, 'running');
      const r = await second.execSync(id, ['cat', '/skiff-e2e-kept/key'], 5000);
      assert.deepEqual([r.exitCode, r.stdout], [0, 'kept']);
      assert.equal(existsSync('/skiff-e2e-kept'), false);
    } finally {
      await second.close();
    }
    assert.deepEqual(readdirSync(join(state, 'mounts')), []);
    assert.deepEqual(mountsUnder(dir), []);
  }));

  it('a setup that cannot mount ends the container with 128 and says why in its log', () => withDir(async (dir) => {
    const rt = new ProcessRuntime({ stateDir: join(dir, 'state'), cgroups: null });
    try {
      const sb = await rt.runPodSandbox({ uid: 'u', namespace: 'default', name: 'p' });
      const id = await rt.createContainer(sb.id, config(dir, ['true'], [{ containerPath: '/skiff-e2e-bad', hostPath: join(dir, 'missing') }]));
      await rt.startContainer(id);
      const st = await until('exit', async () => ((await rt.containerStatus(id))?.state === 'exited' ? rt.containerStatus(id) : undefined));
      assert.equal(st?.exitCode, 128);
      assert.match(readFileSync(join(dir, 'logs', 'c.log'), 'utf8'), /cannot set up the mount namespace of the container/);
      assert.equal(existsSync('/skiff-e2e-bad'), false);
    } finally {
      await rt.close();
    }
  }));

  it('mountPaths that exist on the host are bound in place (no private root): the container, its working dir and exec see them; the host does not', () => withDir(async (dir) => {
    // Both targets exist on the host: a file under the test's dir and the dir itself.
    const target = join(dir, 'target.conf');
    writeFileSync(target, 'host\n');
    const podFile = join(dir, 'pod.conf');
    writeFileSync(podFile, 'pod\n');
    const vol = join(dir, 'vol');
    mkdirSync(vol);
    writeFileSync(join(vol, 'key'), 'in-volume\n');
    const work = join(dir, 'work');
    mkdirSync(work);
    const rt = new ProcessRuntime({ stateDir: join(dir, 'state'), cgroups: null });
    try {
      const sb = await rt.runPodSandbox({ uid: 'u', namespace: 'default', name: 'p' });
      const id = await rt.createContainer(sb.id, { ...config(dir, ['sh', '-c', 'cat key; cat ' + target + '; pwd; exec sleep 300'], [{ containerPath: target, hostPath: podFile }, { containerPath: work, hostPath: vol }]), workingDir: work });
      await rt.startContainer(id);
      assert.equal(existsSync(join(dir, 'state', 'mounts', id, 'root')), false, 'no private root in place');
      const log = await until('output', () => {
        const text = existsSync(join(dir, 'logs', 'c.log')) ? readFileSync(join(dir, 'logs', 'c.log'), 'utf8') : '';
        return text.split('\n').length > 3 ? text : undefined;
      });
      assert.deepEqual(log.split('\n').slice(0, 3).map((l) => l.split(' ').slice(3).join(' ')), ['in-volume', 'pod', work]);
      const r = await rt.execSync(id, ['sh', '-c', 'pwd; cat key; cat ' + target], 5000);
      assert.deepEqual([r.exitCode, r.stdout], [0, `${work}\nin-volume\npod\n`]);
      assert.equal(readFileSync(target, 'utf8'), 'host\n');
      assert.equal(existsSync(join(work, 'key')), false);
    } finally {
      await rt.close();
    }
    assert.deepEqual(mountsUnder(dir), []);
  }));

  it('a Memory emptyDir is a tmpfs (sizeLimit as its size), unmounted and removed with the pod', () => withDir(async (dir) => {
    const vm = new VolumeManager({ podsDir: join(dir, 'pods'), sources: { configMap: async () => undefined, secret: async () => undefined }, dns: {}, root: true, logger: silentLogger, event: () => {} });
    const pod = { metadata: { name: 'p', namespace: 'default', uid: 'mem-1' }, spec: { volumes: [{ name: 'm', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }], containers: [] } } as unknown as Pod;
    assert.equal(await vm.setUp(pod), true);
    const path = join(dir, 'pods', 'mem-1', 'volumes', 'kubernetes.io~empty-dir', 'm');
    const line = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === path) ?? '';
    assert.match(line, / - tmpfs skiff-emptydir .*size=8192k/);
    await vm.tearDown(pod);
    assert.deepEqual(mountsUnder(dir), []);
    assert.equal(existsSync(join(dir, 'pods', 'mem-1')), false);
  }));
});
