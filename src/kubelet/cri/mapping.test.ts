import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerStateOf, criMounts, linuxResources, nsToMs, podCgroupParent, podLogDirectory } from './mapping.js';

test('nsToMs: int64 strings to ms, zero to undefined', () => {
  assert.equal(nsToMs('1764280000123456789'), 1764280000123);
  assert.equal(nsToMs('0'), undefined);
  assert.equal(nsToMs(undefined), undefined);
  assert.equal(nsToMs(2_000_000), 2);
});

test('containerStateOf maps CRI states', () => {
  assert.equal(containerStateOf('CONTAINER_CREATED'), 'created');
  assert.equal(containerStateOf('CONTAINER_RUNNING'), 'running');
  assert.equal(containerStateOf('CONTAINER_EXITED'), 'exited');
  assert.equal(containerStateOf('CONTAINER_UNKNOWN'), 'unknown');
  assert.equal(containerStateOf(undefined), 'unknown');
});

test('linuxResources: quota, shares and memory as on cgroup v1', () => {
  assert.deepEqual(linuxResources(undefined), {});
  assert.deepEqual(linuxResources({ cpuMillis: 500, memoryBytes: 64 << 20 }), { cpu_period: 100000, cpu_quota: 50000, cpu_shares: 512, memory_limit_in_bytes: 64 << 20 });
  assert.deepEqual(linuxResources({ cpuRequestMillis: 1 }), { cpu_shares: 2 });
  assert.equal(linuxResources({ cpuMillis: 1 }).cpu_quota, 1000);
});

test('mounts, log directory and cgroup parent', () => {
  assert.deepEqual(criMounts([{ containerPath: '/data', hostPath: '/h', readOnly: true }]), [{ container_path: '/data', host_path: '/h', readonly: true }]);
  assert.equal(podLogDirectory('/d/pods', { namespace: 'ns', name: 'p', uid: 'u' }), '/d/pods/ns_p_u');
  assert.equal(podCgroupParent('skiff', 'u1'), '/skiff/podu1');
});
