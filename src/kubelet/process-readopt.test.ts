/**
 * Re-adoption: a runtime in another process starts containers and exits (as a kubelet
 * stopped for a restart); a new runtime on the same state dir finds the sandbox and the
 * containers — the one still running keeps running and is stoppable, the one that ended
 * meanwhile is reported with its real exit code — and their logs are complete, once.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcessRuntime } from './process-runtime.js';
import { RuntimeStateDir } from './process-state.js';
import { isSameProcessAlive } from './process-launch.js';

const RUNTIME = fileURLToPath(new URL('./process-runtime.ts', import.meta.url));

async function until(what: string, f: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!f()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('process runtime re-adoption', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-readopt-'));
  let second: ProcessRuntime | undefined;
  after(async () => {
    await second?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a new runtime takes over running containers and reports those that ended while nobody watched', async () => {
    const state = join(dir, 'state');
    const script = join(dir, 'first.mts');
    writeFileSync(
      script,
      `import { ProcessRuntime } from ${JSON.stringify(RUNTIME)};
const rt = new ProcessRuntime({ stateDir: ${JSON.stringify(state)} });
const sb = await rt.runPodSandbox({ uid: 'u1', namespace: 'ns', name: 'p' });
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
const long = await rt.createContainer(sb.id, { name: 'long', image: 'x', argv: ['sh', '-c', 'echo before; trap "echo bye; exit 3" TERM; while [ ! -e ${dir}/go ]; do sleep 0.02; done; echo after; while :; do sleep 0.02; done'], env, logPath: ${JSON.stringify(join(dir, 'long.log'))}, labels: { c: 'long' } });
const short = await rt.createContainer(sb.id, { name: 'short', image: 'x', argv: ['sh', '-c', 'while [ ! -e ${dir}/go ]; do sleep 0.02; done; echo done; exit 5'], env, logPath: ${JSON.stringify(join(dir, 'short.log'))}, labels: { c: 'short' } });
await rt.startContainer(long);
await rt.startContainer(short);
await new Promise((r) => setTimeout(r, 300));
rt.release();
console.log(JSON.stringify({ sandbox: sb.id, ip: sb.ip, pids: (await rt.listContainers()).map((c) => c.pid) }));
`,
    );
    const first = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(first.status, 0, `the first runtime's process exits by itself: ${first.stderr}`);
    const started = JSON.parse(first.stdout.trim().split('\n').at(-1) as string) as { sandbox: string; ip: string; pids: number[] };
    for (const pid of started.pids) assert.ok(isSameProcessAlive(pid, undefined), `container ${pid} outlived its runtime`);

    // Both run on; the short one ends while no runtime watches it.
    writeFileSync(join(dir, 'go'), '');
    const shortPid = started.pids[1] as number;
    await until('the short container to end unwatched', () => !isSameProcessAlive(shortPid, undefined));

    second = new ProcessRuntime({ stateDir: state });
    const [sb] = await second.listPodSandboxes();
    assert.equal(sb?.id, started.sandbox);
    assert.equal(sb?.ip, started.ip);
    const byName = async (n: string) => (await second!.listContainers()).find((c) => c.name === n);
    assert.deepEqual({ state: (await byName('short'))?.state, code: (await byName('short'))?.exitCode }, { state: 'exited', code: 5 });
    const long = await byName('long');
    assert.equal(long?.state, 'running');
    assert.notEqual((await second.runPodSandbox({ uid: 'u2', namespace: 'ns', name: 'q' })).ip, started.ip, 'a new sandbox does not reuse an adopted address');

    const ended = new Promise<number | undefined>((r) => second!.onContainerEvent((s) => s.name === 'long' && r(s.exitCode)));
    await second.stopContainer(long!.id, 5);
    assert.equal(await ended, 3, 'SIGTERM reached the adopted container, which exited with its own code');

    // stdout only: the shell may also say "Terminated" on stderr for its killed sleep.
    const lines = (f: string) => readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => l.replace(/^\S+ /, '')).filter((l) => l.startsWith('stdout'));
    assert.deepEqual(lines('long.log'), ['stdout F before', 'stdout F after', 'stdout F bye']);
    assert.deepEqual(lines('short.log'), ['stdout F done']);
  });

  it('a running container whose sandbox record is gone is stopped on restore, not left running unseen', async () => {
    const state = join(dir, 'orphan-state');
    const script = join(dir, 'orphan.mts');
    writeFileSync(
      script,
      `import { ProcessRuntime } from ${JSON.stringify(RUNTIME)};
const rt = new ProcessRuntime({ stateDir: ${JSON.stringify(state)} });
const sb = await rt.runPodSandbox({ uid: 'u3', namespace: 'ns', name: 'orphan' });
const id = await rt.createContainer(sb.id, { name: 'o', image: 'x', argv: ['sleep', '3600'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, logPath: ${JSON.stringify(join(dir, 'orphan.log'))}, labels: {} });
await rt.startContainer(id);
rt.release();
console.log(JSON.stringify({ sandbox: sb.id, pid: (await rt.listContainers())[0]?.pid }));
`,
    );
    const first = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(first.status, 0, first.stderr);
    const { sandbox, pid } = JSON.parse(first.stdout.trim().split('\n').at(-1) as string) as { sandbox: string; pid: number };
    try {
      assert.ok(isSameProcessAlive(pid, undefined), 'the container outlived its runtime');
      // What a `skiff killall` run meanwhile leaves when the kubelet restarts a container afterwards.
      new RuntimeStateDir(state).removeSandbox(sandbox);
      const third = new ProcessRuntime({ stateDir: state });
      assert.deepEqual(await third.listContainers(), []);
      await until('the orphaned container to be stopped', () => !isSameProcessAlive(pid, undefined));
      await third.close();
    } finally {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // stopped, as it should be
      }
    }
  });
});
