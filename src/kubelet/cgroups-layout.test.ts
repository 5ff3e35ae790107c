import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ownDir, parseCgroupLayout } from './cgroups-layout.js';

// A firecracker VM: v1 hierarchies one controller each, plus an empty cgroup2 (hybrid).
const HYBRID_MOUNTS = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw`;
const HYBRID_SELF = `9:name=systemd:/
8:pids:/
4:memory:/process_api/fa2e
3:cpuset:/
2:cpuacct:/
1:cpu:/
0::/
`;

// systemd's unified layout on a recent distribution.
const UNIFIED_MOUNTS = `22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot`;
const UNIFIED_SELF = '0::/system.slice/skiff.service\n';

// Docker with cgroup v1: cpu and cpuacct co-mounted, the container sees only its subtree.
const DOCKER_MOUNTS = String.raw`700 699 0:60 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct
701 699 0:61 /docker/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory
702 699 0:62 / /mnt/with\040space rw - cgroup cgroup rw,pids`;
const DOCKER_SELF = `5:memory:/docker/abc/inner
3:cpu,cpuacct:/docker/abc
`;

describe('parseCgroupLayout', () => {
  it('takes the v1 hierarchies of a hybrid layout that carry memory or cpu, each with the process’s own cgroup (a cpuacct of its own is left out)', () => {
    assert.deepEqual(parseCgroupLayout(HYBRID_MOUNTS, HYBRID_SELF), {
      version: 1,
      hierarchies: [
        { mount: '/sys/fs/cgroup/cpu', own: '/', controllers: ['cpu'] },
        { mount: '/sys/fs/cgroup/memory', own: '/process_api/fa2e', controllers: ['memory'] },
      ],
    });
  });

  it('takes the one cgroup2 hierarchy when nothing is bound to v1', () => {
    const layout = parseCgroupLayout(UNIFIED_MOUNTS, UNIFIED_SELF);
    assert.deepEqual(layout, { version: 2, hierarchies: [{ mount: '/sys/fs/cgroup', own: '/system.slice/skiff.service', controllers: ['memory', 'cpu'] }] });
    assert.equal(ownDir(layout!.hierarchies[0]!), '/sys/fs/cgroup/system.slice/skiff.service');
  });

  it('handles co-mounted controllers and a mount of a subtree (a container)', () => {
    assert.deepEqual(parseCgroupLayout(DOCKER_MOUNTS, DOCKER_SELF), {
      version: 1,
      hierarchies: [
        { mount: '/sys/fs/cgroup/cpu,cpuacct', own: '/', controllers: ['cpu'] },
        { mount: '/sys/fs/cgroup/memory', own: '/inner', controllers: ['memory'] },
      ],
    });
  });

  it('finds nothing without a cgroup mount', () => {
    assert.equal(parseCgroupLayout('22 1 8:1 / / rw - ext4 /dev/sda1 rw', '0::/'), undefined);
  });

  it('top-level own cgroup is the mount itself, without a trailing slash', () => {
    assert.equal(ownDir({ mount: '/sys/fs/cgroup/cpu', own: '/', controllers: ['cpu'] }), '/sys/fs/cgroup/cpu');
  });
});
