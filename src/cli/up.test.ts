import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runCli } from './test-support.js';
import { cidrContains } from './flag-parsers.js';
import { mergeKubeconfig } from './kubeconfig-merge.js';
import { parseDisable } from './control-plane.js';

test('skiff up --help lists its flags and defaults', async () => {
  const r = await runCli(['up', '--help']);
  assert.equal(r.code, 0);
  for (const f of ['--data-dir', '--port', '--cluster-cidr', '--service-cidr', '--cluster-dns', '--runtime', '--node-name', '--no-kubeconfig', '--disable', '--ingress-port']) assert.ok(r.out.includes(f), f);
  const flat = r.out.replace(/\s+/g, ' ');
  assert.match(flat, /--cluster-cidr <cidr> .*?\(default: "10\.42\.0\.0\/16"\)/);
  assert.match(flat, /--cluster-dns <ip> .*?\(default: "10\.43\.0\.10"\)/);
  assert.match(flat, /--port <port> .*?\(default: 6443\)/);
});

test('skiff up: bad flags give one error line and a non-zero exit, before anything starts', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['up', '--port', 'x'], /must be a port number/],
    [['up', '--cluster-cidr', '198.18.0.0'], /must be an IPv4 CIDR/],
    [['up', '--service-cidr', '300.1.0.0/16'], /must be an IPv4 CIDR/],
    [['up', '--service-cidr', '198.19.0.0/16', '--cluster-dns', '198.18.0.10'], /^error: --cluster-dns 198\.18\.0\.10 is not inside --service-cidr 198\.19\.0\.0\/16$/m],
    [['up', '--cluster-cidr', '198.19.0.0/24', '--service-cidr', '198.19.0.0/16', '--cluster-dns', '198.19.0.10'], /overlaps --service-cidr/],
    [['up', '--runtime', 'docker'], /Allowed choices are process/],
    [['up', '--node-name', 'Bad_Name'], /not a valid DNS subdomain/],
    [['up', '--disable', 'kubelet'], /unknown component "kubelet"/],
    [['up', '--bogus'], /unknown option '--bogus'/],
  ];
  for (const [args, want] of cases) {
    const r = await runCli([...args, '--no-kubeconfig']);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.err, want, args.join(' '));
    assert.equal(r.err.split('\n').filter((l) => l.startsWith('error:')).length, 1, r.err);
    assert.equal(r.out, '', 'nothing starts');
  }
});

test('skiff server: --disable names are checked', async () => {
  const r = await runCli(['server', '--in-process', '--disable', 'schedular']);
  assert.equal(r.code, 1);
  assert.match(r.err, /^error: --disable: unknown component "schedular"/m);
  assert.deepEqual([...parseDisable(['scheduler', 'controller-manager'])].sort(), ['controller-manager', 'scheduler']);
});

test('cidrContains', () => {
  assert.equal(cidrContains('198.19.0.0/16', '198.19.0.10'), true);
  assert.equal(cidrContains('198.19.0.0/16', '198.18.0.1'), false);
  assert.equal(cidrContains('198.19.7.9/16', '198.19.255.255'), true);
  assert.equal(cidrContains('0.0.0.0/0', '203.0.113.5'), true);
});

test('mergeKubeconfig replaces only its own entries and keeps current-context', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-merge-'));
  try {
    const src = join(dir, 'admin.kubeconfig');
    const target = join(dir, 'kube', 'config');
    const write = (server: string): void =>
      writeFileSync(src, `apiVersion: v1\nkind: Config\nclusters:\n- name: skiff\n  cluster: {server: "${server}"}\nusers:\n- name: admin\n  user: {token: t}\ncontexts:\n- name: skiff\n  context: {cluster: skiff, user: admin}\ncurrent-context: skiff\n`);
    write('https://127.0.0.1:1');
    // No target yet: created, and current.
    assert.deepEqual(mergeKubeconfig({ target, source: src, name: 'skiff' }), { replaced: false, current: true });
    const t0 = parse(readFileSync(target, 'utf8')) as Record<string, unknown>;
    assert.equal(t0['current-context'], 'skiff');
    // Another context becomes current; a second merge updates skiff, keeps the rest.
    const doc = t0 as { 'current-context': string; clusters: unknown[]; users: unknown[]; contexts: unknown[] };
    doc['current-context'] = 'other';
    doc.clusters.push({ name: 'other', cluster: { server: 'https://192.0.2.1' } });
    doc.users.push({ name: 'other', user: { token: 'x' } });
    doc.contexts.push({ name: 'other', context: { cluster: 'other', user: 'other' } });
    writeFileSync(target, JSON.stringify(doc));
    write('https://127.0.0.1:2');
    assert.deepEqual(mergeKubeconfig({ target, source: src, name: 'skiff' }), { replaced: true, current: false });
    const t1 = parse(readFileSync(target, 'utf8')) as { 'current-context': string; clusters: Array<{ name: string; cluster: { server: string } }>; users: Array<{ name: string }> };
    assert.equal(t1['current-context'], 'other');
    assert.deepEqual(t1.clusters.map((c) => `${c.name}=${c.cluster.server}`).sort(), ['other=https://192.0.2.1', 'skiff=https://127.0.0.1:2']);
    assert.deepEqual(t1.users.map((u) => u.name).sort(), ['other', 'skiff']);
    // Not a kubeconfig: left alone.
    writeFileSync(target, '- a\n- b\n');
    assert.throws(() => mergeKubeconfig({ target, source: src, name: 'skiff' }), /not a kubeconfig/);
    assert.equal(readFileSync(target, 'utf8'), '- a\n- b\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
