/**
 * e2e: `kubectl debug` against a real `skiff server` and a kubelet with the process runtime
 * (in this process), with the real kubectl — 1.32 through the dispatcher, 1.27 and 1.33
 * directly. Ephemeral containers: the strategic-merge patch to pods/ephemeralcontainers,
 * the container started in the running pod (targeting its main container), reported in
 * status.ephemeralContainerStatuses (running, terminated), its logs, exec into it,
 * `debug -i` and `debug -it` attached to it; removing one is refused; `--copy-to`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlMissing, startKubectl, startTestServer, waitFor, type KubectlVersion, type RunningKubectl, type TestServer } from './support/index.js';
import { clientFromKubeconfig, type RestClient } from '../../src/client/index.js';
import { memoryLogger } from '../../src/client/logger.js';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import type { ContainerState } from '../../src/api/core/v1/pod-status.js';
import { startKubelet, type RunningKubelet } from '../../src/kubelet/index.js';

const NODE = 'debug-e2e-node';
// The target's command line, unique to this run: the debug container looks for it among the processes it sees.
const MARK = `sleep ${36_000 + Math.floor(Math.random() * 9_000)}`;

describe('kubectl debug: ephemeral containers in process-runtime pods', { skip: kubectlMissing(), timeout: 300_000 }, () => {
  let server: TestServer;
  let client: RestClient;
  let kubelet: RunningKubelet;
  let dataDir: string;
  const running: RunningKubectl[] = [];
  const k = (args: string[], opts: { version?: KubectlVersion; stdin?: string } = {}) =>
    kubectl(args, { kubeconfig: server.kubeconfigPath, timeoutMs: 90_000, ...(opts.version ? { version: opts.version } : {}), ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}) });
  const getPod = (name: string) => client.resource<Pod>(PodKind).get(name, { namespace: 'default' });
  const ephemeralState = async (pod: string, container: string): Promise<ContainerState | undefined> =>
    (await getPod(pod)).status?.ephemeralContainerStatuses?.find((s) => s.name === container)?.state;
  const waitState = <K extends 'running' | 'terminated'>(pod: string, container: string, want: K): Promise<NonNullable<ContainerState[K]>> =>
    waitFor(`${container} ${want}`, async () => (await ephemeralState(pod, container))?.[want] ?? undefined, 60_000);
  const logsOf = async (pod: string, container: string) => {
    const r = await k(['logs', pod, '-c', container]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  const waitLogs = (pod: string, container: string, re: RegExp) => waitFor(`logs of ${container} matching ${re}`, async () => (re.test(await logsOf(pod, container)) ? true : undefined), 30_000);

  before(async () => {
    server = await startTestServer();
    client = clientFromKubeconfig({ path: server.kubeconfigPath });
    dataDir = mkdtempSync(join(tmpdir(), 'skiff-debug-e2e-'));
    kubelet = await startKubelet({ client, nodeName: NODE, dataDir, logger: memoryLogger(), nodeIP: '127.0.0.1', apiPort: 0 });
    await client.resource<Pod>(PodKind).create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'target', namespace: 'default', labels: { app: 'target' } },
      spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', `exec ${MARK}`] }] },
    } as Pod);
    await waitFor('the target pod running', async () => (await getPod('target')).status?.containerStatuses?.[0]?.state?.running ?? undefined);
  });

  after(async () => {
    await Promise.all(running.map((r) => r.stop().catch(() => null)));
    await kubelet?.stop({ killPods: true });
    client?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('kubectl debug --target=main -- CMD: the container runs in the pod, sees its target\'s processes, is reported running; logs and exec reach it', async () => {
    const cmd = `echo started; pgrep -f '${MARK}' >/dev/null && echo target-visible; exec sleep 600`;
    const r = await k(['debug', 'target', '--image=busybox', '--target=main', '-c', 'dbg-run', '--', 'sh', '-c', cmd]);
    assert.equal(r.code, 0, r.stderr);
    const state = await waitState('target', 'dbg-run', 'running');
    assert.ok(state.startedAt);
    const status = (await getPod('target')).status?.ephemeralContainerStatuses?.find((s) => s.name === 'dbg-run');
    assert.deepEqual([status?.ready, status?.restartCount, status?.image], [false, 0, 'busybox']);
    assert.match(status?.containerID ?? '', /^process:\/\//);
    await waitLogs('target', 'dbg-run', /^started\ntarget-visible\n/);
    const names = await k(['get', 'pod', 'target', '-o', 'jsonpath={.spec.ephemeralContainers[*].name}']);
    assert.equal(names.code, 0, names.stderr);
    assert.ok(names.stdout.split(' ').includes('dbg-run'), names.stdout);
    const described = await k(['describe', 'pod', 'target']);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /^Ephemeral Containers:\n {2}dbg-run:\n/m);
    const ex = await k(['exec', 'target', '-c', 'dbg-run', '--', 'sh', '-c', 'echo exec-in-$0']);
    assert.equal(ex.code, 0, ex.stderr);
    assert.equal(ex.stdout, 'exec-in-sh\n');
    // The pod is as it was: still Running and Ready, its main container untouched.
    const pod = await getPod('target');
    assert.equal(pod.status?.phase, 'Running');
    assert.equal(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.equal(pod.status?.containerStatuses?.[0]?.restartCount, 0);
  });

  it('an ephemeral container that ends is reported terminated with its exit code, and its logs stay readable', async () => {
    const r = await k(['debug', 'target', '--image=busybox', '-c', 'dbg-exit', '--', 'sh', '-c', 'echo bye; exit 3']);
    assert.equal(r.code, 0, r.stderr);
    const done = await waitState('target', 'dbg-exit', 'terminated');
    assert.deepEqual([done.exitCode, done.reason], [3, 'Error']);
    assert.equal(await logsOf('target', 'dbg-exit'), 'bye\n');
  });

  for (const version of ['1.27', '1.33'] as const) {
    it(`kubectl ${version} debug patches pods/ephemeralcontainers the same way`, { skip: kubectlMissing(version) }, async () => {
      const name = `dbg-${version.replace('.', '')}`;
      const r = await k(['debug', 'target', '--image=busybox', '--target=main', '-c', name, '--', 'sh', '-c', `echo from-${version}; exec sleep 600`], { version });
      assert.equal(r.code, 0, r.stderr);
      await waitState('target', name, 'running');
      await waitLogs('target', name, new RegExp(`^from-${version.replace('.', '\\.')}\n`));
    });
  }

  for (const version of [undefined, '1.27'] as const) {
    it(`kubectl ${version ?? '1.32'} debug -i: waits for the container, attaches to its stdin, prints what it answers`, { skip: kubectlMissing(version) }, async () => {
      const r = await k(['debug', '-i', 'target', '--image=busybox', '--target=main', '--', 'sh', '-c', 'read l; echo got:$l'], { stdin: 'hello\n', ...(version ? { version } : {}) });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^got:hello$/m);
      // Attached, not kubectl's fallback to the logs (which could not have fed the container).
      assert.doesNotMatch(r.stderr, /falling back to streaming logs/);
      const name = /Defaulting debug container name to (debugger-\w+)\./.exec(r.stdout)?.[1];
      assert.ok(name, r.stdout);
      const done = await waitState('target', name, 'terminated');
      assert.equal(done.exitCode, 0);
      const spec = (await getPod('target')).spec?.ephemeralContainers?.find((c) => c.name === name);
      assert.deepEqual([spec?.stdin, spec?.targetContainerName], [true, 'main']);
    });
  }

  it('kubectl debug -it: the container runs on a terminal of kubectl\'s size and takes what is typed', async () => {
    const size = { cols: 87, rows: 29 };
    // Prints its terminal's size at start and on every resize (the trapped WINCH interrupts read, hence the loop).
    const script = "trap 'stty size' WINCH; stty size; until read l; do :; done; echo got:$l";
    const at = startKubectl(server.kubeconfigPath, ['debug', '-it', 'target', '--image=busybox', '--target=main', '-c', 'dbg-tty', '--', 'sh', '-c', script], { stdin: true, terminal: size });
    running.push(at);
    // kubectl sends its size as it attaches (after one a row and a column larger): typed once the last has arrived.
    await waitFor(`the size ${size.rows} ${size.cols} from the container`, async () => {
      if (at.child.exitCode !== null) throw new Error(`kubectl exited ${at.child.exitCode}: ${at.out()}`);
      return new RegExp(`^${size.rows} ${size.cols}\r?$`, 'm').test(at.out()) ? true : undefined;
    }, 30_000);
    at.child.stdin?.write('typed\r');
    assert.equal(await at.exited, 0, at.out());
    assert.match(at.out(), /Targeting container "main"/);
    assert.match(at.out(), /^got:typed\r?$/m);
    const spec = (await getPod('target')).spec?.ephemeralContainers?.find((c) => c.name === 'dbg-tty');
    assert.deepEqual([spec?.stdin, spec?.tty], [true, true]);
  });

  it('removing an ephemeral container through pods/ephemeralcontainers is refused with upstream\'s message', async () => {
    const raw = '/api/v1/namespaces/default/pods/target/ephemeralcontainers';
    const got = await k(['get', '--raw', raw]);
    assert.equal(got.code, 0, got.stderr);
    const pod = JSON.parse(got.stdout) as Pod;
    assert.ok(pod.spec?.ephemeralContainers?.some((c) => c.name === 'dbg-run'));
    pod.spec!.ephemeralContainers = pod.spec!.ephemeralContainers!.filter((c) => c.name !== 'dbg-run');
    const file = join(dataDir, 'without-dbg-run.json');
    writeFileSync(file, JSON.stringify(pod));
    const r = await k(['replace', '--raw', raw, '-f', file]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Pod "target" is invalid: spec\.ephemeralContainers: Forbidden: existing ephemeral containers "dbg-run" may not be removed/);
    assert.ok((await getPod('target')).spec?.ephemeralContainers?.some((c) => c.name === 'dbg-run'), 'still there');
    // Nor through the pod itself.
    const main = await k(['patch', 'pod', 'target', '--type=json', '-p', '[{"op":"remove","path":"/spec/ephemeralContainers"}]']);
    assert.notEqual(main.code, 0);
    assert.match(main.stderr, /pod updates may not change fields other than/);
  });

  it('kubectl debug --copy-to --same-node: a copy of the pod with a debug container (a plain create) runs', async () => {
    const r = await k(['debug', 'target', '--copy-to=target-copy', '--same-node', '--image=busybox', '-c', 'copy-dbg', '--', 'sh', '-c', 'echo in-the-copy; exec sleep 600']);
    assert.equal(r.code, 0, r.stderr);
    const copy = await waitFor('both containers of the copy running', async () => {
      const p = await getPod('target-copy');
      const states = p.status?.containerStatuses ?? [];
      return states.length === 2 && states.every((s) => s.state?.running) ? p : undefined;
    });
    assert.deepEqual(copy.spec?.containers?.map((c) => c.name), ['main', 'copy-dbg']);
    assert.equal(copy.spec?.ephemeralContainers, undefined, 'the copy leaves the ephemeral containers behind');
    await waitLogs('target-copy', 'copy-dbg', /^in-the-copy\n/);
    const del = await k(['delete', 'pod', 'target-copy', '--wait=true']);
    assert.equal(del.code, 0, del.stderr);
  });
});
