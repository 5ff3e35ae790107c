import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../test/e2e/support/wait.js';
import { ProcessRuntime } from './process-runtime.js';
import { NoStdinError, type ContainerConfig } from './runtime.js';

const ECHO = 'while read l; do echo got:$l; done; echo eof';

describe('process runtime: attach to stdin (FIFO held by the keeper) and terminal (script)', () => {
  let dir: string;
  let rt: ProcessRuntime;
  let sandbox: string;
  let n = 0;
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const start = async (script: string, extra: Partial<ContainerConfig>): Promise<{ id: string; log: () => string }> => {
    const logPath = join(dir, `c${n++}.log`);
    const id = await rt.createContainer(sandbox, { name: 'c', image: 'x', argv: ['sh', '-c', script], env, logPath, labels: {}, ...extra });
    await rt.startContainer(id);
    return { id, log: () => readFileSync(logPath, 'utf8') };
  };
  const logged = (c: { log: () => string }, re: RegExp) => waitFor(`${re} in the log`, async () => (re.test(c.log()) ? true : undefined), 10_000);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-attach-'));
    rt = new ProcessRuntime({ cgroups: null, mountNamespaces: false });
    sandbox = (await rt.runPodSandbox({ uid: 'u', namespace: 'ns', name: 'p' })).id;
  });

  after(async () => {
    await rt?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stdin: true stays open across sessions; a session ending does not end the input', async () => {
    const c = await start(ECHO, { stdin: true });
    const first = await rt.attach(c.id, { stdin: true });
    first.stdin?.write(Buffer.from('one\n'));
    await logged(c, /stdout F got:one$/m);
    first.end();
    const second = await rt.attach(c.id, { stdin: true });
    second.stdin?.write(Buffer.from('two\n'));
    await logged(c, /stdout F got:two$/m);
    second.end();
    assert.equal((await rt.containerStatus(c.id))?.state, 'running');
    assert.doesNotMatch(c.log(), /eof/);
    await rt.stopContainer(c.id, 0);
  });

  it('stdinOnce: the first session with stdin ending closes it for good (EOF), and no later session gets it', async () => {
    const c = await start(ECHO, { stdin: true, stdinOnce: true });
    const exited = new Promise<void>((r) => rt.onContainerEvent((s) => s.id === c.id && r()));
    // A session without stdin does not count.
    (await rt.attach(c.id, { stdin: false })).end();
    const s = await rt.attach(c.id, { stdin: true });
    s.stdin?.write(Buffer.from('only\n'));
    await logged(c, /stdout F got:only$/m);
    s.end();
    await exited;
    assert.match(c.log(), /stdout F eof$/m);
    assert.equal((await rt.containerStatus(c.id))?.exitCode, 0);
  });

  it('a restarted runtime (same state dir) attaches to the stdin its predecessor started: the keeper, not the kubelet, holds it', async () => {
    const stateDir = join(dir, 'state');
    const first = new ProcessRuntime({ cgroups: null, mountNamespaces: false, stateDir });
    const sb = await first.runPodSandbox({ uid: 'u2', namespace: 'ns', name: 'p2' });
    const logPath = join(dir, 'adopted.log');
    const id = await first.createContainer(sb.id, { name: 'c', image: 'x', argv: ['sh', '-c', ECHO], env, logPath, labels: {}, stdin: true });
    await first.startContainer(id);
    first.release();
    const second = new ProcessRuntime({ cgroups: null, mountNamespaces: false, stateDir });
    try {
      const s = await second.attach(id, { stdin: true });
      s.stdin?.write(Buffer.from('after-restart\n'));
      await logged({ log: () => readFileSync(logPath, 'utf8') }, /stdout F got:after-restart$/m);
      s.end();
    } finally {
      await second.close();
    }
  });

  it('a container without stdin: true refuses stdin, but output-only attach is fine', async () => {
    const c = await start('sleep 30', {});
    await assert.rejects(rt.attach(c.id, { stdin: true }), (err: Error) => err instanceof NoStdinError && /stdin from \/dev\/null unless they set stdin: true/.test(err.message));
    (await rt.attach(c.id, { stdin: false })).end();
    await rt.stopContainer(c.id, 0);
  });

  it('tty: true runs on a real pty that attach resizes (SIGWINCH reaches the container)', async () => {
    // The trapped WINCH interrupts read, hence the loop that reads again.
    const c = await start("tty; trap 'stty size' WINCH; while :; do read l && echo got:$l; done", { stdin: true, tty: true });
    await logged(c, /stdout F \/dev\/pts\/\d+\r?$/m);
    const s = await rt.attach(c.id, { stdin: true });
    s.resize(123, 45);
    await logged(c, /stdout F 45 123\r?$/m);
    s.stdin?.write(Buffer.from('typed\n'));
    await logged(c, /stdout F got:typed\r?$/m);
    s.end();
    await rt.stopContainer(c.id, 0);
  });
});
