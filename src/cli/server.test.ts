import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './test-support.js';

test('skiff server --help shows flags and examples', async () => {
  const r = await runCli(['server', '--help']);
  assert.equal(r.code, 0);
  for (const flag of ['--data-dir', '--port', '--bind-address', '--advertise-address', '--tls-san', '--datastore', '--etcd-endpoints', '--etcd-prefix', '--token-auth-file', '--encryption-provider-config', '--secrets-encryption']) {
    assert.ok(r.out.includes(flag), flag);
  }
  assert.match(r.out, /Examples:\n {2}skiff server /);
  assert.match(r.out, /\(default: 6443\)/);
});

test('bad flags and values: one error line and a non-zero exit', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['server', '--port', '70000'], /^error: option '--port <port>' argument '70000' is invalid/],
    [['server', '--bind-address', 'localhost'], /must be an IP address/],
    [['server', '--datastore', 'mysql'], /Allowed choices are sqlite, etcd/],
    [['server', '--datastore', 'etcd'], /^error: --datastore etcd needs --etcd-endpoints$/m],
    [['server', '--etcd-endpoints', 'http://127.0.0.1:2379'], /need --datastore etcd/],
    [['server', '--datastore', 'etcd', '--etcd-endpoints', 'ftp://x'], /must be http:\/\/ or https:\/\//],
    [['server', '--token-auth-file', '/nonexistent/tokens.csv'], /no such file/],
    [['server', '--no-such-flag'], /unknown option '--no-such-flag'/],
    [['server', '--service-cidr', '198.19.0.0'], /must be an IPv4 CIDR/],
    [['server', '--service-node-port-range', '40000-30000'], /must be a port range/],
    [['server', '--disable-admission-plugins', 'ServiceAccount,NamespaceLifecycle'], /^error: --disable-admission-plugins: "NamespaceLifecycle" is not one that can be turned off \(ServiceAccount, PodSecurity\)$/m],
  ];
  for (const [args, want] of cases) {
    const r = await runCli(args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.err, want, args.join(' '));
    assert.equal(r.err.split('\n').filter((l) => l.startsWith('error:')).length, 1, r.err);
  }
});

test('encryption at rest flags: a missing or bad configuration is one error line before anything starts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-cli-enc-'));
  try {
    const short = join(dir, 'short-key.yaml');
    writeFileSync(short, 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources: [secrets]\n    providers:\n      - aescbc:\n          keys: [{ name: key1, secret: c2hvcnQ= }]\n');
    const cases: Array<[string[], RegExp]> = [
      [['--encryption-provider-config', join(dir, 'none.yaml')], /^error: --encryption-provider-config .*none\.yaml: no such file$/m],
      [['--encryption-provider-config', short], /^error: --encryption-provider-config .*short-key\.yaml: resources\[0\]\.providers\[0\]\.aescbc\.keys\[0\]\.secret: aescbc key "key1" must be 32 bytes, got 5$/m],
      [['--encryption-provider-config', short, '--secrets-encryption'], /^error: --encryption-provider-config and --secrets-encryption are mutually exclusive$/m],
    ];
    for (const [args, want] of cases) {
      const r = await runCli(['server', '--data-dir', join(dir, 'data'), '--port', '0', ...args]);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.err, want, args.join(' '));
      assert.equal(r.err.split('\n').filter((l) => l.startsWith('error:')).length, 1, r.err);
    }
    assert.equal(existsSync(join(dir, 'data')), false, 'nothing written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a port already in use: one error line, exit 1, nothing left running', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'skiff-cli-'));
  try {
    const r = await runCli(['server', '--data-dir', dir, '--port', String(port), '--bind-address', '127.0.0.1']);
    assert.equal(r.code, 1);
    assert.equal(r.err.split('\n').filter((l) => l.startsWith('error:')).join('\n'), `error: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
  } finally {
    blocker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
