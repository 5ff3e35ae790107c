/**
 * e2e: securityContext and hostPort with the cri runtime, through `skiff up --runtime cri`,
 * a private containerd (CNI bridge + portmap) and the real kubectl: users and groups,
 * a read-only rootfs beside a writable emptyDir, dropped capabilities, no_new_privs and
 * seccomp as /proc/self/status shows them, runAsNonRoot refused with upstream's message,
 * a pod sysctl, and busybox httpd reached on 127.0.0.1:<hostPort>, its DNAT rules gone
 * with the pod. Skipped unless root with containerd installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { kubectlMissing, waitFor } from './support/index.js';
import { containerdMissing, startTestContainerd, type TestContainerd } from './support/containerd-harness.js';
import { loopbackUpCluster } from './support/skiff-up.js';

const SUBNET = '198.18.95.0/24';
const NETS = ['--cluster-cidr', SUBNET, '--service-cidr', '127.95.0.0/16', '--cluster-dns', '127.95.0.10', '--dns-upstream', 'none'];
const IMAGES = { busybox: 'localhost/skiff-e2e/busybox:1', pause: 'localhost/skiff-e2e/pause:1' };
const SLEEP = ['sleep', '3600'];

function httpGet(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { connection: 'close' }, timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** A loopback port nobody listens on now (the hostPort is a DNAT rule, not a listener). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const natRules = (): string => {
  try {
    return execFileSync('iptables', ['-t', 'nat', '-S'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
};

const skip = containerdMissing() || kubectlMissing() || false;

describe('securityContext and hostPort with the cri runtime (containerd)', { skip, timeout: 400_000 }, () => {
  const cluster = loopbackUpCluster('skiff-cri-security-', async () => {});
  const { dataDir, k } = cluster;
  let ctd: TestContainerd | undefined;
  let out = (): string => '';
  let hostPort = 0;
  let hostIPPort = 0;
  const shmHost = readFileSync('/proc/sys/kernel/shm_rmid_forced', 'utf8').trim();

  const apply = async (name: string, spec: object, container: object = {}): Promise<void> => {
    const file = join(dataDir, `${name}.json`);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 1, ...spec, containers: [{ name: 'main', image: IMAGES.busybox, imagePullPolicy: 'Never', command: SLEEP, ...container }] } };
    writeFileSync(file, JSON.stringify(pod));
    const r = await k(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
  };
  const jsonpath = async (name: string, path: string): Promise<string> => (await k(['get', 'pod', name, '-o', `jsonpath=${path}`])).stdout;
  const exec = async (name: string, script: string) => k(['exec', name, '--', 'sh', '-c', script]);
  const status = async (name: string): Promise<Record<string, string>> => {
    const r = await exec(name, 'cat /proc/self/status');
    assert.equal(r.code, 0, r.stderr);
    return Object.fromEntries(r.stdout.split('\n').map((l) => l.split(':\t')).filter((p) => p.length === 2).map(([key, v]) => [key!, v!.trim()]));
  };

  before(async () => {
    ctd = await startTestContainerd({ bridge: 'skiffcri95', subnet: SUBNET, images: IMAGES, hostPorts: true });
    const up = await cluster.start('cri-security-node', [...NETS, '--runtime', 'cri', '--container-runtime-endpoint', `unix://${ctd.socket}`]);
    out = () => up.output().split('\n').filter((l) => !l.includes('"component":"apiserver"')).join('\n').slice(-3000);
    hostPort = await freePort();
    hostIPPort = await freePort();
    await apply('plain', {});
    await apply('ids', { securityContext: { runAsUser: 1000, runAsGroup: 3000, supplementalGroups: [4000], fsGroup: 2000 } });
    await apply('ro', { volumes: [{ name: 'scratch', emptyDir: {} }] }, { securityContext: { readOnlyRootFilesystem: true }, volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] });
    await apply('hardened', { securityContext: { seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'kernel.shm_rmid_forced', value: shmHost === '1' ? '0' : '1' }] } }, { securityContext: { capabilities: { drop: ['ALL'] }, allowPrivilegeEscalation: false } });
    await apply('privileged', {}, { securityContext: { privileged: true } });
    await apply('nonroot', { securityContext: { runAsNonRoot: true } });
    // Two listeners: the API refuses the same containerPort twice.
    const web = 'mkdir -p /www && echo hello-through-hostport > /www/index.html && httpd -p 8081 -h /www && exec httpd -f -p 8080 -h /www';
    await apply('web', {}, { command: ['sh', '-c', web], ports: [{ containerPort: 8080, hostPort }, { containerPort: 8081, hostPort: hostIPPort, hostIP: '127.0.0.1', name: 'loopback' }] });
    for (const name of ['plain', 'ids', 'ro', 'hardened', 'privileged', 'web']) {
      await waitFor(`${name} Running`, async () => ((await jsonpath(name, '{.status.phase}')) === 'Running' ? true : undefined), 90_000, 300).catch((e: Error) => assert.fail(`${e.message}\n${out()}`));
    }
  }, { timeout: 240_000 });

  after(async () => {
    await cluster.cleanup();
    await ctd?.cleanup();
  });

  it('runAsUser, runAsGroup, supplementalGroups and fsGroup: kubectl exec -- id', async () => {
    const r = await k(['exec', 'ids', '--', 'id']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^uid=1000 gid=3000 groups=/);
    const groups = (/groups=(\S+)/.exec(r.stdout)?.[1] ?? '').split(',').map((g) => g.replace(/\(.*\)/, ''));
    assert.ok(groups.includes('4000') && groups.includes('2000'), r.stdout);
    // Without a securityContext the image's user (root) runs it.
    assert.match((await k(['exec', 'plain', '--', 'id'])).stdout, /^uid=0\(root\) gid=0\(root\)/);
  });

  it('readOnlyRootFilesystem: touch /x fails, the emptyDir stays writable', async () => {
    const rootfs = await exec('ro', 'touch /x');
    assert.notEqual(rootfs.code, 0);
    assert.match(rootfs.stderr, /Read-only file system/);
    const scratch = await exec('ro', 'touch /scratch/y && echo wrote');
    assert.equal(scratch.code, 0, scratch.stderr);
    assert.equal(scratch.stdout, 'wrote\n');
    assert.equal((await exec('plain', 'touch /x && echo wrote')).stdout, 'wrote\n');
  });

  it('capabilities.drop ALL, allowPrivilegeEscalation false, seccomp RuntimeDefault: /proc/self/status', async () => {
    const hard = await status('hardened');
    assert.equal(hard.CapEff, '0000000000000000');
    assert.equal(hard.CapBnd, '0000000000000000');
    assert.equal(hard.NoNewPrivs, '1');
    assert.equal(hard.Seccomp, '2');
    const plain = await status('plain');
    assert.notEqual(plain.CapEff, '0000000000000000');
    assert.equal(plain.NoNewPrivs, '0');
    // No seccompProfile anywhere: Unconfined, as the kubelet's default.
    assert.equal(plain.Seccomp, '0');
    // privileged: every capability the host has (the sandbox was created privileged too).
    const priv = await status('privileged');
    assert.equal(BigInt(`0x${priv.CapEff}`) > BigInt(`0x${plain.CapEff}`), true, `${priv.CapEff} vs ${plain.CapEff}`);
  });

  it('pod sysctls reach the pod (kernel.shm_rmid_forced in its IPC namespace)', async () => {
    const r = await exec('hardened', 'cat /proc/sys/kernel/shm_rmid_forced');
    assert.equal(r.stdout.trim(), shmHost === '1' ? '0' : '1', r.stderr);
    assert.equal(readFileSync('/proc/sys/kernel/shm_rmid_forced', 'utf8').trim(), shmHost);
  });

  it('runAsNonRoot with an image running as root: CreateContainerConfigError with upstream message', async () => {
    const uid = await jsonpath('nonroot', '{.metadata.uid}');
    const want = `container has runAsNonRoot and image will run as root (pod: "nonroot_default(${uid})", container: main)`;
    await waitFor('CreateContainerConfigError', async () => ((await jsonpath('nonroot', '{.status.containerStatuses[0].state.waiting.reason}')) === 'CreateContainerConfigError' ? true : undefined), 60_000, 300).catch((e: Error) => assert.fail(`${e.message}\n${out()}`));
    assert.equal(await jsonpath('nonroot', '{.status.containerStatuses[0].state.waiting.message}'), want);
    const get = await k(['get', 'pod', 'nonroot']);
    assert.match(get.stdout, /nonroot\s+0\/1\s+CreateContainerConfigError/);
    const describe = await k(['describe', 'pod', 'nonroot']);
    assert.ok(describe.stdout.includes(`Error: ${want}`), describe.stdout);
  });

  it('hostPort: busybox httpd answers on 127.0.0.1:<hostPort> and on its hostIP; the DNAT rules go with the pod', async () => {
    for (const port of [hostPort, hostIPPort]) {
      const res = await waitFor(`an answer on 127.0.0.1:${port}`, async () => httpGet(port).catch(() => undefined), 20_000, 200).catch((e: Error) => assert.fail(`${e.message}\n${natRules()}\n${out()}`));
      assert.equal(res.status, 200);
      assert.equal(res.body, 'hello-through-hostport\n');
    }
    const rules = natRules();
    assert.match(rules, new RegExp(`--dport ${hostPort}\\b`));
    assert.match(rules, new RegExp(`-d 127\\.0\\.0\\.1/32 .*--dport ${hostIPPort}\\b`));
    const del = await k(['delete', 'pod', 'web', '--wait=true', '--timeout=60s']);
    assert.equal(del.code, 0, del.stderr);
    await waitFor('the DNAT rules removed (CNI DEL)', async () => (new RegExp(`--dport (${hostPort}|${hostIPPort})\\b`).test(natRules()) ? undefined : true), 30_000, 200).catch((e: Error) => assert.fail(`${e.message}\n${natRules()}`));
    await assert.rejects(httpGet(hostPort));
  });
});
