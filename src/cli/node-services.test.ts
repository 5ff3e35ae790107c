import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { loopbackMapping, parseDnsUpstream, parseProxyMode, proxyModeFor, resolvConfUpstream } from './node-services.js';

describe('node services flags', () => {
  it('--proxy-mode: userspace, none, nftables (alias kernel, root only); iptables and ipvs are known but not available yet', () => {
    assert.equal(parseProxyMode('userspace'), 'userspace');
    assert.equal(parseProxyMode('none'), 'none');
    assert.equal(proxyModeFor('nftables', true), 'nftables');
    assert.equal(proxyModeFor('kernel', true), 'nftables');
    for (const m of ['kernel', 'nftables']) assert.throws(() => proxyModeFor(m, false), (e: Error) => e instanceof InvalidArgumentError && /needs root/.test(e.message));
    for (const m of ['iptables', 'ipvs']) assert.throws(() => parseProxyMode(m), (e: Error) => e instanceof InvalidArgumentError && /not available yet; use nftables or userspace/.test(e.message));
    assert.throws(() => parseProxyMode('fast'), /userspace, nftables \(alias kernel\) or none/);
  });

  it('--dns-upstream: none, ADDR, ADDR:PORT, [V6]:PORT', () => {
    assert.equal(parseDnsUpstream('none'), 'none');
    assert.deepEqual(parseDnsUpstream('127.0.0.53'), { address: '127.0.0.53', port: 53 });
    assert.deepEqual(parseDnsUpstream('127.0.0.1:5300'), { address: '127.0.0.1', port: 5300 });
    assert.deepEqual(parseDnsUpstream('[::1]:5300'), { address: '::1', port: 5300 });
    assert.deepEqual(parseDnsUpstream('::1'), { address: '::1', port: 53 });
    for (const bad of ['dns.example', '127.0.0.1:0', '127.0.0.1:70000', '']) assert.throws(() => parseDnsUpstream(bad), InvalidArgumentError, bad);
  });

  it('maps ClusterIPs outside 127/8 to 127.b.c.d, leaves loopback ones alone', () => {
    assert.equal(loopbackMapping('198.18.4.7'), '127.18.4.7');
    assert.equal(loopbackMapping('127.43.0.10'), undefined);
    assert.equal(loopbackMapping('fd00::a'), undefined);
  });

  it('upstream: the first nameserver of resolv.conf, unless it is the cluster DNS itself', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-resolv-'));
    try {
      const f = join(dir, 'resolv.conf');
      writeFileSync(f, '# comment\nsearch example\nnameserver 127.0.0.53\nnameserver 127.0.0.54\n');
      assert.deepEqual(resolvConfUpstream([], f), { address: '127.0.0.53', port: 53 });
      assert.equal(resolvConfUpstream(['127.0.0.53'], f), null);
      writeFileSync(f, 'search example\n');
      assert.equal(resolvConfUpstream([], f), null);
      assert.equal(resolvConfUpstream([], join(dir, 'missing')), null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
