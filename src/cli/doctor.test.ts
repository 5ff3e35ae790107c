/**
 * `skiff doctor` against a real `skiff server` child process, real sockets and real
 * directories: reachable/certificate/clock verdicts, a closed port, a held port, an
 * unusable data dir, and the CLI's lines and exit code with KUBECONFIG in its env.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startTestServer, type TestServer } from '../../test/e2e/support/index.js';
import { createCa } from '../apiserver/tls/index.js';
import { checkCgroups, checkDataDir, checkPort, checkRuntime, type CheckResult } from './doctor-checks.js';
import { runDoctor, formatDoctor, type DoctorOptions } from './doctor.js';
import { runSkiff } from '../../test/e2e/support/run-skiff.js';

const DAY = 24 * 3600 * 1000;


function listen(host: string, port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, host, () => resolve(s));
  });
}
const portOf = (s: Server): number => (s.address() as { port: number }).port;
const close = (s: Server): Promise<void> => new Promise((r) => s.close(() => r()));

/** A port that was just free: bound and released (nothing listens on it afterwards). */
async function closedPort(): Promise<number> {
  const s = await listen('127.0.0.1');
  const p = portOf(s);
  await close(s);
  return p;
}

const find = (checks: CheckResult[], name: string): CheckResult => {
  const c = checks.find((x) => x.name === name);
  assert.ok(c, `no "${name}" check in ${JSON.stringify(checks.map((x) => x.name))}`);
  return c;
};

describe('skiff doctor', () => {
  let server: TestServer;
  let tmp: string;
  let base: DoctorOptions;
  /** Writes a copy of the admin kubeconfig with its cluster edited. */
  const kubeconfigWith = (file: string, edit: (cluster: Record<string, unknown>) => void): string => {
    const doc = parse(readFileSync(server.kubeconfigPath, 'utf8')) as { clusters: Array<{ cluster: Record<string, unknown> }> };
    for (const c of doc.clusters) edit(c.cluster);
    const path = join(tmp, file);
    writeFileSync(path, stringify(doc));
    return path;
  };

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skiff-doctor-'));
    mkdirSync(join(tmp, 'home'));
    server = await startTestServer();
    // Ports 0 skip the port checks here; they have their own tests below.
    base = { kubeconfig: server.kubeconfigPath, dataDir: join(tmp, 'data'), port: 0, kubeletPort: 0, bindAddress: '127.0.0.1', env: {}, home: join(tmp, 'home') };
  });
  after(async () => {
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('against a running server: reachable, certificates valid with days left, credentials accepted, clock in sync', async () => {
    const checks = await runDoctor(base);
    assert.deepEqual(checks.filter((c) => c.status !== 'ok' && c.name !== 'cgroups'), [], formatDoctor(checks));
    assert.match(find(checks, 'server').detail, new RegExp(`^${server.url} is ready \\(/readyz ok, v1\\.32\\.\\S+, \\d+ ms\\)$`));
    const days = (name: string): number => Number(/\((\d+) days left\)/.exec(find(checks, name).detail)?.[1]);
    // Both are issued for 365 days at server start.
    assert.ok(days('server cert') >= 363 && days('server cert') <= 365, find(checks, 'server cert').detail);
    assert.match(find(checks, 'server cert').detail, /trusted by the kubeconfig CA$/);
    assert.ok(days('client cert') >= 363 && days('client cert') <= 365, find(checks, 'client cert').detail);
    assert.match(find(checks, 'client cert').detail, /^CN=admin, O=system:masters/);
    assert.match(find(checks, 'credentials').detail, /client certificate CN=admin.* accepted/);
    assert.match(find(checks, 'clock').detail, /within 1 s/);
    assert.equal(find(checks, 'data dir').status, 'ok');
  });

  it('a skewed local clock is a clock warning; near or past expiry is a certificate warning or failure', async () => {
    const ahead = await runDoctor({ ...base, now: () => Date.now() + 60_000 });
    assert.equal(find(ahead, 'clock').status, 'warn');
    assert.match(find(ahead, 'clock').detail, /local clock is (59|60|61)\.\d s ahead of the server's/);

    const late = await runDoctor({ ...base, now: () => Date.now() + 350 * DAY });
    for (const name of ['server cert', 'client cert']) {
      assert.equal(find(late, name).status, 'warn', find(late, name).detail);
      assert.match(find(late, name).detail, /\((1[3-5]) days left\)/);
    }
    const expired = await runDoctor({ ...base, now: () => Date.now() + 400 * DAY });
    assert.equal(find(expired, 'server cert').status, 'fail');
    assert.match(find(expired, 'server cert').detail, /expired on \d{4}-\d\d-\d\d \(3[4-6] days ago\)/);
  });

  it('a kubeconfig pointing at a closed port: server reachable fails with a clear detail', async () => {
    const port = await closedPort();
    const kc = kubeconfigWith('closed.kubeconfig', (c) => (c.server = `https://127.0.0.1:${port}`));
    const checks = await runDoctor({ ...base, kubeconfig: kc });
    const s = find(checks, 'server');
    assert.equal(s.status, 'fail');
    assert.equal(s.detail, `nothing listens at 127.0.0.1:${port} (connection refused)`);
    assert.match(s.hint ?? '', /skiff up/);
    assert.equal(checks.find((c) => c.name === 'clock'), undefined, 'no clock verdict without a server');
  });

  it('a kubeconfig whose CA did not sign the server certificate: the certificate is not trusted and no credentials are sent', async () => {
    const other = await createCa('other-ca');
    const kc = kubeconfigWith('other-ca.kubeconfig', (c) => (c['certificate-authority-data'] = Buffer.from(other.certPem).toString('base64')));
    const checks = await runDoctor({ ...base, kubeconfig: kc });
    assert.equal(find(checks, 'server cert').status, 'fail');
    assert.match(find(checks, 'server cert').detail, /NOT trusted: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
    assert.equal(find(checks, 'server').status, 'fail');
    assert.equal(checks.find((c) => c.name === 'credentials'), undefined);
  });

  it('no kubeconfig anywhere: a warning that says where it looked, and no cluster checks', async () => {
    const { kubeconfig: _unused, ...noKubeconfig } = base;
    const checks = await runDoctor(noKubeconfig);
    const k = find(checks, 'kubeconfig');
    assert.equal(k.status, 'warn');
    assert.match(k.detail, /^none found \(no --kubeconfig, KUBECONFIG unset, no .*home\/\.kube\/config, no .*data\/admin\.kubeconfig\)/);
    assert.equal(checks.find((c) => c.name === 'server'), undefined);
    // An explicit $KUBECONFIG that does not exist is a failure, not a silent fallback.
    const missing = await runDoctor({ ...noKubeconfig, env: { KUBECONFIG: join(tmp, 'nope') } });
    assert.equal(find(missing, 'kubeconfig').status, 'fail');
    assert.match(find(missing, 'kubeconfig').detail, /nope \(from \$KUBECONFIG\) does not exist/);
  });

  it('ports: a port held by a listener is reported in use; a free one ok; the server our kubeconfig reaches is recognised', async () => {
    const held = await listen('127.0.0.1');
    try {
      const p = portOf(held);
      const r = await checkPort(p, 'API server', { host: '127.0.0.1' });
      assert.equal(r.status, 'warn');
      assert.equal(r.detail, `127.0.0.1:${p} is in use (EADDRINUSE): a new API server cannot listen on it`);
      // The default bind address, 0.0.0.0, conflicts with a listener on one address too.
      const all = await runDoctor({ ...base, port: p, bindAddress: '0.0.0.0' });
      assert.match(find(all, `port ${p}`).detail, /in use \(EADDRINUSE\)/);
    } finally {
      await close(held);
    }
    const free = await closedPort();
    assert.equal((await checkPort(free, 'kubelet API', { host: '127.0.0.1' })).status, 'ok');
    const own = await runDoctor({ ...base, port: server.port });
    assert.equal(find(own, `port ${server.port}`).status, 'ok');
    assert.match(find(own, `port ${server.port}`).detail, /in use by the API server your kubeconfig points at/);
  });

  it('data dir: writable, not yet created, under a regular file, or a file itself', () => {
    const dir = join(tmp, 'dd');
    mkdirSync(dir);
    assert.match(checkDataDir(dir).detail, /is writable \(\d/);
    const fresh = checkDataDir(join(dir, 'a', 'b'));
    assert.equal(fresh.status, 'ok');
    assert.match(fresh.detail, /does not exist yet; skiff will create it under .*\/dd, which is writable/);
    const file = join(tmp, 'regular-file');
    writeFileSync(file, 'x');
    for (const p of [join(file, 'data'), join(file, 'x', 'y')]) {
      const r = checkDataDir(p);
      assert.equal(r.status, 'fail', p);
      assert.match(r.detail, /a parent of it is a regular file/);
    }
    assert.equal(checkDataDir(file).status, 'fail');
    assert.match(checkDataDir(file).detail, /exists and is not a directory/);
  });

  it('through the CLI with KUBECONFIG in the env: one line per check, a summary, exit 0; exit 1 when the server is down', async () => {
    const env = { KUBECONFIG: server.kubeconfigPath, HOME: join(tmp, 'home') };
    const args = ['doctor', '--data-dir', join(tmp, 'cli-data'), '--port', '0', '--kubelet-port', '0'];
    const ok = await runSkiff(args, { env });
    assert.equal(ok.code, 0, ok.out + ok.err);
    assert.match(ok.out, /^ok {3}runtime {6}process runtime, /m);
    assert.match(ok.out, /^ok {3}data dir {5}.*cli-data does not exist yet/m);
    assert.match(ok.out, new RegExp(`^ok {3}kubeconfig {3}${server.kubeconfigPath} \\(\\$KUBECONFIG\\)`, 'm'));
    assert.match(ok.out, new RegExp(`^ok {3}server {7}${server.url} is ready`, 'm'));
    assert.match(ok.out, /^ok {3}server cert {2}CN=\S+, valid until \d{4}-\d\d-\d\d \(\d+ days left\)/m);
    assert.match(ok.out, /^ok {3}clock {8}local clock agrees/m);
    assert.match(ok.out, /\n\n\d+ checks: \d+ ok, \d+ warnings?, 0 failed — nothing blocks skiff here\n$/);

    const port = await closedPort();
    const down = kubeconfigWith('down.kubeconfig', (c) => (c.server = `https://127.0.0.1:${port}`));
    const bad = await runSkiff([...args, '-o', 'json'], { env: { ...env, KUBECONFIG: down } });
    assert.equal(bad.code, 1, bad.out + bad.err);
    const report = JSON.parse(bad.out) as { checks: CheckResult[]; failed: number };
    assert.equal(report.failed, 1);
    assert.deepEqual(find(report.checks, 'server'), {
      name: 'server',
      status: 'fail',
      detail: `nothing listens at 127.0.0.1:${port} (connection refused)`,
      hint: 'start it with `skiff up` (or `skiff server`), or point --kubeconfig at a running cluster',
    });
  });
});

describe('doctor machine checks', () => {
  it('cgroups: v2 lists its controllers, v1 its mounted ones, none is a warning', () => {
    const root = mkdtempSync(join(tmpdir(), 'skiff-cg-'));
    try {
      writeFileSync(join(root, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
      const v2 = checkCgroups({ root, mounts: `cgroup2 ${root} cgroup2 rw,nosuid 0 0\n` });
      assert.deepEqual([v2.status, v2.detail], ['ok', `v2 (unified) at ${root}, controllers: cpuset cpu io memory pids`]);
      writeFileSync(join(root, 'cgroup.controllers'), 'cpuset io\n');
      const partial = checkCgroups({ root, mounts: `cgroup2 ${root} cgroup2 rw 0 0\n` });
      assert.equal(partial.status, 'warn');
      assert.match(partial.hint ?? '', /cpu, memory, pids are not enabled/);
      const v1 = checkCgroups({ root, mounts: `tmpfs ${root} tmpfs rw 0 0\ncgroup ${root}/cpu,cpuacct cgroup rw,cpu,cpuacct 0 0\ncgroup ${root}/memory cgroup rw,memory 0 0\ncgroup ${root}/pids cgroup rw,pids 0 0\ncgroup ${root}/systemd cgroup rw,name=systemd 0 0\n` });
      assert.deepEqual([v1.status, v1.detail], ['ok', `v1 at ${root}, controllers: cpu cpuacct memory pids`]);
      const none = checkCgroups({ root, mounts: 'proc /proc proc rw 0 0\n' });
      assert.equal(none.status, 'warn');
      assert.match(none.detail, /no cgroup filesystem mounted/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('runtime: root and non-root both work with the process runtime, and say what differs', () => {
    assert.match(checkRuntime(0).detail, /running as root/);
    const user = checkRuntime(1000);
    assert.equal(user.status, 'ok');
    assert.match(user.detail, /not root \(uid 1000\): it works unprivileged — pods are host processes on loopback addresses/);
  });
});
