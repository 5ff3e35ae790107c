/**
 * Cgroups over fake cgroup trees (plain directories with the control files a kernel would
 * show), for v1 and v2 alike; the real thing is exercised as root in cgroups-root.test.ts.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Cgroups, cfsQuotaUs, cpuShares, cpuWeight, oomKilled, openCgroups, procsFiles, removeCgroup } from './cgroups.js';
import { isSameProcessAlive } from './process-launch.js';
import { ProcessRuntime } from './process-runtime.js';

const root = mkdtempSync(join(tmpdir(), 'skiff-cgroups-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A directory with the given control files (name → content). */
function cgroup(dir: string, files: Record<string, string> = {}): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries({ 'cgroup.procs': '', ...files })) writeFileSync(join(dir, name), text);
  return dir;
}
const text = (path: string): string => readFileSync(path, 'utf8');
const MiB32 = 32 * 1024 * 1024;

function open(mountinfo: string, selfCgroup: string): Cgroups {
  const r = openCgroups({ isRoot: true, mountinfo, selfCgroup });
  if ('unavailable' in r) throw new Error(r.unavailable);
  return r.cgroups;
}

describe('Cgroups on cgroup v2', () => {
  const mount = join(root, 'v2');
  cgroup(mount, { 'cgroup.controllers': 'cpuset cpu io memory pids', 'cgroup.subtree_control': '', 'cgroup.procs': '1\n' });
  cgroup(join(mount, 'busy.service'), { 'cgroup.controllers': 'cpu memory', 'cgroup.subtree_control': '', 'cgroup.procs': '4242\n' });
  cgroup(join(mount, 'delegated'), { 'cgroup.controllers': 'cpu memory pids', 'cgroup.subtree_control': 'cpu memory', 'cgroup.procs': '' });
  const mountinfo = `35 24 0:30 / ${mount} rw - cgroup2 cgroup2 rw`;

  it('falls back to the root when its own cgroup holds processes, hands controllers down and writes the limits', async () => {
    const cgroups = open(mountinfo, '0::/busy.service\n');
    assert.equal(cgroups.describe(), `cgroup v2 (unified: ${join(mount, 'skiff')})`);
    const cg = cgroups.create('1234-ab', 'c1', { cpuMillis: 100, memoryBytes: MiB32, cpuRequestMillis: 50 });
    const dir = join(mount, 'skiff', 'pod1234-ab', 'c1');
    assert.deepEqual(cg, { version: 2, dirs: { unified: dir } });
    for (const d of [mount, join(mount, 'skiff'), dirname(dir)]) assert.equal(text(join(d, 'cgroup.subtree_control')), '+memory +cpu', d);
    assert.equal(text(join(dir, 'memory.max')), String(MiB32));
    assert.equal(text(join(dir, 'cpu.max')), '10000 100000');
    assert.equal(text(join(dir, 'cpu.weight')), String(cpuWeight(51)));
    assert.deepEqual(procsFiles(cg), [join(dir, 'cgroup.procs')]);
  });

  it('stays under its own cgroup when that one delegates', async () => {
    const cg = open(mountinfo, '0::/delegated\n').create('u', 'c2', {});
    const dir = join(mount, 'delegated', 'skiff', 'podu', 'c2');
    assert.deepEqual(cg.dirs, { unified: dir });
    assert.equal(text(join(mount, 'delegated', 'cgroup.subtree_control')), 'cpu memory', 'already delegated: left as it was');
    assert.equal(existsSync(join(dir, 'memory.max')), false, 'no memory limit asked');
    assert.equal(existsSync(join(dir, 'cpu.max')), false, 'no CPU limit asked');
    assert.equal(text(join(dir, 'cpu.weight')), '1', 'no request: the least weight, as Kubernetes gives BestEffort');
  });

  it('reads an OOM kill from memory.events', () => {
    const dir = cgroup(join(mount, 'skiff', 'podx', 'oom'));
    const cg = { version: 2 as const, dirs: { unified: dir } };
    assert.equal(oomKilled(cg), false, 'no events file');
    writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 12\noom 1\noom_kill 0\n');
    assert.equal(oomKilled(cg), false, 'the limit was hit but nothing was killed');
    writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\n');
    assert.equal(oomKilled(cg), true);
  });

  it('refuses a hierarchy without the memory controller', () => {
    const bare = join(root, 'v2-bare');
    cgroup(bare, { 'cgroup.controllers': 'cpu pids', 'cgroup.subtree_control': '' });
    const r = openCgroups({ isRoot: true, mountinfo: `35 24 0:30 / ${bare} rw - cgroup2 cgroup2 rw`, selfCgroup: '0::/\n' });
    assert.deepEqual(r, { unavailable: `cannot create cgroups under ${bare}` });
  });
});

describe('Cgroups on cgroup v1', () => {
  const cpu = join(root, 'v1', 'cpu,cpuacct');
  const memory = join(root, 'v1', 'memory');
  cgroup(cpu);
  cgroup(join(memory, 'job'));
  const mountinfo = `32 31 0:29 / ${cpu} rw - cgroup cgroup rw,cpu,cpuacct\n35 31 0:32 / ${memory} rw - cgroup cgroup rw,memory`;
  const selfCgroup = '4:memory:/job\n2:cpu,cpuacct:/\n';

  it('creates one cgroup per hierarchy, under the process’s own cgroup, with limit, quota and shares', async () => {
    const cgroups = open(mountinfo, selfCgroup);
    assert.equal(cgroups.describe(), `cgroup v1 (cpu: ${join(cpu, 'skiff')}, memory: ${join(memory, 'job', 'skiff')})`);
    const cg = cgroups.create('p', 'c', { cpuMillis: 250, memoryBytes: MiB32 });
    const cpuDir = join(cpu, 'skiff', 'podp', 'c');
    const memDir = join(memory, 'job', 'skiff', 'podp', 'c');
    assert.deepEqual(cg, { version: 1, dirs: { cpu: cpuDir, memory: memDir } });
    assert.equal(text(join(memDir, 'memory.limit_in_bytes')), String(MiB32));
    assert.equal(text(join(cpuDir, 'cpu.cfs_period_us')), '100000');
    assert.equal(text(join(cpuDir, 'cpu.cfs_quota_us')), '25000');
    assert.equal(text(join(cpuDir, 'cpu.shares')), '256', 'the request defaults to the limit');
    assert.deepEqual(procsFiles(cg), [join(cpuDir, 'cgroup.procs'), join(memDir, 'cgroup.procs')]);
  });

  it('reads an OOM kill from memory.oom_control, or failcnt on kernels without the counter', () => {
    const dir = cgroup(join(memory, 'job', 'skiff', 'podq', 'c'));
    const cg = { version: 1 as const, dirs: { memory: dir } };
    writeFileSync(join(dir, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n');
    writeFileSync(join(dir, 'memory.failcnt'), '30\n');
    assert.equal(oomKilled(cg), false, 'the counter says none, whatever failcnt says');
    writeFileSync(join(dir, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
    assert.equal(oomKilled(cg), true);
    writeFileSync(join(dir, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\n');
    assert.equal(oomKilled(cg), true, 'old kernel: failcnt > 0');
  });
});

describe('cgroup helpers', () => {
  it('converts CPU as the kubelet and runc do', () => {
    assert.deepEqual([cpuShares(undefined), cpuShares(1), cpuShares(100), cpuShares(1000), cpuShares(1_000_000)], [2, 2, 102, 1024, 262_144]);
    assert.deepEqual([cpuWeight(2), cpuWeight(1024), cpuWeight(262_144)], [1, 39, 10_000]);
    assert.deepEqual([cfsQuotaUs(100), cfsQuotaUs(1500), cfsQuotaUs(1)], [10_000, 150_000, 1000]);
  });

  it('is unavailable without root', () => {
    assert.deepEqual(openCgroups({ isRoot: false }), { unavailable: 'not running as root' });
  });

  it('the runtime says plainly whether limits are enforced', () => {
    const cgroups = open(`32 31 0:29 / ${join(root, 'v1', 'cpu,cpuacct')} rw - cgroup cgroup rw,cpu,cpuacct\n35 31 0:32 / ${join(root, 'v1', 'memory')} rw - cgroup cgroup rw,memory`, '4:memory:/job\n');
    const [on] = new ProcessRuntime({ cgroups, mountNamespaces: false }).limitations();
    assert.match(on ?? '', /^process runtime: no network namespace .*, no mount namespace .*; CPU and memory limits are enforced with cgroup v1 \(cpu: .*\)$/);
    const [off] = new ProcessRuntime({ cgroups: null }).limitations();
    assert.match(off ?? '', /, no cgroup \(CPU and memory limits are not enforced: disabled by configuration\)$/);
  });

  it('removing kills what is left in a container cgroup, and never touches a directory of another shape', async () => {
    const victim = spawn('sleep', ['30'], { stdio: 'ignore' });
    const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const container = cgroup(join(root, 'rm', 'skiff', 'podr', 'c'), { 'cgroup.procs': `${victim.pid}\n` });
      const other = cgroup(join(root, 'rm', 'system.slice', 'sshd'), { 'cgroup.procs': `${bystander.pid}\n` });
      const gone = new Promise((r) => victim.once('exit', r));
      // A fake tree cannot be rmdir'ed with its files: removal reports failure, after the kill.
      assert.equal(await removeCgroup({ version: 1, dirs: { memory: container } }, { attempts: 2, delayMs: 5 }), false);
      await gone;
      assert.equal(await removeCgroup({ version: 1, dirs: { memory: other } }, { attempts: 1 }), true, 'nothing of its shape to remove');
      assert.ok(isSameProcessAlive(bystander.pid as number, undefined), 'the process in the other cgroup lives');
    } finally {
      victim.kill('SIGKILL');
      bystander.kill('SIGKILL');
    }
  });
});
