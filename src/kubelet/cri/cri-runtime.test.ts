import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerConfigError } from '../container-env.js';
import { ImagePullError, NoStdinError, type ContainerStatus } from '../runtime.js';
import { CriError, type CriCaller } from './client.js';
import { CriRuntime } from './cri-runtime.js';

type Handler = (req: any) => unknown;

/** A CRI server in memory: each RPC answers from `handlers`; every request is recorded. */
function fakeClient(handlers: Record<string, Handler>): CriCaller & { calls: { method: string; req: any }[] } {
  const calls: { method: string; req: any }[] = [];
  const call = async (method: string, req: object): Promise<any> => {
    calls.push({ method, req });
    const h = handlers[method];
    if (!h) throw new Error(`unexpected ${method}`);
    return h(req);
  };
  return { calls, rt: call, img: call, close: () => {} };
}

const sandboxStatus = (hostNetwork = false) => ({
  status: { id: 'sb1', metadata: { name: 'web', uid: 'u1', namespace: 'ns', attempt: 0 }, state: 'SANDBOX_READY', created_at: '1000000000', network: { ip: '198.18.0.5' }, labels: { 'skiff.dev/host-network': String(hostNetwork) } },
});

async function runtime(handlers: Record<string, Handler>) {
  const client = fakeClient({ Version: () => ({ runtime_name: 'containerd', runtime_version: '1.6.20' }), ...handlers });
  const rt = await CriRuntime.connect({ endpoint: 'unix:///nowhere.sock', logDir: '/data/pods', relistMs: 3_600_000 }, { client });
  return { rt, client };
}

test('connect names the runtime after Version', async () => {
  const { rt } = await runtime({});
  assert.equal(rt.name, 'containerd');
  assert.equal(rt.version, '1.6.20');
  await rt.close();
});

test('runPodSandbox: log directory, cgroup parent, hostname; the pod IP from PodSandboxStatus', async () => {
  const { rt, client } = await runtime({ ListPodSandbox: () => ({ items: [] }), RunPodSandbox: () => ({ pod_sandbox_id: 'sb1' }), PodSandboxStatus: () => sandboxStatus() });
  const sb = await rt.runPodSandbox({ uid: 'u1', namespace: 'ns', name: 'web' });
  assert.equal(sb.ip, '198.18.0.5');
  assert.equal(sb.state, 'ready');
  const cfg = client.calls.find((c) => c.method === 'RunPodSandbox')!.req.config;
  assert.deepEqual(cfg.metadata, { name: 'web', uid: 'u1', namespace: 'ns', attempt: 0 });
  assert.equal(cfg.hostname, 'web');
  assert.equal(cfg.log_directory, '/data/pods/ns_web_u1');
  assert.equal(cfg.linux.cgroup_parent, '/skiff-cri/podu1');
  assert.equal(cfg.linux.security_context.namespace_options.network, 'POD');
  await rt.close();
});

test('runPodSandbox with hostNetwork: no hostname (runc refuses one without a UTS namespace), network NODE', async () => {
  const { rt, client } = await runtime({ ListPodSandbox: () => ({ items: [] }), RunPodSandbox: () => ({ pod_sandbox_id: 'sb1' }), PodSandboxStatus: () => sandboxStatus(true) });
  await rt.runPodSandbox({ uid: 'u1', namespace: 'ns', name: 'web', hostNetwork: true });
  const cfg = client.calls.find((c) => c.method === 'RunPodSandbox')!.req.config;
  assert.equal(cfg.hostname, '');
  assert.equal(cfg.linux.security_context.namespace_options.network, 'NODE');
  await rt.close();
});

test('a failed RunPodSandbox removes the sandbox it left behind', async () => {
  let listed = 0;
  const { rt, client } = await runtime({
    ListPodSandbox: () => ({ items: listed++ === 0 ? [] : [{ id: 'left', metadata: { name: 'web', uid: 'u1', namespace: 'ns', attempt: 0 }, state: 'SANDBOX_NOTREADY', created_at: '0' }] }),
    RunPodSandbox: () => {
      throw new CriError('RunPodSandbox', 2, 'cni plugin not initialized');
    },
    StopPodSandbox: () => ({}),
    RemovePodSandbox: () => ({}),
  });
  await assert.rejects(rt.runPodSandbox({ uid: 'u1', namespace: 'ns', name: 'web' }), /cni plugin not initialized/);
  assert.ok(client.calls.some((c) => c.method === 'RemovePodSandbox' && c.req.pod_sandbox_id === 'left'));
  await rt.close();
});

test('createContainer always sends sandbox_config, a relative log path, command and args apart, limits', async () => {
  const { rt, client } = await runtime({ PodSandboxStatus: () => sandboxStatus(), ImageStatus: () => ({ image: { id: 'sha256:1' } }), CreateContainer: () => ({ container_id: 'c1' }) });
  const id = await rt.createContainer('sb1', {
    name: 'web',
    image: 'localhost/x/busybox:1',
    argv: ['sh', '-c', 'echo hi'],
    command: ['sh', '-c'],
    args: ['echo hi'],
    env: { A: '1' },
    logPath: '/data/pods/ns_web_u1/web/0.log',
    labels: { 'skiff.dev/restart-count': '0' },
    resources: { cpuMillis: 500, memoryBytes: 1 << 26 },
    mounts: [{ containerPath: '/etc/resolv.conf', hostPath: '/data/r', readOnly: true }],
  });
  assert.equal(id, 'c1');
  const req = client.calls.find((c) => c.method === 'CreateContainer')!.req;
  assert.deepEqual(req.sandbox_config.metadata, { name: 'web', uid: 'u1', namespace: 'ns', attempt: 0 });
  assert.equal(req.config.log_path, 'web/0.log');
  assert.deepEqual(req.config.command, ['sh', '-c']);
  assert.deepEqual(req.config.args, ['echo hi']);
  assert.deepEqual(req.config.envs, [{ key: 'A', value: '1' }]);
  assert.equal(req.config.labels['skiff.dev/image'], 'localhost/x/busybox:1');
  assert.deepEqual(req.config.linux.resources, { cpu_period: 100000, cpu_quota: 50000, cpu_shares: 512, memory_limit_in_bytes: 1 << 26 });
  assert.deepEqual(req.config.mounts, [{ container_path: '/etc/resolv.conf', host_path: '/data/r', readonly: true }]);
  await rt.close();
});

test('containerStatus maps an exit and reports the image the spec named; NOT_FOUND is undefined', async () => {
  const { rt } = await runtime({
    ContainerStatus: (req) => {
      if (req.container_id !== 'c1') throw new CriError('ContainerStatus', 5, 'not found');
      return { status: { id: 'c1', metadata: { name: 'web' }, state: 'CONTAINER_EXITED', created_at: '1000000000', started_at: '2000000000', finished_at: '3000000000', exit_code: 1, image: { image: 'sha256:abc' }, reason: 'Error', message: '', labels: { 'skiff.dev/image': 'localhost/x/busybox:1' }, log_path: '/data/pods/ns_web_u1/web/0.log' } };
    },
    ListContainers: () => ({ containers: [{ id: 'c1', pod_sandbox_id: 'sb1' }] }),
  });
  const st = await rt.containerStatus('c1');
  assert.deepEqual(
    { state: st?.state, exitCode: st?.exitCode, reason: st?.reason, image: st?.image, sandboxId: st?.sandboxId, startedAt: st?.startedAt, finishedAt: st?.finishedAt },
    { state: 'exited', exitCode: 1, reason: 'Error', image: 'localhost/x/busybox:1', sandboxId: 'sb1', startedAt: 2000, finishedAt: 3000 },
  );
  assert.equal(await rt.containerStatus('gone'), undefined);
  await rt.close();
});

test('ensureImage: present, Never without the image, a failed pull', async () => {
  const present = new Set(['here:1']);
  const { rt } = await runtime({
    ImageStatus: (req) => ({ image: present.has(req.image.image) ? { id: 'sha256:1' } : null }),
    PullImage: () => {
      throw new CriError('PullImage', 2, 'dial tcp 127.0.0.1:80: connect: connection refused');
    },
  });
  assert.equal(await rt.ensureImage('here:1', 'IfNotPresent'), false);
  await assert.rejects(rt.ensureImage('gone:1', 'Never'), (e: unknown) => e instanceof ImagePullError && e.reason === 'ErrImageNeverPull');
  await assert.rejects(rt.ensureImage('gone:1', 'IfNotPresent'), (e: unknown) => e instanceof ImagePullError && e.reason === 'ErrImagePull' && /connection refused/.test(e.message));
  await rt.close();
});

test('exec asks CRI Exec for stdin only when the client sends some, stderr only without a TTY', async () => {
  // The streaming URL points nowhere that answers: the request is what is checked here.
  const { rt, client } = await runtime({ Exec: () => ({ url: 'http://127.0.0.1:1/exec/x' }) });
  await assert.rejects(rt.exec('c1', ['sh', '-c', 'true'], { tty: false, stdin: false }));
  await assert.rejects(rt.exec('c1', ['sh'], { tty: true, stdin: true }));
  const reqs = client.calls.filter((c) => c.method === 'Exec').map((c) => c.req);
  assert.deepEqual(reqs, [
    { container_id: 'c1', cmd: ['sh', '-c', 'true'], tty: false, stdin: false, stdout: true, stderr: true },
    { container_id: 'c1', cmd: ['sh'], tty: true, stdin: true, stdout: true, stderr: false },
  ]);
  await rt.close();
});

test('attach refuses stdin to a container created without it (NoStdinError), before any CRI Attach', async () => {
  const status = (labels: Record<string, string>) => ({ status: { id: 'c1', metadata: { name: 'x' }, state: 'CONTAINER_RUNNING', created_at: '0', started_at: '0', finished_at: '0', exit_code: 0, image: null, reason: '', message: '', labels, log_path: '' } });
  let labels: Record<string, string> = { 'skiff.dev/stdin': 'false', 'skiff.dev/tty': 'false' };
  const { rt, client } = await runtime({ ContainerStatus: () => status(labels), ListContainers: () => ({ containers: [{ pod_sandbox_id: 'sb1' }] }), Attach: () => ({ url: 'http://127.0.0.1:1/attach/x' }) });
  await assert.rejects(rt.attach('c1', { stdin: true }), (e: unknown) => e instanceof NoStdinError);
  // A container created before the labels existed has no stdin either.
  labels = {};
  await assert.rejects(rt.attach('c1', { stdin: true }), (e: unknown) => e instanceof NoStdinError);
  assert.equal(client.calls.filter((c) => c.method === 'Attach').length, 0);
  labels = { 'skiff.dev/stdin': 'once', 'skiff.dev/tty': 'true' };
  await assert.rejects(rt.attach('c1', { stdin: true }), (e: unknown) => !(e instanceof NoStdinError));
  assert.deepEqual(client.calls.find((c) => c.method === 'Attach')?.req, { container_id: 'c1', stdin: true, tty: true, stdout: false, stderr: false });
  await rt.close();
});

test('createContainer records stdin, stdinOnce and tty in the config and as labels', async () => {
  const { rt, client } = await runtime({ PodSandboxStatus: () => sandboxStatus(), ImageStatus: () => ({ image: { id: 'sha256:1' } }), CreateContainer: () => ({ container_id: 'c1' }) });
  await rt.createContainer('sb1', { name: 'c', image: 'img:1', argv: ['cat'], env: {}, logPath: '/data/pods/ns_web_u1/c/0.log', labels: {}, stdin: true, stdinOnce: true, tty: true });
  const cfg = client.calls.find((c) => c.method === 'CreateContainer')?.req.config;
  assert.deepEqual([cfg.stdin, cfg.stdin_once, cfg.tty], [true, true, true]);
  assert.equal(cfg.labels['skiff.dev/stdin'], 'once');
  assert.equal(cfg.labels['skiff.dev/tty'], 'true');
  await rt.close();
});

test('relist reports a container first seen already exited', async () => {
  const client = fakeClient({
    Version: () => ({ runtime_name: 'containerd', runtime_version: '1.6.20' }),
    ListContainers: () => ({ containers: [{ id: 'c1', pod_sandbox_id: 'sb1', state: 'CONTAINER_EXITED' }] }),
    ContainerStatus: () => ({ status: { id: 'c1', metadata: { name: 'x' }, state: 'CONTAINER_EXITED', created_at: '0', started_at: '0', finished_at: '0', exit_code: 1, image: null, reason: 'Error', message: '', labels: {}, log_path: '' } }),
  });
  const rt = await CriRuntime.connect({ endpoint: 'unix:///nowhere.sock', logDir: '/d', relistMs: 5 }, { client });
  const seen = await new Promise<ContainerStatus>((resolve) => rt.onContainerEvent(resolve));
  assert.equal(seen.state, 'exited');
  await rt.close();
});

test('the pod securityContext and hostPorts reach RunPodSandbox, and CreateContainer through the sandbox annotation', async () => {
  let annotations: Record<string, string> = {};
  const { rt, client } = await runtime({
    ListPodSandbox: () => ({ items: [] }),
    RunPodSandbox: (req) => {
      annotations = req.config.annotations;
      return { pod_sandbox_id: 'sb1' };
    },
    PodSandboxStatus: () => ({ status: { ...sandboxStatus().status, annotations } }),
    ImageStatus: () => ({ image: { id: 'sha256:1', uid: null, username: '' } }),
    CreateContainer: () => ({ container_id: 'c1' }),
  });
  await rt.runPodSandbox({ uid: 'u1', namespace: 'ns', name: 'web', privileged: true, securityContext: { runAsUser: 1000, fsGroup: 2000, sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }] }, portMappings: [{ protocol: 'TCP', containerPort: 80, hostPort: 30080, hostIP: '127.0.0.1' }] });
  const cfg = client.calls.find((c) => c.method === 'RunPodSandbox')!.req.config;
  assert.deepEqual(cfg.port_mappings, [{ protocol: 'TCP', container_port: 80, host_port: 30080, host_ip: '127.0.0.1' }]);
  assert.deepEqual(cfg.linux.sysctls, { 'kernel.shm_rmid_forced': '1' });
  assert.equal(cfg.linux.security_context.privileged, true);
  await rt.createContainer('sb1', { name: 'c', image: 'img:1', argv: ['id'], env: {}, logPath: '/data/pods/ns_web_u1/c/0.log', labels: {}, securityContext: { privileged: true } });
  const req = client.calls.find((c) => c.method === 'CreateContainer')!.req;
  // containerd refuses a privileged container in a sandbox not created privileged.
  assert.equal(req.sandbox_config.linux.security_context.privileged, true);
  assert.deepEqual(req.config.linux.security_context.run_as_user, { value: 1000 });
  assert.deepEqual(req.config.linux.security_context.supplemental_groups, [2000]);
  assert.equal(req.config.linux.security_context.privileged, true);
  await rt.close();
});

test('createContainer refuses runAsNonRoot when the image runs as root, before any CreateContainer', async () => {
  const { rt, client } = await runtime({ PodSandboxStatus: () => sandboxStatus(), ImageStatus: () => ({ image: { id: 'sha256:1', uid: null, username: '' } }), CreateContainer: () => ({ container_id: 'c1' }) });
  await assert.rejects(
    rt.createContainer('sb1', { name: 'app', image: 'img:1', argv: ['id'], env: {}, logPath: '/data/pods/ns_web_u1/app/0.log', labels: {}, securityContext: { runAsNonRoot: true } }),
    (e: unknown) => e instanceof ContainerConfigError && e.message === 'container has runAsNonRoot and image will run as root (pod: "web_ns(u1)", container: app)',
  );
  assert.equal(client.calls.filter((c) => c.method === 'CreateContainer').length, 0);
  await rt.close();
});
