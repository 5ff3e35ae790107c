import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../api/core/v1/pod.js';
import { silentLogger } from '../../client/logger.js';
import { VolumeManager } from './volume-manager.js';

const root = process.getuid?.() === 0;

function manager(dir: string, asRoot: boolean): VolumeManager {
  return new VolumeManager({
    podsDir: join(dir, 'pods'),
    sources: { configMap: async () => undefined, secret: async () => undefined },
    dns: { clusterDNS: ['198.18.100.10'], hostResolvConfPath: join(dir, 'no-such-resolv.conf') },
    root: asRoot,
    logger: silentLogger,
    event: () => {},
  });
}

const pod = (fsGroup?: number): Pod => ({ metadata: { name: 'p', namespace: 'ns', uid: `uid-${fsGroup ?? 'none'}` }, spec: { ...(fsGroup != null ? { securityContext: { fsGroup } } : {}), volumes: [{ name: 'scratch', emptyDir: {} }], containers: [] } }) as Pod;

describe('fsGroup on emptyDir volumes', () => {
  it('as root: the group owns the directory, setgid, group-writable', { skip: !root && 'needs root (chown)' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-fsgroup-'));
    try {
      const vm = manager(dir, true);
      const p = pod(2000);
      assert.equal(await vm.setUp(p), true);
      const st = statSync(vm.hostPathOf(p, { name: 'scratch', emptyDir: {} }));
      assert.equal(st.gid, 2000);
      assert.equal(st.uid, 0);
      assert.equal(st.mode & 0o7777, 0o2777);
      const plain = pod();
      await vm.setUp(plain);
      const st2 = statSync(vm.hostPathOf(plain, { name: 'scratch', emptyDir: {} }));
      assert.equal(st2.mode & 0o7777, 0o777);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('not root: the directory is left world-writable, not given away', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-fsgroup-'));
    try {
      const vm = manager(dir, false);
      const p = pod(2000);
      await vm.setUp(p);
      const st = statSync(vm.hostPathOf(p, { name: 'scratch', emptyDir: {} }));
      assert.equal(st.mode & 0o7777, 0o777);
      assert.equal(st.gid, process.getgid?.());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
