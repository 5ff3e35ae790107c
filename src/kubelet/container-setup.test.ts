/**
 * A container's mount setup and cgroup (root with writable cgroups): both are made when
 * both can be; when the mounts cannot be planned the start fails with that reason and no
 * cgroup is left.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCgroups, removeCgroup } from './cgroups.js';
import { setUpContainer, type ContainerSetupRequest } from './container-setup.js';
import { ContainerMountNamespaces } from './mount-namespace.js';
import { ContainerStartError } from './runtime.js';

const found = openCgroups();
const skip = 'unavailable' in found ? `needs writable cgroups (${found.unavailable})` : false;

describe('setUpContainer (root)', { skip }, () => {
  const cgroups = 'cgroups' in found ? found.cgroups : undefined;
  const withDir = async (fn: (dir: string) => Promise<void>): Promise<void> => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-setup-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const request = (dir: string, id: string, mounts: ContainerSetupRequest['mounts']): ContainerSetupRequest => ({
    id,
    name: 'c',
    pod: { name: 'p', uid: `setup-test-${process.pid}` },
    argv: ['/bin/true'],
    files: { stdout: join(dir, 'o'), stderr: join(dir, 'e'), exit: join(dir, 'x') },
    mounts,
    limits: { memoryBytes: 64 * 1024 * 1024 },
  });

  it('makes the mount setup and the cgroup', () => withDir(async (dir) => {
    const mountNs = new ContainerMountNamespaces(join(dir, 'mounts'), true);
    const { ns, cgroup } = setUpContainer(mountNs, cgroups, request(dir, 'ok', [{ containerPath: join(dir, 'o'), hostPath: join(dir, 'e') }]));
    assert.match(ns?.setup ?? '', /^set -eu$/m, 'the setup script is planned');
    assert.ok(cgroup && Object.values(cgroup.dirs).every((d) => existsSync(d)), 'the cgroup exists');
    assert.equal(await removeCgroup(cgroup), true);
  }));

  it('a mount plan that fails ends the start with its reason and leaves no cgroup', () => withDir(async (dir) => {
    const mountNs = new ContainerMountNamespaces(join(dir, 'mounts'), true);
    const made: string[] = [];
    const watching = { create: (...args: Parameters<NonNullable<typeof cgroups>['create']>) => {
      const cg = cgroups!.create(...args);
      made.push(...Object.values(cg.dirs));
      return cg;
    } } as unknown as NonNullable<typeof cgroups>;
    assert.throws(() => setUpContainer(mountNs, watching, request(dir, 'bad', [{ containerPath: 'relative/path', hostPath: dir }])), (err: Error) => err instanceof ContainerStartError && /failed to prepare the mounts of container "c": mountPath relative\/path is not absolute/.test(err.message));
    assert.deepEqual(made.filter((d) => existsSync(d)), [], 'no cgroup is left');
  }));

  it('a cgroup that cannot be made ends the start with its reason', () => withDir(async (dir) => {
    const mountNs = new ContainerMountNamespaces(join(dir, 'mounts'), true);
    const refusing = { create: () => {
      throw new Error('EACCES: permission denied');
    } } as unknown as NonNullable<typeof cgroups>;
    assert.throws(() => setUpContainer(mountNs, refusing, request(dir, 'nocg', [{ containerPath: join(dir, 'o'), hostPath: join(dir, 'e') }])), (err: Error) => err instanceof ContainerStartError && /failed to create the cgroup of container "c": EACCES/.test(err.message));
  }));
});
