/**
 * The process runtime's cgroups for real (root only): a memory hog over its limit is
 * OOMKilled, a CPU limit throttles a busy loop, what a container leaves behind dies with
 * it, an adopted container's OOM kill is still seen, and no cgroup outlives its container.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCgroups, removeCgroup, type ContainerCgroup } from './cgroups.js';
import { isSameProcessAlive } from './process-launch.js';
import { ProcessRuntime } from './process-runtime.js';
import { RuntimeStateDir } from './process-state.js';
import type { ContainerConfig, ContainerStatus } from './runtime.js';

const found = openCgroups();
const skip = 'unavailable' in found ? `needs writable cgroups (${found.unavailable})` : false;
const RUNTIME = fileURLToPath(new URL('./process-runtime.ts', import.meta.url));
const MiB = 1024 * 1024;
// Doubles a string 27 times (128 MiB; bounded, should no limit hold); dash holds it in memory.
const HOG = 'x=a; i=0; while [ $i -lt 27 ]; do x=$x$x; i=$((i+1)); done; echo survived';
const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

async function until<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The container's process: the keeper's child. */
function childOf(pid: number): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === String(pid)) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / TICKS;
}

/** How many CFS periods the cgroup was throttled in (cpu.stat nr_throttled, v1 and v2). */
function throttled(cg: ContainerCgroup): number {
  const dir = Object.entries(cg.dirs).find(([k]) => k === 'unified' || k.split(',').includes('cpu'))?.[1] ?? '';
  return Number(/^nr_throttled (\d+)$/m.exec(readFileSync(join(dir, 'cpu.stat'), 'utf8'))?.[1] ?? NaN);
}

/** The cgroups the runtime's records name (what a cleanup must remove). */
function recordedCgroups(stateDir: string): ContainerCgroup[] {
  if (!existsSync(stateDir)) return [];
  return new RuntimeStateDir(stateDir).load().containers.flatMap((c) => c.cgroup ?? []);
}

describe('process runtime cgroups (root)', { skip, timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-cgroups-root-'));
  const stateDir = join(dir, 'state');
  const adoptDir = join(dir, 'adopt-state');
  const rt = skip ? undefined : new ProcessRuntime({ stateDir });
  const seen: ContainerCgroup[] = [];
  let adopted: ProcessRuntime | undefined;
  after(async () => {
    await rt?.close();
    await adopted?.close();
    for (const cg of [...seen, ...recordedCgroups(stateDir), ...recordedCgroups(adoptDir)]) await removeCgroup(cg);
    rmSync(dir, { recursive: true, force: true });
  });
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const config = (name: string, script: string, resources?: ContainerConfig['resources']): ContainerConfig => ({ name, image: 'x', argv: ['sh', '-c', script], env, logPath: join(dir, `${name}.log`), labels: {}, ...(resources ? { resources } : {}) });
  const gone = (cg: ContainerCgroup): boolean => Object.values(cg.dirs).every((d) => !existsSync(d));
  const exited = (runtime: ProcessRuntime, id: string): Promise<ContainerStatus> =>
    new Promise((resolve) => runtime.onContainerEvent((s) => s.id === id && resolve(s)));
  /** Starts a container; its id, its cgroup (from the runtime's record) and its end. */
  async function start(sandbox: string, c: ContainerConfig): Promise<{ id: string; cgroup: ContainerCgroup; ended: Promise<ContainerStatus> }> {
    const id = await rt!.createContainer(sandbox, c);
    const ended = exited(rt!, id);
    await rt!.startContainer(id);
    const rec: { cgroup?: ContainerCgroup } = new RuntimeStateDir(stateDir).load().containers.find((c) => c.status.id === id) ?? {};
    assert.ok(rec.cgroup, 'the record names the container’s cgroup');
    seen.push(rec.cgroup);
    return { id, cgroup: rec.cgroup, ended };
  }

  it('says limits are enforced', () => {
    const [text] = rt!.limitations();
    assert.match(text ?? '', /CPU and memory limits are enforced with cgroup v[12] \(/);
    assert.doesNotMatch(text ?? '', /no cgroup/);
  });

  it('a memory hog over its 32Mi limit is OOMKilled (137), and its cgroup goes', async () => {
    const sb = await rt!.runPodSandbox({ uid: 'oom-pod', namespace: 'ns', name: 'oom' });
    const c = await start(sb.id, config('hog', HOG, { memoryBytes: 32 * MiB }));
    const limitFile = Object.values(c.cgroup.dirs).map((d) => join(d, c.cgroup.version === 1 ? 'memory.limit_in_bytes' : 'memory.max')).find(existsSync);
    assert.equal(readFileSync(limitFile ?? '', 'utf8').trim(), String(32 * MiB));
    const s = await c.ended;
    assert.deepEqual({ exitCode: s.exitCode, reason: s.reason }, { exitCode: 137, reason: 'OOMKilled' });
    assert.ok(!existsSync(join(dir, 'hog.log')) || !readFileSync(join(dir, 'hog.log'), 'utf8').includes('survived'), 'the hog did not finish');
    await until('the cgroup to be removed', () => gone(c.cgroup));
  });

  it('a 100m CPU limit throttles a busy loop to 10 %, an unlimited one runs freely', async (t) => {
    const sb = await rt!.runPodSandbox({ uid: 'cpu-pod', namespace: 'ns', name: 'cpu' });
    const loop = 'while :; do :; done';
    const limited = await start(sb.id, config('limited', loop, { cpuMillis: 100 }));
    const free = await start(sb.id, config('free', loop));
    const loopOf = async (id: string): Promise<number | undefined> => childOf((await rt!.containerStatus(id))?.pid ?? 0);
    const lp = await until('the limited loop to run', () => loopOf(limited.id));
    const fp = await until('the free loop to run', () => loopOf(free.id));
    const t0 = Date.now();
    const [l0, f0] = [cpuSeconds(lp), cpuSeconds(fp)];
    // The measurement window itself, not a wait for a condition.
    await new Promise((r) => setTimeout(r, 1500));
    const wall = (Date.now() - t0) / 1000;
    const share = { limited: (cpuSeconds(lp) - l0) / wall, free: (cpuSeconds(fp) - f0) / wall };
    t.diagnostic(`CPU share over ${wall.toFixed(2)} s: ${JSON.stringify(share)}`);
    // The quota caps the loop at 10 % whatever else runs; the free loop's share depends on
    // the machine's load (2 shared cores), so it is compared with the capped one, and the
    // kernel's own throttling counters say which loop the quota held back.
    assert.ok(share.limited < 0.15, `limited to 100m: ${JSON.stringify(share)}`);
    assert.ok(share.free > 2 * share.limited, `unlimited: ${JSON.stringify(share)}`);
    assert.ok(throttled(limited.cgroup) > 0, 'the limited cgroup was throttled');
    assert.equal(throttled(free.cgroup), 0, 'the free cgroup never was');
    await rt!.removePodSandbox(sb.id);
    assert.ok(gone(limited.cgroup) && gone(free.cgroup), 'both cgroups removed with their containers');
  });

  it('what a container leaves running dies with it; a normal exit is Completed', async () => {
    const sb = await rt!.runPodSandbox({ uid: 'left-pod', namespace: 'ns', name: 'left' });
    const s = await (await start(sb.id, config('leaver', `sleep 60 & echo $! > ${dir}/left.pid`))).ended;
    assert.deepEqual({ exitCode: s.exitCode, reason: s.reason }, { exitCode: 0, reason: 'Completed' });
    const left = Number(readFileSync(join(dir, 'left.pid'), 'utf8'));
    await until('the left-behind sleep to be killed', () => !isSameProcessAlive(left, undefined));
  });

  it('an adopted container’s OOM kill is still reported, and its cgroup removed', async () => {
    const script = join(dir, 'first.mts');
    writeFileSync(
      script,
      `import { ProcessRuntime } from ${JSON.stringify(RUNTIME)};
const rt = new ProcessRuntime({ stateDir: ${JSON.stringify(adoptDir)} });
const sb = await rt.runPodSandbox({ uid: 'adopt-pod', namespace: 'ns', name: 'adopt' });
const id = await rt.createContainer(sb.id, { name: 'later', image: 'x', argv: ['sh', '-c', 'while [ ! -e ${dir}/go ]; do sleep 0.02; done; ${HOG}'], env: ${JSON.stringify(env)}, logPath: ${JSON.stringify(join(dir, 'later.log'))}, labels: {}, resources: { memoryBytes: ${32 * MiB} } });
await rt.startContainer(id);
rt.release();
console.log(id);
`,
    );
    const first = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(first.status, 0, first.stderr);
    const id = first.stdout.trim().split('\n').at(-1) as string;
    const cg = recordedCgroups(adoptDir).find((x) => Object.values(x.dirs).some((d) => d.endsWith(id)));
    assert.ok(cg, 'the first runtime recorded the cgroup');
    seen.push(cg);
    adopted = new ProcessRuntime({ stateDir: adoptDir });
    const ended = exited(adopted, id);
    writeFileSync(join(dir, 'go'), '');
    const s = await ended;
    assert.deepEqual({ exitCode: s.exitCode, reason: s.reason }, { exitCode: 137, reason: 'OOMKilled' });
    await until('the adopted cgroup to be removed', () => gone(cg));
  });
});
